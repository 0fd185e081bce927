import { DependencyType, type CreateDependenciesContext, type CreateNodesContextV2, type ProjectConfiguration } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NxKubeflowPluginOptions } from '../plugin/plugin-options';
import { createDependencies } from './create-dependencies';
import { createNodesV2 } from './create-nodes';


/** Every option set away from its default, as a team that already has `test` and `components/` might. */
const RENAMED: NxKubeflowPluginOptions = {
  testTargetName: 'pytest',
  lintTargetName: 'ruff',
  settingsTargetName: 'config',
  dockerBuildTargetName: 'image',
  compileTargetName: 'ir',
  deployTargetName: 'publish',
  runTargetName: 'go',
  uiTargetName: 'view',
  componentsDir: './ml/steps/',
  pipelinesDir: 'ml/flows',
  packagesDir: 'libs',
};

describe('project graph inference with plugin options', () => {
  let workspaceRoot: string;
  const write = (file: string, text = '') => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const pyprojectWithRuntime = (path: string) =>
    `[project]\nname = "x"\ndependencies = ["component-runtime"]\n[tool.uv.sources]\ncomponent-runtime = { path = "${path}", editable = true }\n`;

  /** Nx's glob match over every file written, then createNodes, as Nx calls it. */
  const inferNodes = async (options: NxKubeflowPluginOptions | undefined, files: string[]) => {
    const { minimatch } = jest.requireActual('minimatch') as typeof import('minimatch');
    const context: CreateNodesContextV2 = { workspaceRoot, nxJsonConfiguration: {} };
    const matched = files.filter((file) => minimatch(file, createNodesV2[0]));
    const results = await createNodesV2[1](matched, options, context);
    return Object.fromEntries(
      results.flatMap(([, result]) => Object.values(result.projects ?? {})).map((project) => [project.name!, project as ProjectConfiguration]),
    );
  };

  const files = [
    'libs/component-runtime/pyproject.toml',
    'ml/steps/trainer/component.yaml',
    'ml/steps/trainer/pyproject.toml',
    'ml/steps/trainer/Dockerfile',
    'ml/steps/trainer/config/settings.toml',
    'ml/flows/training/pipeline.yaml',
    // where the defaults would look: not projects under these options
    'components/stray/component.yaml',
    'pipelines/stray-pipeline/pipeline.yaml',
    'packages/stray-package/pyproject.toml',
  ];

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-graph-options-'));
    write('libs/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
    write('ml/steps/trainer/component.yaml', 'name: trainer\n');
    write('ml/steps/trainer/pyproject.toml', pyprojectWithRuntime('../../../libs/component-runtime'));
    write('ml/steps/trainer/Dockerfile', 'FROM scratch\n');
    write('ml/steps/trainer/config/settings.toml', '[default]\n[production]\n');
    write('ml/flows/training/pipeline.yaml', 'name: training\ntasks:\n  train: {component: trainer}\n  stray: {component: stray}\n');
    write('components/stray/component.yaml', 'name: stray\n');
    write('pipelines/stray-pipeline/pipeline.yaml', 'name: stray-pipeline\n');
    write('packages/stray-package/pyproject.toml', '[project]\nname = "stray-package"\n');
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  it('names every target after its option and looks for projects in the option folders only', async () => {
    const projects = await inferNodes(RENAMED, files);
    expect(Object.keys(projects).sort()).toEqual(['component-runtime', 'trainer', 'training']);
    expect(projects['component-runtime']).toMatchObject({ root: 'libs/component-runtime', tags: ['python:package'] });
    expect(Object.keys(projects['component-runtime'].targets!)).toEqual(['venv', 'pytest', 'ruff']);
    expect(projects.trainer.root).toBe('ml/steps/trainer');
    expect(Object.keys(projects.trainer.targets!)).toEqual(['venv', 'pytest', 'ruff', 'config', 'image']);
    expect(projects.trainer.targets!.pytest).toMatchObject({ executor: 'nx:run-commands', options: { command: expect.stringMatching(/python-cli\.ts test trainer ml\/steps\/trainer$/) } });
    // on lint, not test: a task's sync generators cost a second graph build per daemon-off run
    expect(projects.trainer.targets!.pytest.syncGenerators).toBeUndefined();
    expect(projects.trainer.targets!.ruff).toMatchObject({
      executor: 'nx-kubeflow:lint',
      dependsOn: ['venv'],
      syncGenerators: ['nx-kubeflow:component-readme'],
    });
    expect(projects.trainer.targets!.venv).toMatchObject({ executor: 'nx:run-commands', cache: false });
    expect(projects.trainer.targets!.image).toMatchObject({ executor: 'nx-kubeflow:docker-build', configurations: { production: { env: 'production' } } });
    expect(Object.keys(projects.training.targets!)).toEqual(['config', 'ir', 'publish', 'go', 'view']);
    // renamed targets run the same command (pipeline/pipeline-cli.ts), whatever the target is called
    expect(projects.training.targets!.ir.options.command).toMatch(/pipeline-cli\.ts compile training ml\/flows\/training$/);
    expect(projects.training.targets!.publish.options.command).toMatch(/pipeline-cli\.ts deploy training ml\/flows\/training$/);
    expect(projects.training.targets!.go.options.command).toMatch(/pipeline-cli\.ts run training ml\/flows\/training$/);
    expect(projects.training.targets!.go).toMatchObject({ executor: 'nx:run-commands', configurations: { production: { settingsEnv: 'production' } } });
    expect(projects.training.targets!.view.executor).toBe('nx-kubeflow:ui');
  });

  it('infers the default folders and names without options', async () => {
    const projects = await inferNodes(undefined, files);
    expect(Object.keys(projects).sort()).toEqual(['stray', 'stray-package', 'stray-pipeline']);
    expect(Object.keys(projects['stray-pipeline'].targets!)).toEqual(['settings', 'compile', 'deploy', 'run', 'ui']);
  });

  it('describes every inferred target: description, technologies and a help command naming the renamed target', async () => {
    const projects = await inferNodes(RENAMED, files);
    for (const project of Object.values(projects)) {
      for (const [targetName, target] of Object.entries(project.targets!)) {
        // venv and test (python/python-cli.ts), compile, deploy and run (pipeline/pipeline-cli.ts) are commands:
        // `nx run x:pytest --help` would print run-commands' options, so their help is the command's own
        const cli = { pytest: 'python-cli', venv: 'python-cli', ir: 'pipeline-cli', publish: 'pipeline-cli', go: 'pipeline-cli' }[targetName];
        const help =
          target.executor === 'nx:run-commands' && cli
            ? { command: expect.stringMatching(new RegExp(`${cli}\\.ts --help$`)), example: expect.objectContaining({ options: expect.any(Object) }) }
            : { command: `npx nx run ${project.name}:${targetName} --help`, example: { options: expect.any(Object) } };
        expect(target.metadata).toEqual({
          description: expect.stringMatching(/\w{3}/),
          technologies: [expect.stringMatching(/^(python|docker|kubeflow)$/)],
          help,
        });
      }
    }
  });

  it('a folder holding component.yaml is a component even where packagesDir would make its pyproject.toml a package', async () => {
    write('libs/both/component.yaml', 'name: both\n');
    write('libs/both/pyproject.toml', '[project]\nname = "both"\n');
    const projects = await inferNodes({ componentsDir: 'libs', packagesDir: 'libs' }, [
      'libs/component-runtime/pyproject.toml',
      'libs/both/component.yaml',
      'libs/both/pyproject.toml',
    ]);
    expect(projects.both.tags).toEqual(['kubeflow:component']);
    expect(projects['component-runtime'].tags).toEqual(['python:package']);
  });

  it('adds the edges between projects in the option folders, and none to a component outside componentsDir', async () => {
    const context = {
      workspaceRoot,
      nxJsonConfiguration: {},
      projects: {
        'component-runtime': { root: 'libs/component-runtime' },
        trainer: { root: 'ml/steps/trainer' },
        training: { root: 'ml/flows/training' },
        stray: { root: 'components/stray' },
      },
    } as unknown as CreateDependenciesContext;
    expect(await createDependencies(RENAMED, context)).toEqual([
      { source: 'trainer', target: 'component-runtime', type: DependencyType.static, sourceFile: 'ml/steps/trainer/pyproject.toml' },
      { source: 'training', target: 'trainer', type: DependencyType.static, sourceFile: 'ml/flows/training/pipeline.yaml' },
    ]);
  });
});
