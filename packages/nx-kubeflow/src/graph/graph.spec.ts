import { DependencyType, type CreateDependenciesContext, type CreateNodesContextV2 } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createDependencies } from './create-dependencies';
import { createNodesV2 } from './create-nodes';
import { BUILT_IMAGE_REFERENCES_COMMAND, builtImageReferencesCommand, pythonCommandLauncher, venvTarget } from './inferred-targets';
import { projectMarkerFiles } from './project-kinds';
import { filesMatchingTheGlob } from './testing/matched-files';
import { normalizePluginOptions } from '../plugin/plugin-options';

describe('project graph inference', () => {
  let workspaceRoot: string;
  const write = (file: string, text = '') => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const pyprojectWithRuntime = (offset: string) =>
    `[project]\nname = "x"\ndependencies = ["component-runtime"]\n` +
    `[tool.uv.sources]\ncomponent-runtime = { path = "${offset}packages/component-runtime", editable = true }\n`;

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-graph-'));
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  // As Nx calls it: the glob matched over every file written, with nx.json as this repository's (a production named input)
  const inferNodes = async (nxJsonConfiguration: CreateNodesContextV2['nxJsonConfiguration'] = { namedInputs: { production: ['default'] } }) => {
    const context: CreateNodesContextV2 = { workspaceRoot, nxJsonConfiguration };
    const results = await createNodesV2[1](filesMatchingTheGlob(workspaceRoot), {}, context);
    return Object.fromEntries(results.flatMap(([, result]) => Object.entries(result.projects ?? {})));
  };

  it("hashes upstream projects' production files where nx.json names that input, else all their files (npm preset workspaces have none)", async () => {
    write('components/trainer/component.yaml', 'name: trainer\n');
    write('components/trainer/pyproject.toml', '[project]\nname = "trainer"\n');
    write('pipelines/training/pipeline.yaml', 'name: training\n');
    const cases: Array<[CreateNodesContextV2['nxJsonConfiguration'], string]> = [
      [{ namedInputs: { production: ['default'] } }, '^production'],
      [{}, '^default'],
      [{ namedInputs: { default: ['{projectRoot}/**/*'] } }, '^default'],
    ];
    for (const [nxJson, expected] of cases) {
      const projects = await inferNodes(nxJson);
      const upstream = (inputs: unknown[] | undefined) => (inputs ?? []).filter((input) => typeof input === 'string' && input.startsWith('^'));
      expect({ nxJson, test: upstream(projects['components/trainer'].targets!.test.inputs), compile: upstream(projects['pipelines/training'].targets!.compile.inputs) }).toEqual({
        nxJson,
        test: [expected],
        compile: [expected],
      });
    }
  });

  it('matches components at any depth under components/ and Python packages under packages/', () => {
    const { minimatch } = jest.requireActual('minimatch') as typeof import('minimatch');
    const glob = createNodesV2[0];
    const defaults = normalizePluginOptions(undefined);
    const candidates = [
      'components/trainer/component.yaml',
      'components/eval/scorer/component.yaml',
      'packages/component-runtime/pyproject.toml',
      'components/trainer/pyproject.toml',
      'pipelines/p/component.yaml',
      'pipelines/p/pipeline.yaml',
      'pipelines/team/p/pipeline.yaml',
      'components/c/pipeline.yaml',
      'packages/deep/er/pyproject.toml',
      'pyproject.toml',
    ];
    // The glob is static (Nx reads it before the options): every marker file, anywhere ...
    expect(candidates.every((file) => minimatch(file, glob))).toBe(true);
    // ... and nothing else: Nx matches every plugin's pattern against every file any glob matched
    expect(['components/trainer/Dockerfile', 'components/trainer/config/settings.toml'].some((file) => minimatch(file, glob))).toBe(false);
    expect(minimatch('components/trainer/src/run.py', glob)).toBe(false);
    // ... and the options' folders decide which make projects.
    expect(projectMarkerFiles(candidates, defaults)).toEqual([
      'components/trainer/component.yaml',
      'components/eval/scorer/component.yaml',
      'packages/component-runtime/pyproject.toml',
      'pipelines/p/pipeline.yaml',
      'pipelines/team/p/pipeline.yaml',
    ]);
  });

  it('infers a component with venv, test, lint and settings targets, named after its folder', async () => {
    write('components/eval/scorer/component.yaml', 'name: Scorer\n');
    write('components/eval/scorer/pyproject.toml', pyprojectWithRuntime('../../../'));
    const projects = await inferNodes();
    const scorer = projects['components/eval/scorer'];
    expect(scorer.name).toBe('scorer');
    expect(scorer.tags).toEqual(['kubeflow:component']);
    expect(Object.keys(scorer.targets!)).toEqual(['venv', 'test', 'lint', 'settings']);
    // commands Nx runs in its own process, not forked executors (python/python-cli.ts)
    expect(scorer.targets!.test).toMatchObject({
      executor: 'nx:run-commands',
      cache: true,
      inputs: expect.arrayContaining(['default', '^production']),
      outputs: ['{workspaceRoot}/dist/test-results/scorer'],
      dependsOn: ['venv'],
    });
    // relative to the workspace (the command is hashed), running this checkout's command on the project
    expect(scorer.targets!.test.options.command).toBe(`${pythonCommandLauncher(workspaceRoot)} test scorer components/eval/scorer`);
    expect(scorer.targets!.test.options.command).not.toContain(workspaceRoot);
    // the venv is made by a target that always runs, so a cached test or lint replays no venv lines
    expect(scorer.targets!.venv).toMatchObject({ executor: 'nx:run-commands', cache: false });
    // outside Windows, a shell fast path before the command (python/venv-fresh.spec.ts runs it); cmd.exe runs the command alone
    const launcher = pythonCommandLauncher(workspaceRoot);
    expect(scorer.targets!.venv.options.command).toContain(`; nxk_venv '${launcher}' venv scorer components/eval/scorer`);
    expect(scorer.targets!.venv.options.command).toMatch(/ venv scorer components\/eval\/scorer$/);
    expect(venvTarget('scorer', 'venv', 'components/eval/scorer', { launcher, platform: 'win32' }).options.command).toBe(`${launcher} venv scorer components/eval/scorer`);
    expect(scorer.targets!.lint).toMatchObject({ executor: 'nx-kubeflow:lint', cache: true, dependsOn: ['venv'], outputs: [] });
    expect(scorer.targets!.lint.inputs).toEqual([
      'default',
      ...['components/eval', 'components', ''].flatMap((folder) =>
        ['ruff.toml', '.ruff.toml', 'pyproject.toml'].map((file) => `{workspaceRoot}/${folder ? `${folder}/` : ''}${file}`),
      ),
    ]);
    expect(scorer.targets!.settings.cache).toBe(false);
  });

  it('infers docker-build on a component with a Dockerfile, and a configuration per settings environment', async () => {
    write('components/trainer/component.yaml', 'name: trainer\n');
    write('components/trainer/Dockerfile', 'FROM scratch\n');
    write(
      'components/trainer/config/settings.toml',
      '[default]\nimage.registry = ""\n[development]\nx = 1\n[Production.parameters]\nrows = 1\n[global]\ny = 2\n',
    );
    const trainer = (await inferNodes())['components/trainer'];
    expect(Object.keys(trainer.targets!)).toEqual(['settings', 'docker-build']);
    expect(trainer.targets!['docker-build']).toMatchObject({
      executor: 'nx-kubeflow:docker-build',
      cache: false,
      configurations: { development: { env: 'development' }, production: { env: 'production' } },
    });
    expect(Object.keys(trainer.targets!['docker-build'].configurations!)).toEqual(['development', 'production']);
    expect(trainer.targets!.settings.configurations).toEqual({ development: { env: 'development' }, production: { env: 'production' } });
  });

  it('gives configurations to no target when the settings file does not parse', async () => {
    write('components/broken/component.yaml', 'name: broken\n');
    write('components/broken/config/settings.toml', '[default\n');
    const broken = (await inferNodes())['components/broken'];
    expect(broken.targets!.settings.configurations).toBeUndefined();
  });

  it('gives a component without pyproject.toml no test target', async () => {
    write('components/external/component.yaml', 'name: External\n');
    const projects = await inferNodes();
    expect(Object.keys(projects['components/external'].targets!)).toEqual(['settings']);
  });

  it('infers a Python package with a test target', async () => {
    write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
    const projects = await inferNodes();
    expect(projects['packages/component-runtime']).toMatchObject({
      name: 'component-runtime',
      projectType: 'library',
      targets: { test: { executor: 'nx:run-commands', options: { command: expect.stringMatching(/python-cli\.ts test component-runtime packages\/component-runtime$/) } } },
    });
  });

  it('adds component -> package edges from pyproject path dependencies', async () => {
    write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
    write('components/trainer/component.yaml');
    write('components/trainer/pyproject.toml', pyprojectWithRuntime('../../'));
    write('components/eval/scorer/component.yaml');
    write('components/eval/scorer/pyproject.toml', pyprojectWithRuntime('../../../'));
    write('components/broken/component.yaml');
    write('components/broken/pyproject.toml', '[project\n');
    const context = {
      workspaceRoot,
      projects: {
        'component-runtime': { root: 'packages/component-runtime' },
        trainer: { root: 'components/trainer' },
        scorer: { root: 'components/eval/scorer' },
        broken: { root: 'components/broken' },
      },
    } as unknown as CreateDependenciesContext;
    const dependencies = await createDependencies({}, context);
    expect(dependencies).toEqual([
      {
        source: 'trainer',
        target: 'component-runtime',
        type: DependencyType.static,
        sourceFile: 'components/trainer/pyproject.toml',
      },
      {
        source: 'scorer',
        target: 'component-runtime',
        type: DependencyType.static,
        sourceFile: 'components/eval/scorer/pyproject.toml',
      },
    ]);
  });

  it('infers a pipeline with settings and a cacheable compile target that ignores settings.local.toml', async () => {
    write('pipelines/training/pipeline.yaml', 'name: training\n');
    const projects = await inferNodes();
    const training = projects['pipelines/training'];
    expect(training).toMatchObject({ name: 'training', projectType: 'application', tags: ['kubeflow:pipeline'] });
    expect(Object.keys(training.targets!)).toEqual(['settings', 'compile', 'deploy', 'run', 'ui']);
    // the run view serves until stopped: a continuous task, never cached
    expect(training.targets!.ui).toMatchObject({ executor: 'nx-kubeflow:ui', cache: false, continuous: true });
    // deploy and run change the world and read settings.local.toml: never cached.
    // commands Nx runs in its own process, not forked executors (pipeline/pipeline-cli.ts), by the plugin's path from the workspace
    const command = (name: string) => expect.stringMatching(new RegExp(`^SWC_NODE_PROJECT=\\S+ node -r @swc-node/register \\S+/pipeline/pipeline-cli\\.ts ${name} training pipelines/training$`));
    expect(training.targets!.deploy).toMatchObject({ executor: 'nx:run-commands', cache: false, options: { command: command('deploy') } });
    expect(training.targets!.run).toMatchObject({ executor: 'nx:run-commands', cache: false, options: { command: command('run') } });
    expect(training.targets!.deploy.configurations).toBeUndefined();
    expect(training.targets!.compile).toEqual({
      executor: 'nx:run-commands',
      cache: true,
      inputs: [
        'default',
        '!{projectRoot}/config/settings.local.toml',
        '^production',
        { runtime: BUILT_IMAGE_REFERENCES_COMMAND },
      ],
      // settingsEnv, not env: run-commands reads an `env` option as the command's environment variables
      outputs: ['{workspaceRoot}/dist/pipelines/training/{options.settingsEnv}/pipeline.yaml', '{options.outputPath}/pipeline.yaml'],
      // an environment in every run, so the output is always declared and a cache hit restores the file
      options: { command: command('compile'), settingsEnv: 'development' },
      metadata: expect.objectContaining({ technologies: ['kubeflow'] }),
    });
  });

  it('gives every project the environments any project declares, so -c staging never silently deploys development', async () => {
    write('pipelines/training/pipeline.yaml', 'name: training\n');
    write('pipelines/training/config/settings.toml', '[default]\n[production]\n');
    write('components/trainer/component.yaml', 'name: trainer\n');
    write('components/trainer/Dockerfile', 'FROM scratch\n');
    write('components/trainer/config/settings.toml', '[staging]\nx = 1\n');
    const projects = await inferNodes();
    expect(projects['pipelines/training'].targets!.deploy.configurations).toEqual({ production: { settingsEnv: 'production' }, staging: { settingsEnv: 'staging' } });
    expect(projects['components/trainer'].targets!['docker-build'].configurations).toEqual({ production: { env: 'production' }, staging: { env: 'staging' } });
  });

  it('gives pipeline targets a configuration per settings environment, so -c production means --env production (--settingsEnv on the commands)', async () => {
    write('pipelines/training/pipeline.yaml', 'name: training\n');
    write('pipelines/training/config/settings.toml', '[default]\nkfp.host = "local"\n[production]\nkfp.host = "https://kf"\n[staging]\n');
    const training = (await inferNodes())['pipelines/training'];
    expect(training.targets!.settings.configurations).toEqual({ production: { env: 'production' }, staging: { env: 'staging' } });
    for (const target of ['compile', 'deploy', 'run']) {
      expect(training.targets![target].configurations).toEqual({ production: { settingsEnv: 'production' }, staging: { settingsEnv: 'staging' } });
    }
  });

  it.each(['linux', 'win32'] as const)('hashes the image references docker-build recorded into compile, and only those (%s command)', (platform) => {
    const { execSync } = jest.requireActual('node:child_process') as typeof import('node:child_process');
    const { writeImageRecord } = jest.requireActual('../images/image-record') as typeof import('../images/image-record');
    // the Windows command runs here under sh: node -e with the quoting cmd.exe also reads
    const hashInput = () => execSync(builtImageReferencesCommand(platform), { cwd: workspaceRoot, encoding: 'utf8' });
    // as docker-build writes it: the reference beside tags and a digest that also name the image
    const record = (reference: string, builtAt: string) => ({
      reference,
      tag: 'r/x:c0ffee',
      tags: ['r/x:c0ffee', 'r/x:latest'],
      digest: reference.split('@')[1],
      contentHash: 'c0ffee',
      engine: 'docker',
      builtAt,
      skipped: builtAt === '2',
    });
    expect(hashInput()).toBe('');
    writeImageRecord(join(workspaceRoot, 'dist/components/trainer/image.json'), record('r/trainer@sha256:aa', '1'));
    writeImageRecord(join(workspaceRoot, 'dist/components/loader/image.json'), record('r/loader@sha256:cc', '1'));
    write('dist/components/broken/image.json', '{');
    const first = 'dist/components/loader/image.json:  "reference": "r/loader@sha256:cc",\ndist/components/trainer/image.json:  "reference": "r/trainer@sha256:aa",\n';
    expect(hashInput()).toBe(first);
    writeImageRecord(join(workspaceRoot, 'dist/components/trainer/image.json'), record('r/trainer@sha256:aa', '2'));
    expect(hashInput()).toBe(first);
    writeImageRecord(join(workspaceRoot, 'dist/components/trainer/image.json'), record('r/trainer@sha256:bb', '3'));
    expect(hashInput()).toBe(first.replace('sha256:aa', 'sha256:bb'));
  });

  it('adds pipeline -> pipeline edges for the pipelines its tasks run, at any depth of its blocks, so nx affected follows them', async () => {
    write('components/scorer/component.yaml');
    write('pipelines/training/pipeline.yaml', 'name: training\ntasks:\n  s: {component: scorer}\n');
    write(
      'pipelines/release/pipeline.yaml',
      'name: release\ntasks:\n  gate:\n    if: {left: 1, operator: ==, right: 1}\n    then:\n      train: {pipeline: training}\n    else:\n      again: {pipeline: release}\n  other: {pipeline: scorer}\n',
    );
    const context = {
      workspaceRoot,
      projects: {
        scorer: { root: 'components/scorer' },
        training: { root: 'pipelines/training' },
        release: { root: 'pipelines/release' },
      },
    } as unknown as CreateDependenciesContext;
    // release -> training; not to itself (compile refuses the cycle), not to a component named as a pipeline
    expect((await createDependencies({}, context)).filter((edge) => edge.source === 'release')).toEqual([
      { source: 'release', target: 'training', type: DependencyType.static, sourceFile: 'pipelines/release/pipeline.yaml' },
    ]);
  });

  it('adds pipeline -> component edges from the tasks of pipeline.yaml, with it as the source file', async () => {
    write('components/data-loader/component.yaml');
    write('components/eval/scorer/component.yaml');
    write(
      'pipelines/training/pipeline.yaml',
      'name: training\ntasks:\n  load: {component: data-loader}\n  score:\n    component: scorer\n  again: {component: data-loader}\n  ghost: {component: nowhere}\n',
    );
    write('pipelines/broken/pipeline.yaml', 'name: broken\ntasks: [\n');
    const context = {
      workspaceRoot,
      projects: {
        'data-loader': { root: 'components/data-loader' },
        scorer: { root: 'components/eval/scorer' },
        training: { root: 'pipelines/training' },
        broken: { root: 'pipelines/broken' },
      },
    } as unknown as CreateDependenciesContext;
    expect(await createDependencies({}, context)).toEqual([
      { source: 'training', target: 'data-loader', type: DependencyType.static, sourceFile: 'pipelines/training/pipeline.yaml' },
      { source: 'training', target: 'scorer', type: DependencyType.static, sourceFile: 'pipelines/training/pipeline.yaml' },
    ]);
  });
});

describe('the plugin entry', () => {
  it("loads no @nx/devkit at run time: Nx's plugin worker has what it uses loaded, the devkit index would add ~100 ms to every graph build", () => {
    const repoRoot = resolve(__dirname, '../../../..');
    const loaded = spawnSync(
      process.execPath,
      [
        '-r', '@swc-node/register', '-e',
        `require(${JSON.stringify(resolve(__dirname, '../index.ts'))});
         console.log(JSON.stringify(Object.keys(require.cache).filter((file) => /node_modules\\/(@nx\\/devkit|nx\\/dist\\/src\\/devkit-exports)/.test(file))));`,
      ],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'packages/nx-kubeflow/tsconfig.lib.json') } },
    );
    expect(loaded.stderr).toBe('');
    expect(JSON.parse(loaded.stdout)).toEqual([]);
  });
});
