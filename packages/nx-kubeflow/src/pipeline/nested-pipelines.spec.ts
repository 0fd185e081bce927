/**
 * Pipelines run as tasks (`pipeline: <project>`), through the whole compile
 * path: the reader, the loader that follows them (each once, cycles refused),
 * the checker against the nested pipeline's interface, the compiler's fold
 * into one IR, and what the project graph and deploy's image list see.
 * The IR itself is held against kfp in the differential fixture
 * nested_pipelines.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compilePipelineProject } from './compile-pipeline-project';
import { PipelineCheckError } from './pipeline-problems';
import { readPipeline } from './read-pipeline';
import { projectNamesIn } from './pipeline-components';
import { componentsWithImages } from '../deploy/pipeline-images';

const TRAINER = `name: trainer
inputs:
- {name: epochs, type: Integer, default: '1'}
outputs:
- {name: model, type: Model}
- {name: rmse, type: Float}
implementation:
  container:
    image: trainer:1
    command: [python, src/run.py]
    args: [--epochs, {inputValue: epochs}, --model, {outputPath: model}, --rmse, {outputPath: rmse}]
`;
const SCORER = `name: scorer
inputs:
- {name: model, type: Model}
outputs:
- {name: passed, type: Boolean}
implementation:
  container:
    image: scorer:1
    command: [python, src/run.py]
    args: [--model, {inputPath: model}, --passed, {outputPath: passed}]
`;
const INNER = `name: inner
parameters:
  epochs: {type: Integer, default: 2}
tasks:
  train:
    component: trainer
    arguments: {epochs: {parameter: epochs}}
    secrets:
      - {secret_name: inner-secret, keys: {token: TOKEN}}
  check:
    component: scorer
    arguments: {model: {task: train, output: model}}
outputs:
  model: {task: train, output: model}
  rmse: {task: train, output: rmse}
`;
const OUTER = `name: outer
tasks:
  check:
    component: scorer
    arguments: {model: {task: nested, output: model}}
  nested:
    pipeline: inner
    arguments: {epochs: 3}
  train:
    component: trainer
`;

describe('pipelines run as tasks', () => {
  let workspace: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(workspace, file)), { recursive: true });
    writeFileSync(join(workspace, file), text);
  };
  const projects = {
    outer: { root: 'pipelines/outer' },
    inner: { root: 'pipelines/inner' },
    trainer: { root: 'components/trainer' },
    scorer: { root: 'components/scorer' },
  };
  const compile = (projectName = 'outer', extra: Record<string, { root: string }> = {}) =>
    compilePipelineProject({ workspaceRoot: workspace, projectName, projects: { ...projects, ...extra }, write: false, environ: {} });
  const problemsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      if (error instanceof PipelineCheckError) return error.problems.map((p) => `${p.file}:${p.line ?? 0}:${p.column ?? 0}: ${p.field ?? ''}: ${p.message}`);
      throw error;
    }
    throw new Error('compiled without problems');
  };

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-nested-'));
    write('components/trainer/component.yaml', TRAINER);
    write('components/trainer/Dockerfile', 'FROM scratch\n');
    write('components/scorer/component.yaml', SCORER);
    write('components/scorer/Dockerfile', 'FROM scratch\n');
    write('pipelines/inner/pipeline.yaml', INNER);
    write('pipelines/outer/pipeline.yaml', OUTER);
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('folds the pipeline into one IR: its root as comp-<task>, its components and executors renamed where the outer ones took the names', () => {
    const [spec, platform] = parseAllDocuments(compile().yaml).map((document) => document.toJS());
    expect(Object.keys(spec.components).sort()).toEqual(['comp-check', 'comp-check-2', 'comp-nested', 'comp-train', 'comp-train-2']);
    expect(Object.keys(spec.deploymentSpec.executors).sort()).toEqual(['exec-check', 'exec-check-2', 'exec-train', 'exec-train-2']);
    const nested = spec.components['comp-nested'];
    expect(Object.keys(nested.dag.tasks).sort()).toEqual(['check', 'train']);
    expect(nested.inputDefinitions.parameters.epochs).toEqual({ defaultValue: 2, isOptional: true, parameterType: 'NUMBER_INTEGER' });
    expect(nested.dag.outputs.artifacts.model.artifactSelectors).toEqual([{ outputArtifactKey: 'model', producerSubtask: 'train' }]);
    // the outer task reads the nested task's output as any task output
    expect(spec.root.dag.tasks.check.inputs.artifacts.model).toEqual({ taskOutputArtifact: { outputArtifactKey: 'model', producerTask: 'nested' } });
    expect(spec.root.dag.tasks.nested.inputs.parameters.epochs).toEqual({ runtimeValue: { constant: 3 } });
    // the inner secret follows its executor, and only it: no outer task gets it
    const withSecret = Object.keys(platform.platforms.kubernetes.deploymentSpec.executors);
    expect(withSecret).toHaveLength(1);
    const trainComponent = Object.entries<any>(spec.components).find(([, component]) => component.executorLabel === withSecret[0])![0];
    expect(nested.dag.tasks.train.componentRef.name).toBe(trainComponent);
  });

  it('checks the arguments against the pipeline interface: its parameters as inputs, its outputs: as outputs', () => {
    write('pipelines/outer/pipeline.yaml', `name: outer
tasks:
  nested:
    pipeline: inner
    arguments: {epochs: 1.5, rows: 3}
  check:
    component: scorer
    arguments: {model: {task: nested, output: rmse}}
  other:
    component: scorer
    arguments: {model: {task: nested, output: accuracy}}
`);
    expect(problemsOf(() => compile())).toEqual([
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:5:25: arguments\.epochs: .*1\.5 is not an Integer/),
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:5:30: arguments\.rows: unknown input "rows" of pipeline "inner"; its inputs: epochs/),
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:8:.*a parameter \(Float\) cannot feed an artifact input/),
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:11:.*unknown output "accuracy" of task "nested" \(pipeline "inner"\); its outputs: model, rmse/),
    ]);
  });

  it('reports problems of the nested pipeline in its own file, with those of the outer one, at once', () => {
    write('pipelines/inner/pipeline.yaml', INNER.replace('component: scorer', 'component: no-such-component'));
    write('pipelines/outer/pipeline.yaml', OUTER.replace('arguments: {epochs: 3}', 'arguments: {epochs: 3}\n    resources: {cpu_limit: "1"}\n    unknown_key: 1'));
    const problems = problemsOf(() => compile());
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pipelines\/inner\/pipeline\.yaml:\d+:\d+: component: unknown component "no-such-component"/),
        expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:\d+:\d+: .*resources.*a task that runs a pipeline has none/),
        expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:\d+:\d+: .*unknown_key/),
      ]),
    );
  });

  it('refuses a pipeline that runs itself, directly or through another, at the task that closes the cycle', () => {
    write('pipelines/inner/pipeline.yaml', INNER.replace('outputs:', '  back:\n    pipeline: outer\noutputs:'));
    expect(problemsOf(() => compile())).toEqual([
      expect.stringMatching(/^pipelines\/inner\/pipeline\.yaml:\d+:\d+: pipeline: runs pipeline "outer", which runs "inner": "outer" -> "inner" -> "outer"/),
    ]);
    write('pipelines/self/pipeline.yaml', 'name: self\ntasks:\n  again:\n    pipeline: self\n');
    expect(problemsOf(() => compile('self', { self: { root: 'pipelines/self' } }))).toEqual([
      expect.stringMatching(/^pipelines\/self\/pipeline\.yaml:4:15: pipeline: runs pipeline "self", which runs this task itself/),
    ]);
  });

  it('names the pipelines there are when a task names an unknown one, and refuses component and pipeline together', () => {
    write('pipelines/outer/pipeline.yaml', 'name: outer\ntasks:\n  a:\n    pipeline: innr\n  b:\n    pipeline: inner\n    component: trainer\n');
    expect(problemsOf(() => compile())).toEqual([
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:4:15: pipeline: unknown pipeline "innr": .*Pipelines this one can run: inner\./),
      expect.stringMatching(/^pipelines\/outer\/pipeline\.yaml:6:5: .*keep component or pipeline, not both/),
    ]);
  });

  it('reads `pipeline:` as a task that runs a pipeline, with the keys kfp allows on one', () => {
    const { definition, problems } = readPipeline('name: x\ntasks:\n  n:\n    pipeline: inner\n    retry: {max_retry_count: 1}\n    caching: false\n    display_name: N\n', 'x.yaml');
    expect(problems).toEqual([]);
    expect(definition!.tasks[0]).toMatchObject({ name: 'n', component: 'inner', calls: 'pipeline', caching: false, display_name: 'N', retry: { max_retry_count: 1 } });
  });

  it('gives the graph and deploy the pipelines and components behind a pipeline task', () => {
    expect(projectNamesIn(OUTER)).toEqual({ components: ['scorer', 'trainer'], pipelines: ['inner'] });
    write('pipelines/outer/pipeline.yaml', 'name: outer\ntasks:\n  nested:\n    pipeline: inner\n');
    expect(componentsWithImages({ workspaceRoot: workspace, pipelineRoot: 'pipelines/outer', projects }).map((c) => c.name)).toEqual(['trainer', 'scorer']);
  });
});
