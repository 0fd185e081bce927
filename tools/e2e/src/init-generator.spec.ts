import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SOURCE_WORKSPACE, WorkspaceCopy } from './workspace-copy';

/**
 * `nx add nx-kubeflow` and `create-nx-workspace --preset=nx-kubeflow` without a
 * registry: the plugin is built (nx-kubeflow:build, in a copy of this
 * workspace) and put into the node_modules of a workspace that is not this
 * one, beside nx 22.7.9 and the other packages linked from this repository's
 * node_modules. There nx loads it as it loads an installed package: compiled
 * JavaScript, its manifests, the component-runtime it carries. Then, through
 * the nx CLI: init as `nx add` runs it (and the preset as create-nx-workspace
 * runs it), a component, its test, a pipeline and its deploy, on real venvs.
 * (The flows through a real npm registry are the verdaccio suite's.)
 */
describe('the init and preset generators in workspaces that are not this one', () => {
  let source: WorkspaceCopy;
  let pluginDist: string;
  let pluginVersion: string;
  const workspaces: PlainWorkspace[] = [];

  beforeAll(() => {
    source = new WorkspaceCopy();
    const build = source.nx('run', 'nx-kubeflow:build', '--skip-nx-cache', '--outputStyle=static');
    if (build.status !== 0) throw new Error(`nx-kubeflow:build failed:\n${build.output}`);
    pluginDist = join(source.root, 'dist/packages/nx-kubeflow');
    pluginVersion = JSON.parse(readFileSync(join(pluginDist, 'package.json'), 'utf8')).version;
  });
  afterAll(() => {
    for (const workspace of workspaces) workspace.remove();
    source?.remove();
  });

  const newWorkspace = (files: Record<string, string>) => {
    const workspace = new PlainWorkspace(files, pluginDist);
    workspaces.push(workspace);
    return workspace;
  };

  describe('nx add nx-kubeflow: init in a workspace made with another preset', () => {
    let workspace: PlainWorkspace;
    const NX_JSON = {
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default'], sharedGlobals: [] },
      targetDefaults: { build: { cache: true, dependsOn: ['^build'] } },
      defaultBase: 'main',
    };

    beforeAll(() => {
      // what create-nx-workspace --preset=ts leaves, with nx-kubeflow installed as `nx add` installs it first
      workspace = newWorkspace({
        'package.json': json({
          name: '@acme/source',
          version: '0.0.0',
          private: true,
          devDependencies: { nx: '22.7.9', 'nx-kubeflow': pluginVersion },
          workspaces: ['packages/*'],
        }),
        'nx.json': json(NX_JSON),
        '.gitignore': readFileSync(join(SOURCE_WORKSPACE, 'node_modules/@nx/workspace/src/generators/new/files-package-based-repo/__dot__gitignore'), 'utf8'),
        'packages/.gitkeep': '',
      });
    });

    it('under --dry-run lists nx.json, .gitignore and every runtime file, and writes nothing', () => {
      const result = workspace.nx('g', 'nx-kubeflow:init', '--keepExistingVersions', '--dry-run');
      expect(result.status).toBe(0);
      expect(result.output).toContain('UPDATE nx.json');
      expect(result.output).toContain('UPDATE .gitignore');
      expect(result.output).toContain('CREATE packages/component-runtime/pyproject.toml');
      expect(result.output).toContain('CREATE packages/component-runtime/src/component_runtime/settings.py');
      expect(result.output).not.toMatch(/egg-info|__pycache__/);
      expect(workspace.git('status', '--porcelain')).toBe('');
    });

    it('registers the plugin with its options, adds component-runtime and the .gitignore entries, and leaves the rest of nx.json alone', () => {
      const result = workspace.nx('g', 'nx-kubeflow:init', '--keepExistingVersions');
      expect(result.status).toBe(0);
      expect(result.output).toContain('nx-kubeflow is set up. Next steps:');
      const nxJson = JSON.parse(workspace.read('nx.json'));
      expect(nxJson.plugins).toEqual([
        {
          plugin: 'nx-kubeflow',
          options: expect.objectContaining({ testTargetName: 'test', deployTargetName: 'deploy', componentsDir: 'components', componentRuntime: 'source' }),
        },
      ]);
      const { plugins: _plugins, ...rest } = nxJson;
      expect(rest).toEqual(NX_JSON);
      expect(workspace.read('packages/component-runtime/pyproject.toml')).toContain('name = "component-runtime"');
      expect(workspace.read('.gitignore')).toMatch(/^settings\.local\.toml$/m);
      expect(JSON.parse(workspace.read('package.json')).devDependencies['nx-kubeflow']).toBe(pluginVersion);

      // the installed plugin infers the runtime as a project with its targets
      const runtime = workspace.nx('show', 'project', 'component-runtime', '--json');
      expect(runtime.status).toBe(0);
      expect(Object.keys(JSON.parse(runtime.stdout).targets)).toEqual(expect.arrayContaining(['test']));
      workspace.commit('nx add nx-kubeflow');
    });

    it('changes nothing when run again', () => {
      const result = workspace.nx('g', 'nx-kubeflow:init', '--keepExistingVersions');
      expect(result.status).toBe(0);
      expect(result.output).not.toMatch(/^(CREATE|UPDATE|DELETE) /m);
      expect(result.output).toContain('nx-kubeflow was already registered in nx.json');
      expect(workspace.git('status', '--porcelain')).toBe('');
    });

    it("generates a component whose test passes in its own venv, with the workspace's runtime", () => {
      const generated = workspace.nx('g', 'nx-kubeflow:component', 'scorer', '--inputs', 'threshold:Float=0.5', '--outputs', 'report:Markdown');
      expect(generated.status).toBe(0);
      expect(generated.output).toContain('CREATE components/scorer/component.yaml');
      expect(generated.output).toContain('npx nx run scorer:test');
      expect(workspace.read('components/scorer/pyproject.toml')).toContain('path = "../../packages/component-runtime"');

      const test = workspace.nx('run', 'scorer:test', '--outputStyle=static');
      expect(test.output).toMatch(/2 passed/);
      expect(test.status).toBe(0);
    });

    it('generates a pipeline around it that deploys and runs on this machine', () => {
      const generated = workspace.nx('g', 'nx-kubeflow:pipeline', 'scoring', '--components', 'scorer');
      expect(generated.status).toBe(0);
      const deploy = workspace.nx('run', 'scoring:deploy', '--outputStyle=static');
      expect(deploy.output).toMatch(/scorer SUCCEEDED/);
      expect(deploy.status).toBe(0);
      expect(lastRun(workspace, 'scoring').state).toBe('SUCCEEDED');
    });
  });

  describe('create-nx-workspace acme-ml --preset=nx-kubeflow: the preset', () => {
    let workspace: PlainWorkspace;

    beforeAll(() => {
      // what `nx new --preset=nx-kubeflow` leaves before create-nx-workspace runs the preset
      workspace = newWorkspace({
        'package.json': json({
          name: '@acme-ml/source',
          version: '0.0.0',
          license: 'MIT',
          scripts: {},
          private: true,
          dependencies: {},
          devDependencies: { nx: '22.7.9', 'nx-kubeflow': pluginVersion },
        }),
        'nx.json': json({
          $schema: './node_modules/nx/schemas/nx-schema.json',
          namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default'], sharedGlobals: [] },
        }),
        '.gitignore': readFileSync(join(SOURCE_WORKSPACE, 'node_modules/@nx/workspace/src/generators/new/files-integrated-repo/__dot__gitignore'), 'utf8'),
        'README.md': '# AcmeMl\n\nThe README Nx writes for a workspace.\n',
      });
    });

    it("runs as create-nx-workspace calls it, with create-nx-workspace's own flags, and sets the workspace up", () => {
      // create-preset.js: `nx --nxWorkspaceRoot=<dir> g <preset>:preset --quiet <its other flags, unparsed>`
      const result = workspace.nx(
        `--nxWorkspaceRoot=${workspace.root}`,
        'g',
        'nx-kubeflow:preset',
        '--quiet',
        '--interactive=false',
        '--name=acme-ml',
        '--preset=nx-kubeflow',
        '--packageManager=npm',
        '--defaultBase=main',
        '--no-allPrompts',
        '--workspaces',
      );
      expect(result.status).toBe(0);
      expect(result.output).toContain('acme-ml is ready');
      for (const file of [
        'packages/component-runtime/pyproject.toml',
        'components/trainer/component.yaml',
        'pipelines/training-pipeline/pipeline.yaml',
        '.github/workflows/ci.yml',
        'Makefile',
      ]) {
        expect(existsSync(join(workspace.root, file))).toBe(true);
      }
      expect(existsSync(join(workspace.root, 'apps'))).toBe(false);
      expect(existsSync(join(workspace.root, 'libs'))).toBe(false);
      const readme = workspace.read('README.md');
      expect(readme.startsWith('# acme-ml\n')).toBe(true);
      expect(readme.split('\n').filter((line) => /^np[mx] /.test(line)).slice(0, 2)).toEqual(['npx nx run training-pipeline:deploy', 'npm test']);
      expect(JSON.parse(workspace.read('package.json')).scripts.test).toBe('nx run-many -t test');
      workspace.commit('create-nx-workspace');
    });

    it('passes npm test: the runtime and the example component, each in its own venv', () => {
      const result = workspace.run('npm', 'test');
      expect(result.output).toContain('Successfully ran target test for 2 projects');
      expect(result.status).toBe(0);
    });

    it("runs the example pipeline with the README's first command", () => {
      const result = workspace.nx('run', 'training-pipeline:deploy', '--outputStyle=static');
      expect(result.output).toMatch(/trainer SUCCEEDED/);
      expect(result.status).toBe(0);
      const run = lastRun(workspace, 'training-pipeline');
      expect(run.state).toBe('SUCCEEDED');
      // nothing a run or a test left behind is one git would pick up
      expect(workspace.git('status', '--porcelain')).toBe('');
    });
  });
});

