import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CompilePipelineOptions, CompiledPipeline } from '../kfp/ir-compiler';
import { compilePipelineProject } from './compile-pipeline-project';
import { PipelineCheckError } from './pipeline-problems';

const LOADER = `name: data-loader
inputs:
- {name: rows, type: Integer, default: '200'}
outputs:
- {name: dataset, type: Dataset}
implementation:
  container:
    image: data-loader
    command: [python, src/run.py]
    args: [--rows, {inputValue: rows}, --dataset, {outputPath: dataset}]
`;
const TRAINER = `name: trainer
inputs:
- {name: dataset, type: Dataset}
- {name: epochs, type: Integer, default: '200'}
outputs:
- {name: model, type: Model}
implementation:
  container:
    image: trainer
    command: [python, src/run.py]
    args: [--dataset, {inputPath: dataset}, --epochs, {inputValue: epochs}, --model, {outputPath: model}]
`;
const PIPELINE = `name: p
parameters:
  rows: {type: Integer, default: 200}
  epochs: {type: Integer, default: 200}
tasks:
  data-loader:
    component: data-loader
    arguments:
      rows: {parameter: rows}
  trainer:
    component: trainer
    arguments:
      dataset: {task: data-loader, output: dataset}
      epochs: {parameter: epochs}
`;
const SETTINGS = `[default]
kfp.host = "local"
[default.parameters]
rows = 10
[production.parameters]
rows = 100000
epochs = 50
`;
const PROJECTS = {
  p: { root: 'pipelines/p' },
  'data-loader': { root: 'components/data-loader' },
  trainer: { root: 'components/trainer' },
  'component-runtime': { root: 'packages/component-runtime' },
};

let workspace: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
};
const fakeCompile = jest.fn((options: CompilePipelineOptions): CompiledPipeline => ({
  documents: [],
  yaml: `# compiled ${options.pipeline.name}\n`,
  contentHash: 'abc',
}));

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-compile-'));
  write('components/data-loader/component.yaml', LOADER);
  write(
    'components/data-loader/pyproject.toml',
    '[project]\nname = "data-loader"\n[tool.uv.sources]\ncomponent-runtime = { path = "../../packages/component-runtime", editable = true }\n',
  );
  write('components/trainer/component.yaml', TRAINER);
  write('pipelines/p/pipeline.yaml', PIPELINE);
  write('pipelines/p/config/settings.toml', SETTINGS);
  write('pipelines/p/config/settings.local.toml', '[default.parameters]\nrows = 1\n');
  fakeCompile.mockClear();
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const run = (options: Partial<Parameters<typeof compilePipelineProject>[0]> = {}) =>
  compilePipelineProject({ workspaceRoot: workspace, projectName: 'p', projects: PROJECTS, environ: {}, compile: fakeCompile, ...options });

