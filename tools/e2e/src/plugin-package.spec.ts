import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cleanUserEnvironment, SOURCE_WORKSPACE } from './local-registry';
import { WorkspaceCopy } from './workspace-copy';

/**
 * The plugin as it is published: built by `nx run nx-kubeflow:build`, packed
 * by npm, and installed from that tarball alone into a new Nx workspace
 * outside this checkout, whose nx loads it, generates with it, compiles with
 * it and runs its migration.
 */
describe('the nx-kubeflow package', () => {
  let workspace: WorkspaceCopy;
  let dist: string;
  let manifest: Record<string, any>;
  let packed: string[];
  let tarball: string;
  const scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-package-'));

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    const result = workspace.nx('run', 'nx-kubeflow:build', '--outputStyle=static');
    if (result.status !== 0) throw new Error(`build failed:\n${result.output}`);
    dist = join(workspace.root, 'dist/packages/nx-kubeflow');
    manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'));
  });
  afterAll(() => {
    workspace?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('builds with tsc into a publishable layout whose manifests resolve', () => {
    expect(existsSync(join(dist, manifest.main))).toBe(true);
    expect(existsSync(join(dist, manifest.types))).toBe(true);

    // Loaded by plain node, as Nx would load the published package.
    const exported = execFileSync(
      process.execPath,
      ['-e', `const p = require(${JSON.stringify(join(dist, manifest.main))}); console.log(JSON.stringify({ glob: p.createNodesV2[0], deps: typeof p.createDependencies }))`],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(exported)).toEqual({ glob: expect.stringContaining('component.yaml'), deps: 'function' });

    const generators = JSON.parse(readFileSync(join(dist, manifest.generators), 'utf8')).generators;
    const executors = JSON.parse(readFileSync(join(dist, manifest.executors), 'utf8')).executors;
    const migrations = JSON.parse(readFileSync(join(dist, manifest['nx-migrations'].migrations), 'utf8')).generators;
    expect(Object.keys(migrations).length).toBeGreaterThan(0);
    const entries = [
      ...Object.values<any>(generators).map((g) => g.factory),
      ...Object.values<any>(executors).map((e) => e.implementation),
      ...Object.values<any>(migrations).map((m) => m.implementation),
    ];
    for (const entry of entries) {
      expect([entry, existsSync(join(dist, `${entry}.js`)), existsSync(join(dist, `${entry}.d.ts`))]).toEqual([entry, true, true]);
    }
    for (const entry of [...Object.values<any>(generators), ...Object.values<any>(executors)]) {
      expect([entry.schema, existsSync(join(dist, entry.schema))]).toEqual([entry.schema, true]);
      const typings = join(dist, entry.schema.replace(/\.json$/, '.d.ts'));
      expect([typings, existsSync(typings)]).toEqual([typings, true]);
    }
    // Every template file of the source, under the same name (__tmpl__ suffixes and dotfiles included).
    for (const template of sourceFiles('packages/nx-kubeflow/src').filter((file) => file.includes(`${sep}files${sep}`))) {
      const built = join(dist, 'src', relative(join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/src'), template));
      expect([built, existsSync(built)]).toEqual([built, true]);
    }
    expect(existsSync(join(dist, 'src/generators/component/files/src/run.py__tmpl__'))).toBe(true);
    expect(existsSync(join(dist, 'src/pipeline/pipeline.schema.json'))).toBe(true);
    // the local runner's fork server, which venv-mode tasks start from (without it every task is a fresh interpreter)
    expect(existsSync(join(dist, 'src/local-runner/python_fork_server.py'))).toBe(true);
  });

  it('carries the source of component-runtime, for init to write into a workspace, and nothing a checkout makes', () => {
    const runtime = join(dist, 'component-runtime');
    const shipped = listFiles(runtime).map((file) => relative(runtime, file)).sort();
    const expected = sourceFiles('packages/component-runtime')
      .map((file) => relative(join(SOURCE_WORKSPACE, 'packages/component-runtime'), file))
      .filter((file) => /^(pyproject\.toml|README\.md|src\/|tests\/)/.test(file))
      .sort();
    expect(shipped).toEqual(expected);
    expect(shipped).toEqual(expect.arrayContaining(['pyproject.toml', 'README.md', 'src/component_runtime/__init__.py', 'src/component_runtime/py.typed']));
    expect(shipped.filter((file) => /(^|\/)(\.venv|__pycache__|dist|build|\.pytest_cache)\/|\.egg-info\/|\.py[cod]$/.test(file))).toEqual([]);
  });

  it('holds no specs, fixtures, test helpers or scratch files, and pins what it depends on', () => {
    const files = listFiles(dist).map((file) => relative(dist, file));
    const forTheRepoOnly = files.filter((file) =>
      /\.spec\.|\.test\.|(^|\/)(__fixtures__|testing|integration|tmp|node_modules)\/|\.tsbuildinfo$|\.map$|(^|\/)\.DS_Store$/.test(file),
    );
    expect(forTheRepoOnly).toEqual([]);

    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    for (const [name, version] of Object.entries<string>(manifest.dependencies)) {
      expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    }
    expect(manifest.files).toEqual(expect.arrayContaining(['src', 'component-runtime', 'generators.json', 'executors.json', 'migrations.json', 'README.md']));
    expect(manifest['nx-migrations']).toEqual({ migrations: './migrations.json' });

    const readme = readFileSync(join(dist, 'README.md'), 'utf8');
    expect(readme).toContain('nx add nx-kubeflow');
    expect(readme).toContain('--preset=nx-kubeflow');
    for (const name of [...Object.keys(JSON.parse(readFileSync(join(dist, 'generators.json'), 'utf8')).generators), 'docker-build', 'deploy']) {
      expect([name, readme.includes(`\`${name}`)]).toEqual([name, true]);
    }
  });

  it('packs every built file: npm drops none (it drops .gitignore and .npmrc, so templates must not be named so)', () => {
    const output = execFileSync('npm', ['pack', dist, '--json', '--pack-destination', scratch], {
      cwd: scratch,
      env: cleanUserEnvironment(),
      encoding: 'utf8',
    });
    const [report] = JSON.parse(output);
    tarball = join(scratch, report.filename);
    packed = report.files.map((file: { path: string }) => file.path).sort();
    const built = listFiles(dist)
      .map((file) => relative(dist, file))
      .filter((file) => !file.startsWith(`node_modules${sep}`))
      .sort();
    expect(packed).toEqual(built);
    expect(existsSync(tarball)).toBe(true);
  });

  it('installs from its tarball alone into a new Nx workspace outside this checkout, whose nx loads it, generates, compiles and migrates with it', () => {
    expect(tarball).toBeDefined();
    const user = join(scratch, 'fresh-workspace');
    mkdirSync(user);
    writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'fresh-workspace', private: true }, null, 2));
    // nx.json as create-nx-workspace's integrated presets write it.
    const namedInputs = { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default'], sharedGlobals: [] };
    writeFileSync(join(user, 'nx.json'), JSON.stringify({ namedInputs }, null, 2));
    const env = cleanUserEnvironment();
    const run = (command: string, args: string[]): SpawnSyncReturns<string> & { output: string } => {
      const result = spawnSync(command, args, { cwd: user, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
      return Object.assign(result, { output: `${result.stdout}\n${result.stderr}` });
    };
    const ok = (command: string, ...args: string[]) => {
      const result = run(command, args);
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.output}`);
      return result.output;
    };

    ok('npm', 'install', '--save-dev', '--save-exact', 'nx@22.7.9', tarball);
    const installed = join(user, 'node_modules/nx-kubeflow');
    expect(statSync(installed).isDirectory()).toBe(true); // a real folder, not a link back into this checkout
    expect(readFileSync(join(installed, 'package.json'), 'utf8')).toContain('"name": "nx-kubeflow"');
    // init, as `nx add` runs it once the package is installed (keeping the tarball as the version).
    ok('npx', 'nx', 'g', 'nx-kubeflow:init', '--keepExistingVersions', '--no-interactive');
    expect(readFileSync(join(user, 'packages/component-runtime/pyproject.toml'), 'utf8')).toBe(
      readFileSync(join(installed, 'component-runtime/pyproject.toml'), 'utf8'),
    );

    ok('npx', 'nx', 'g', 'nx-kubeflow:component', 'alpha', '--outputs', 'table:Dataset', '--no-interactive');
    ok('npx', 'nx', 'g', 'nx-kubeflow:pipeline', 'flow', '--components', 'alpha', '--no-interactive');
    const projects = ok('npx', 'nx', 'show', 'projects').split('\n').map((line) => line.trim()).filter(Boolean).sort();
    expect(projects).toEqual(['alpha', 'component-runtime', 'flow']);
    // nx list reads the installed package's generators.json and executors.json.
    const listed = ok('npx', 'nx', 'list', 'nx-kubeflow');
    for (const name of [
      ...Object.keys(JSON.parse(readFileSync(join(installed, 'generators.json'), 'utf8')).generators),
      ...Object.keys(JSON.parse(readFileSync(join(installed, 'executors.json'), 'utf8')).executors),
    ]) {
      expect(listed).toMatch(new RegExp(`^\\s*${name} : \\S`, 'm'));
    }
    const alpha = JSON.parse(ok('npx', 'nx', 'show', 'project', 'alpha', '--json'));
    // the installed package's compiled command, by a path relative to the workspace, without swc
    expect(alpha.targets.test).toMatchObject({ executor: 'nx:run-commands', options: { command: 'node node_modules/nx-kubeflow/src/commands/python-cli.js test alpha components/alpha' } });

    const compiled = ok('npx', 'nx', 'run', 'flow:compile', '--outputStyle=static');
    expect(compiled).toContain('Successfully ran target compile');
    const ir = parseYaml(readFileSync(join(user, 'dist/pipelines/flow/development/pipeline.yaml'), 'utf8'));
    expect(Object.keys(ir.deploymentSpec.executors)).toEqual(['exec-alpha']);

    // The commands run as bundles with a code cache (src/commands): the venv, test, compile and deploy
    // commands work from them, the local run finds the fork server's script beside its module (no
    // fallback to fresh interpreters), and each command word leaves its cache.
    for (const command of ['python-cli', 'pipeline-cli']) {
      expect(readFileSync(join(installed, `src/commands/${command}.bundle.js`), 'utf8')).toMatch(/\n\/\/# nx-kubeflow-bundle [0-9a-f]{24}\n$/);
    }
    expect(ok('npx', 'nx', 'run', 'alpha:test', '--outputStyle=static')).toMatch(/\d+ passed/);
    const deployed = ok('npx', 'nx', 'run', 'flow:deploy', '--outputStyle=static');
    expect(deployed).toMatch(/\] alpha SUCCEEDED/);
    expect(deployed).not.toContain('fresh interpreters');
    const codeCache = join(user, '.nx/workspace-data/nx-kubeflow-code-cache');
    const cacheFiles = () => readdirSync(codeCache).sort();
    expect(cacheFiles().map((name) => name.replace(/^(\w+-cli)\.bundle-[0-9a-f]{24}-(\w+)-v[\d.]+-\w+\.bin$/, '$1 $2'))).toEqual([
      'pipeline-cli compile',
      'pipeline-cli deploy',
      'python-cli test',
      'python-cli venv',
    ]);
    const compileCache = join(codeCache, cacheFiles()[0]);
    const written = statSync(compileCache).mtimeMs;
    expect(ok('npx', 'nx', 'run', 'flow:compile', '--skip-nx-cache', '--outputStyle=static')).toContain('Successfully ran target compile');
    expect(statSync(compileCache).mtimeMs).toBe(written); // V8 took the cache: nothing written again

    // nx migrate runs the package's migration, found through its package.json, as after an upgrade.
    writeFileSync(join(user, 'pipelines/flow/project.json'), JSON.stringify({ targets: { deploy: { options: { parallel: 2 } } } }, null, 2));
    const nxJson = JSON.parse(readFileSync(join(user, 'nx.json'), 'utf8'));
    nxJson.targetDefaults = { 'nx-kubeflow:run': { options: { parallel: 1 } } };
    writeFileSync(join(user, 'nx.json'), JSON.stringify(nxJson, null, 2));
    const migration = JSON.parse(readFileSync(join(installed, 'migrations.json'), 'utf8')).generators['rename-parallel-to-max-parallel-tasks'];
    writeFileSync(
      join(user, 'migrations.json'),
      JSON.stringify({ migrations: [{ package: 'nx-kubeflow', name: 'rename-parallel-to-max-parallel-tasks', version: migration.version, description: migration.description }] }),
    );
    // With the workspace's nx (the version the plugin supports), not nx@latest fetched from the registry.
    env.NX_MIGRATE_USE_LOCAL = 'true';
    const migrated = ok('npx', 'nx', 'migrate', '--run-migrations=migrations.json');
    expect(migrated).toContain('rename-parallel-to-max-parallel-tasks');
    expect(JSON.parse(readFileSync(join(user, 'pipelines/flow/project.json'), 'utf8')).targets.deploy.options).toEqual({ maxParallelTasks: 2 });
    expect(JSON.parse(readFileSync(join(user, 'nx.json'), 'utf8')).targetDefaults['nx-kubeflow:run']).toEqual({ options: { maxParallelTasks: 1 } });
    const flow = JSON.parse(ok('npx', 'nx', 'show', 'project', 'flow', '--json'));
    expect(flow.targets.deploy.options.maxParallelTasks).toBe(2);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) return [];
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** Files under `folder` as git would clone them (tracked or not ignored), absolute. */
function sourceFiles(folder: string): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', folder], { cwd: SOURCE_WORKSPACE, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && existsSync(join(SOURCE_WORKSPACE, file)))
    .map((file) => join(SOURCE_WORKSPACE, file));
}
