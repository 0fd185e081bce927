import { parseAllDocuments } from 'yaml';
import { compilePipeline, CompilePipelineOptions } from './ir-compiler';
import { IrCompileError } from './ir-compile-error';
import { parseComponentSpecOrThrow } from './component-spec';
import type { PipelineDefinition, ResolvedComponent } from './pipeline-model';

const trainerSpec = parseComponentSpecOrThrow(
  `name: Train model
inputs:
- {name: learning_rate, type: Float, default: '0.5'}
outputs:
- {name: model, type: Model}
implementation:
  container:
    image: trainer
    command: [python, src/run.py, {inputValue: learning_rate}, {outputPath: model}]
`,
  'components/trainer/component.yaml',
);
const externalSpec = parseComponentSpecOrThrow(
  `name: External
inputs:
- {name: model, type: Model}
implementation: {container: {image: 'ext:1', command: [cat, {inputPath: model}]}}
`,
  'components/external/component.yaml',
);

function components(): Map<string, ResolvedComponent> {
  return new Map([
    ['trainer', { project: 'trainer', spec: trainerSpec, image: 'reg/trainer@sha256:abc', usesComponentRuntime: true }],
    ['external', { project: 'external', spec: externalSpec, image: 'ext:1', usesComponentRuntime: false }],
  ]);
}

function pipeline(overrides: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return {
    file: 'pipelines/p/pipeline.yaml',
    name: 'p',
    parameters: [{ name: 'lr', type: 'Float', default: 2 }],
    tasks: [
      { name: 'train', component: 'trainer', arguments: { learning_rate: { kind: 'parameter', parameter: 'lr' } }, after: [] },
      { name: 'publish', component: 'external', arguments: { model: { kind: 'task-output', task: 'train', output: 'model' } }, after: [] },
    ],
    ...overrides,
  };
}