describe('compilePipelineProject', () => {
  it('hands the compiler the checked pipeline, resolved components, settings text and env, and writes its YAML', () => {
    const result = run({ env: 'production' });
    expect(result).toEqual({
      outputFile: 'dist/pipelines/p/production/pipeline.yaml',
      yaml: '# compiled p\n',
      documents: [],
      contentHash: 'abc',
      // neither component has a Dockerfile: none is deploy's to build
      componentImages: new Map(),
      env: 'production',
      parameterDefaults: { rows: 100000, epochs: 50 },
      warnings: [],
    });
    const options = fakeCompile.mock.calls[0][0];
    expect(options.pipeline.tasks.map((task) => task.name)).toEqual(['data-loader', 'trainer']);
    expect(options.settingsEnv).toBe('production');
    // SETTINGS holds plugin keys only: components get none of them
    expect(options.pipelineSettingsToml).toBe('');
    expect(options.parameterDefaults).toEqual({ rows: 100000, epochs: 50 });
    expect(options.components.get('data-loader')).toMatchObject({ project: 'data-loader', image: 'data-loader', usesComponentRuntime: true });
    expect(options.components.get('trainer')).toMatchObject({ project: 'trainer', image: 'trainer', usesComponentRuntime: false });
    expect(readFileSync(join(workspace, 'dist/pipelines/p/production/pipeline.yaml'), 'utf8')).toBe('# compiled p\n');
    expect(readdirSync(join(workspace, 'dist/pipelines/p'))).toEqual(['production']);
    expect(readdirSync(join(workspace, 'dist/pipelines/p/production'))).toEqual(['pipeline.yaml']);
  });

  it('hands over the settings to a component pinned to a published component-runtime, as to one using it by path', () => {
    write('components/trainer/pyproject.toml', '[project]\nname = "trainer"\ndependencies = ["Component_Runtime[test] == 0.2.0", "dynaconf>=3.2,<4"]\n');
    run();
    expect(fakeCompile.mock.calls[0][0].components.get('trainer')).toMatchObject({ usesComponentRuntime: true });
    write('components/trainer/pyproject.toml', '[project]\nname = "trainer"\ndependencies = ["component-runtime-extras==1", "dynaconf"]\n');
    run();
    expect(fakeCompile.mock.calls[1][0].components.get('trainer')).toMatchObject({ usesComponentRuntime: false });
  });

  // issue 12, stumble 10: deploy -c production overwrote the development IR; a failed compile left the old file
  it('writes one IR per environment: compiling production leaves the development file as it was', () => {
    const development = run({ compile: undefined });
    expect(development.outputFile).toBe('dist/pipelines/p/development/pipeline.yaml');
    const production = run({ compile: undefined, env: 'production' });
    expect(production.outputFile).toBe('dist/pipelines/p/production/pipeline.yaml');
    expect(readFileSync(join(workspace, development.outputFile), 'utf8')).toBe(development.yaml);
    expect(readFileSync(join(workspace, production.outputFile), 'utf8')).toBe(production.yaml);
    expect(development.yaml).not.toBe(production.yaml); // rows: 10 against 100000
    // ENV_FOR_DYNACONF picks the folder when --env does not
    expect(run({ environ: { ENV_FOR_DYNACONF: 'production' } }).outputFile).toBe('dist/pipelines/p/production/pipeline.yaml');
    expect(run({ outputPath: 'out/here' }).outputFile).toBe('out/here/pipeline.yaml');
  });

  it("removes its environment's previous IR when a compile fails, and only that one", () => {
    run({ env: 'development' });
    run({ env: 'production' });
    write('pipelines/p/pipeline.yaml', PIPELINE.replace('component: trainer', 'component: trainr'));
    expect(() => run({ env: 'development', write: false })).toThrow(PipelineCheckError); // a check alone removes nothing
    expect(existsSync(join(workspace, 'dist/pipelines/p/development/pipeline.yaml'))).toBe(true);
    expect(() => run({ env: 'development' })).toThrow(PipelineCheckError);
    expect(existsSync(join(workspace, 'dist/pipelines/p/development/pipeline.yaml'))).toBe(false);
    expect(existsSync(join(workspace, 'dist/pipelines/p/production/pipeline.yaml'))).toBe(true);
  });

  it('refuses an environment that would name a folder outside dist/pipelines/<project>', () => {
    for (const env of ['..', '../../x', 'a/b', '']) {
      expect(() => run({ env })).toThrow(/is not a settings environment compile can use/);
    }
    expect(existsSync(join(workspace, 'dist'))).toBe(false);
  });

  it("leaves the IR byte-identical when deploy settings change (kfp, image, schedule, deploy, another environment's parameters)", () => {
    const compileReal = () => run({ compile: undefined, write: false }).yaml;
    const base = compileReal();
    expect(base).toContain('PIPELINE_SETTINGS_TOML');
    const variants = [
      SETTINGS.replace('kfp.host = "local"', 'kfp.host = "https://kfp.example.com/pipeline"\n"kfp.namespace" = "ml"'),
      `${SETTINGS}[default.image]\nregistry = "ghcr.io/acme/ml"\n`,
      `${SETTINGS}[default.schedule]\ncron = "0 0 4 * * *"\n`,
      `${SETTINGS}[development]\ndeploy.run = true\nDEPLOY__wait = true\n`,
      SETTINGS.replace('epochs = 50', 'epochs = 51'),
    ];
    for (const variant of variants) {
      write('pipelines/p/config/settings.toml', variant);
      expect(compileReal()).toBe(base);
    }
    // what components do read still reaches them
    write('pipelines/p/config/settings.toml', `${SETTINGS}[development]\nthreshold = 0.5\n`);
    const withComponentKey = compileReal();
    expect(withComponentKey).not.toBe(base);
    expect(withComponentKey).toContain('threshold = 0.5');
  });

  it('warns, with file:line:column, of component.yaml scalars YAML 1.1 (kfp) reads otherwise than 1.2, and compiles them as kfp reads them', () => {
    write('components/trainer/component.yaml', TRAINER.replace("default: '200'", 'default: 0200'));
    const result = run({ compile: undefined, write: false });
    expect(result.warnings).toEqual([expect.stringMatching(/^components\/trainer\/component\.yaml:4:42: 0200 is the integer 128 to YAML 1\.1 readers .*quote it/)]);
    expect(result.yaml).toContain('defaultValue: 128.0');
  });

  it('uses the image docker-build recorded for a component with a Dockerfile, and component.yaml\'s otherwise', () => {
    write('components/data-loader/Dockerfile', 'FROM scratch\n');
    expect(run() && fakeCompile.mock.calls[0][0].components.get('data-loader')!.image).toBe('data-loader');
    write('dist/components/data-loader/image.json', JSON.stringify({ reference: 'localhost:5000/data-loader@sha256:0123', contentHash: 'ab' }));
    // trainer has an image.json but no Dockerfile: its image is not ours to replace.
    write('dist/components/trainer/image.json', JSON.stringify({ reference: 'elsewhere/trainer:1' }));
    run();
    const components = fakeCompile.mock.calls[1][0].components;
    expect(components.get('data-loader')!.image).toBe('localhost:5000/data-loader@sha256:0123');
    expect(components.get('trainer')!.image).toBe('trainer');
  });

  it('reports a broken image.json by its path, and writes nothing', () => {
    write('components/data-loader/Dockerfile', 'FROM scratch\n');
    write('dist/components/data-loader/image.json', '{"tag": "x"}');
    expect(() => run()).toThrow(PipelineCheckError);
    expect(() => run()).toThrow(/dist\/components\/data-loader\/image.json.*reference: is missing; run docker-build again/);
    expect(fakeCompile).not.toHaveBeenCalled();
  });

  it('with write: false compiles and checks, and writes nothing', () => {
    expect(run({ write: false }).yaml).toBe('# compiled p\n');
    expect(existsSync(join(workspace, 'dist'))).toBe(false);
  });

  it('takes the environment from ENV_FOR_DYNACONF, else development, and never reads settings.local.toml or DYNACONF_ variables', () => {
    expect(run({ environ: { DYNACONF_PARAMETERS__ROWS: '7' } }).parameterDefaults).toEqual({ rows: 10 });
    expect(fakeCompile.mock.calls[0][0].settingsEnv).toBe('development');
    expect(run({ environ: { ENV_FOR_DYNACONF: 'production' } }).env).toBe('production');
  });

  it('reports every problem of pipeline.yaml, component.yaml and settings at once, and writes nothing', () => {
    write('pipelines/p/pipeline.yaml', PIPELINE.replace('component: trainer', 'component: trainr').replace('output: dataset', 'output: data').replace('epochs: {type: Integer, default: 200}', 'Epochs: {type: Integer}'));
    write('pipelines/p/config/settings.toml', `${SETTINGS}[staging.parameters]\nrows = "many"\nbatch = 3\n`);
    write('components/data-loader/component.yaml', LOADER.replace('implementation:', 'implementation_:'));
    let error: unknown;
    try {
      run({ env: 'staging' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PipelineCheckError);
    const message = (error as Error).message;
    expect(message).toMatch(/^\d+ problems found; nothing was written:/);
    expect(message).toContain('components/data-loader/component.yaml:1:1: implementation.container: is required');
    expect(message).toMatch(/pipelines\/p\/pipeline\.yaml:11:16: task "trainer", component: unknown component "trainr"/);
    expect(message).toContain('pipelines/p/pipeline.yaml:14:27: task "trainer", arguments.epochs.parameter: unknown pipeline parameter "epochs"');
    expect(message).toContain('pipelines/p/config/settings.toml: [staging.parameters] rows: not a valid Integer: "many" is not an Integer.');
    expect(message).toContain('pipelines/p/config/settings.toml: [staging.parameters] batch: overrides "batch", which pipelines/p/pipeline.yaml does not declare');
    expect(fakeCompile).not.toHaveBeenCalled();
    expect(existsSync(join(workspace, 'dist'))).toBe(false);
  });

  it('reports a broken settings file by its workspace path', () => {
    write('pipelines/p/config/settings.toml', '[default\n');
    expect(() => run()).toThrow(/pipelines\/p\/config\/settings\.toml/);
    expect(existsSync(join(workspace, 'dist'))).toBe(false);
  });

  it('compiles with the real IR compiler into KFP v2 IR', () => {
    const result = compilePipelineProject({ workspaceRoot: workspace, projectName: 'p', projects: PROJECTS, environ: {} });
    const text = readFileSync(join(workspace, result.outputFile), 'utf8');
    const [spec] = parseAllDocuments(text).map((document) => document.toJS());
    expect(spec.pipelineInfo).toEqual({ name: 'p' });
    expect(Object.keys(spec.root.dag.tasks)).toEqual(['data-loader', 'trainer']);
    expect(spec.root.inputDefinitions.parameters.rows.defaultValue).toBe(10);
    expect(spec.root.dag.tasks.trainer.dependentTasks).toEqual(['data-loader']);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