/**
 * A workspace in a temp folder holding `files`, with a node_modules of its
 * own: every package of this repository's node_modules linked, except
 * nx-kubeflow, which is the built package copied in, with the dependencies
 * npm nests under it here (yaml 2 beside a hoisted yaml 1).
 */
class PlainWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-e2e-plain-'));

  constructor(files: Record<string, string>, pluginDist: string) {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.root, path)), { recursive: true });
      writeFileSync(join(this.root, path), content);
    }
    const modules = join(this.root, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(join(SOURCE_WORKSPACE, 'node_modules'))) {
      if (entry !== 'nx-kubeflow') symlinkSync(join(SOURCE_WORKSPACE, 'node_modules', entry), join(modules, entry));
    }
    cpSync(pluginDist, join(modules, 'nx-kubeflow'), { recursive: true });
    const nested = join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules');
    if (existsSync(nested)) {
      mkdirSync(join(modules, 'nx-kubeflow/node_modules'));
      for (const entry of readdirSync(nested)) symlinkSync(join(nested, entry), join(modules, 'nx-kubeflow/node_modules', entry));
    }
    this.git('init', '-q', '-b', 'main');
    this.commit('base');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' });
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', message);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  nx(...args: string[]) {
    return this.run(join(this.root, 'node_modules/.bin/nx'), ...args);
  }

  /** Runs a command in the workspace with the daemon off, as CI does; never throws. */
  run(command: string, ...args: string[]) {
    const result = spawnSync(command, args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return Object.assign(result, { output: `${result.stdout}\n${result.stderr}` });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function lastRun(workspace: PlainWorkspace, pipeline: string): { state: string } {
  const runs = join(workspace.root, 'dist/runs', pipeline);
  const latest = readdirSync(runs).sort().pop()!;
  return JSON.parse(readFileSync(join(runs, latest, 'run.json'), 'utf8'));
}