function options(extra: Partial<CompilePipelineOptions> = {}): CompilePipelineOptions {
  return { pipeline: pipeline(), components: components(), settingsEnv: 'production', pipelineSettingsToml: '[default]\nx = 1\n', ...extra };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const executors = (docs: object[]): any => (docs[0] as any).deploymentSpec.executors;

describe('compilePipeline', () => {
  it('gives the same bytes for the same inputs, whatever the order of the components map', () => {
    const first = compilePipeline(options());
    const reordered = new Map([...components()].reverse());
    const second = compilePipeline(options({ components: reordered }));
    expect(second.yaml).toBe(first.yaml);
    expect(second.contentHash).toBe(first.contentHash);
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes YAML that reads back as the documents it returns, floats written as floats', () => {
    const compiled = compilePipeline(options());
    expect(compiled.yaml.startsWith('# PIPELINE DEFINITION\n# Name: p\n# Inputs:\n#    lr: float [Default: 2.0]\n')).toBe(true);
    expect(parseAllDocuments(compiled.yaml).map((d) => d.toJS())).toEqual(compiled.documents);
    expect(compiled.yaml).toContain('defaultValue: 2.0');
    expect(compiled.yaml).toContain('defaultValue: 0.5');
  });

  it('hands the settings to component-runtime components only (DESIGN section 5)', () => {
    const docs = compilePipeline(options()).documents;
    expect(executors(docs)['exec-train'].container.env).toEqual([
      { name: 'ENV_FOR_DYNACONF', value: 'production' },
      { name: 'PIPELINE_SETTINGS_TOML', value: '[default]\nx = 1\n' },
      { name: 'NX_KUBEFLOW_PIPELINE', value: 'p' },
    ]);
    expect(executors(docs)['exec-publish'].container.env).toBeUndefined();
  });

  it('changes the content hash when the pipeline settings change', () => {
    const a = compilePipeline(options()).contentHash;
    const b = compilePipeline(options({ pipelineSettingsToml: '[default]\nx = 2\n' })).contentHash;
    expect(b).not.toBe(a);
  });

  it('defaults the settings environment to development', () => {
    const docs = compilePipeline(options({ settingsEnv: undefined })).documents;
    expect(executors(docs)['exec-train'].container.env[0]).toEqual({ name: 'ENV_FOR_DYNACONF', value: 'development' });
  });

  it('writes the platform document only when a task uses secrets', () => {
    expect(compilePipeline(options()).documents).toHaveLength(1);
    const withSecret = pipeline();
    withSecret.tasks[1].secrets = [{ secret_name: 's', keys: { k: 'ENV_K' } }];
    const docs = compilePipeline(options({ pipeline: withSecret })).documents;
    expect(docs[1]).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: {
            executors: {
              'exec-publish': {
                secretAsEnv: [
                  { keyToEnv: [{ envVar: 'ENV_K', secretKey: 'k' }], optional: false, secretName: 's', secretNameParameter: { runtimeValue: { constant: 's' } } },
                ],
              },
            },
          },
        },
      },
    });
  });

  it("writes a task's timeout as set_timeout does, merged into its executor's other platform settings", () => {
    const timed = pipeline();
    timed.tasks[0].timeout_seconds = 1800;
    timed.tasks[1].timeout_seconds = 90;
    timed.tasks[1].tolerations = [{ key: 'spot', operator: 'Exists' }];
    const docs = compilePipeline(options({ pipeline: timed })).documents;
    expect(docs[1]).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: {
            executors: {
              'exec-train': { activeDeadlineSeconds: '1800' },
              'exec-publish': { activeDeadlineSeconds: '90', tolerations: [{ key: 'spot', operator: 'Exists' }] },
            },
          },
        },
      },
    });
  });

  it('refuses a timeout Kubernetes would refuse, from a definition no reader checked', () => {
    const timed = pipeline();
    timed.tasks[0].timeout_seconds = 0;
    timed.tasks[1].timeout_seconds = 2 ** 31;
    let error: unknown;
    try {
      compilePipeline(options({ pipeline: timed }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IrCompileError);
    expect((error as IrCompileError).problems.map((p) => `${p.task} ${p.field}`)).toEqual(['train timeout', 'publish timeout']);
  });

  it('reports every problem at once, naming file, task and field', () => {
    const broken = pipeline({
      tasks: [
        { name: 'train', component: 'trainer', arguments: { nope: { kind: 'literal', value: 1 } }, after: ['ghost'], resources: { cpu_limit: 'two' } },
        { name: 'publish', component: 'external', arguments: { model: { kind: 'task-output', task: 'train', output: 'missing' } }, after: [], retry: { max_retry_count: 1, backoff_duration: '1.5h' } },
        { name: 'Publish', component: 'external', arguments: {}, after: [] },
        { name: 'other', component: 'unknown', arguments: {}, after: [] },
        { name: 'nulls', component: 'trainer', arguments: { learning_rate: { kind: 'literal', value: [null] } }, after: [] },
      ],
    });
    let error: unknown;
    try {
      compilePipeline(options({ pipeline: broken, parameterDefaults: { undeclared: 1 } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IrCompileError);
    const problems = (error as IrCompileError).problems.map((p) => `${p.task ?? '-'} ${p.field}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'train arguments.nope',
        'train after',
        'train resources.cpu_limit',
        'publish arguments.model',
        'publish retry.backoff_duration',
        'Publish name',
        'other component',
        'nulls arguments.learning_rate',
        '- parameters.undeclared',
      ]),
    );
    expect((error as IrCompileError).problems.every((p) => p.file === 'pipelines/p/pipeline.yaml')).toBe(true);
  });

  it('applies settings overrides to defaults the way kfp applies pipeline_parameters', () => {
    const p = pipeline({ parameters: [{ name: 'lr', type: 'Float', default: 2 }, { name: 'n', type: 'Integer' }] });
    p.tasks[0].arguments.learning_rate = { kind: 'parameter', parameter: 'lr' };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const root = (compilePipeline(options({ pipeline: p, parameterDefaults: { lr: 3, n: 4 } })).documents[0] as any).root;
    expect(root.inputDefinitions.parameters).toEqual({
      lr: { defaultValue: 3, isOptional: true, parameterType: 'NUMBER_DOUBLE' },
      n: { defaultValue: 4, parameterType: 'NUMBER_INTEGER' },
    });
  });
});
