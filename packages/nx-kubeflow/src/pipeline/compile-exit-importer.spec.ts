/**
 * The compile target's library on a workspace whose pipeline uses an exit
 * handler, ignore_upstream_failure and importers: the real reader, component
 * loading, checker and IR compiler, end to end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compilePipelineProject } from './compile-pipeline-project';
import { PipelineCheckError } from './pipeline-problems';

const TRAINER = `name: trainer
inputs:
- {name: data, type: Dataset}
outputs:
- {name: model, type: Model}
implementation:
  container:
    image: trainer
    command: [python, src/run.py, {inputPath: data}, {outputPath: model}]
`;
const NOTIFIER = `name: notifier
inputs:
- {name: status, type: PipelineTaskFinalStatus}
- {name: channel, type: String, default: ops}
implementation:
  container:
    image: notifier
    command: [python, src/run.py, {inputValue: status}, {inputValue: channel}]
`;
const PIPELINE = `name: p
parameters:
  data_uri: {type: String, default: 'gs://bucket/train.csv'}
tasks:
  watch:
    exit_task:
      notify: {component: notifier}
    tasks:
      data: {importer: {artifact_uri: {parameter: data_uri}, type: Dataset, metadata: {source: {parameter: data_uri}}}}
      train: {component: trainer, arguments: {data: {task: data, output: artifact}}}
`;
const PROJECTS = { p: { root: 'pipelines/p' }, trainer: { root: 'components/trainer' }, notifier: { root: 'components/notifier' } };

let workspace: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
};
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-compile-exit-'));
  write('components/trainer/component.yaml', TRAINER);
  write('components/notifier/component.yaml', NOTIFIER);
  write('pipelines/p/pipeline.yaml', PIPELINE);
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('compilePipelineProject: exit handlers and importers', () => {
  it('compiles an exit handler around an importer and the task it feeds', () => {
    const result = compilePipelineProject({ workspaceRoot: workspace, projectName: 'p', projects: PROJECTS, environ: {} });
    const [spec] = parseAllDocuments(readFileSync(join(workspace, result.outputFile), 'utf8')).map((document) => document.toJS());
    expect(Object.keys(spec.root.dag.tasks).sort()).toEqual(['exit-handler-1', 'notify']);
    expect(spec.root.dag.tasks.notify).toMatchObject({
      dependentTasks: ['exit-handler-1'],
      triggerPolicy: { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' },
      inputs: { parameters: { status: { taskFinalStatus: { producerTask: 'exit-handler-1' } } } },
    });
    expect(spec.deploymentSpec.executors['exec-data']).toEqual({
      importer: {
        artifactUri: { runtimeParameter: 'uri' },
        metadata: { source: "{{$.inputs.parameters['metadata']}}" },
        typeSchema: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' },
      },
    });
    expect(spec.components['comp-exit-handler-1'].dag.tasks.data.inputs.parameters).toEqual({
      metadata: { componentInputParameter: 'pipelinechannel--data_uri' },
      uri: { componentInputParameter: 'pipelinechannel--data_uri' },
    });
  });

  it('refuses a task outside the handler using its importer, naming the file, line and column', () => {
    write('pipelines/p/pipeline.yaml', `${PIPELINE}  late: {component: trainer, arguments: {data: {task: data, output: artifact}}}\n`);
    const attempt = () => compilePipelineProject({ workspaceRoot: workspace, projectName: 'p', projects: PROJECTS, environ: {} });
    expect(attempt).toThrow(PipelineCheckError);
    expect(attempt).toThrow(
        'pipelines/p/pipeline.yaml:11:55: task "late", arguments.data: task "data" is inside exit handler "watch" and this task is not: only tasks of that handler can use it (kfp refuses a dependency out of a dsl.ExitHandler).',
    );
  });
});
