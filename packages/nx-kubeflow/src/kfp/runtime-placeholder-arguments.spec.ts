import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { loadFixture } from './__fixtures__/fixture-loader';
import { compilePipeline } from './ir-compiler';
import type { ComponentSpec, PipelineDefinition, ResolvedComponent } from './pipeline-model';
import { RUNTIME_PLACEHOLDERS, isRuntimePlaceholder, withRuntimePlaceholderArguments } from './runtime-placeholder-arguments';

const spec: ComponentSpec = {
  name: 'trainer',
  inputs: [
    { name: 'epochs', type: 'Integer', default: '3' },
    { name: 'pipeline_job_name', type: 'String', default: '{{$.pipeline_job_name}}' },
    { name: 'pipeline_job_uuid', type: 'String', default: '{{$.pipeline_job_uuid}}' },
    { name: 'pipeline_task_name', type: 'str', default: '{{$.pipeline_task_name}}' },
    // not exactly a placeholder: the driver would not resolve it either
    { name: 'prefix', type: 'String', default: 'run-{{$.pipeline_job_name}}' },
    // not a String input
    { name: 'odd', type: 'Integer', default: '{{$.pipeline_job_uuid}}' },
  ],
  outputs: [],
  implementation: {
    container: {
      image: 'trainer',
      command: ['python', 'src/run.py'],
      args: [
        '--pipeline-job-name', { inputValue: 'pipeline_job_name' },
        '--pipeline-job-uuid', { inputValue: 'pipeline_job_uuid' },
        '--pipeline-task-name', { inputValue: 'pipeline_task_name' },
        '--prefix', { inputValue: 'prefix' },
      ],
    },
  },
};

function pipeline(args: PipelineDefinition['tasks'][number]['arguments'] = {}): PipelineDefinition {
  return {
    file: 'pipelines/p/pipeline.yaml',
    name: 'p',
    parameters: [{ name: 'who', type: 'String', default: 'me' }],
    tasks: [
      { name: 'train', component: 'trainer', arguments: args, after: [] },
      { name: 'other', component: 'external', arguments: {}, after: [] },
    ],
  };
}

const components = (usesComponentRuntime: boolean) =>
  new Map<string, ResolvedComponent>([
    ['trainer', { project: 'trainer', spec, image: 'trainer:1', usesComponentRuntime }],
    ['external', { project: 'external', spec: { ...spec, name: 'external' }, image: 'external:1', usesComponentRuntime: false }],
  ]);

describe('runtime placeholder arguments', () => {
  it('lists the constants the KFP driver resolves in a task input', () => {
    expect(RUNTIME_PLACEHOLDERS).toEqual([
      '{{$.pipeline_job_name}}',
      '{{$.pipeline_job_resource_name}}',
      '{{$.pipeline_job_uuid}}',
      '{{$.pipeline_task_name}}',
      '{{$.pipeline_task_uuid}}',
      '{{$.pipeline_job_create_time_utc}}',
      '{{$.pipeline_job_schedule_time_utc}}',
    ]);
    expect(isRuntimePlaceholder('{{$.pipeline_job_uuid}}')).toBe(true);
    expect(isRuntimePlaceholder('x-{{$.pipeline_job_uuid}}')).toBe(false);
    expect(isRuntimePlaceholder('{{$.workspace_path}}')).toBe(false);
  });

  it('passes the placeholder explicitly for each String input defaulting to exactly one, on component-runtime components only', () => {
    const definition = pipeline();
    const result = withRuntimePlaceholderArguments(definition, components(true));
    expect({ ...result.tasks[0].arguments }).toEqual({
      pipeline_job_name: { kind: 'literal', value: '{{$.pipeline_job_name}}' },
      pipeline_job_uuid: { kind: 'literal', value: '{{$.pipeline_job_uuid}}' },
      pipeline_task_name: { kind: 'literal', value: '{{$.pipeline_task_name}}' },
    });
    // a plain container keeps what kfp writes for it
    expect(result.tasks[1]).toBe(definition.tasks[1]);
    // the input is not changed
    expect(definition.tasks[0].arguments).toEqual({});
  });

  it('leaves an argument the task gives alone', () => {
    const result = withRuntimePlaceholderArguments(pipeline({ pipeline_job_name: { kind: 'parameter', parameter: 'who' } }), components(true));
    expect(result.tasks[0].arguments.pipeline_job_name).toEqual({ kind: 'parameter', parameter: 'who' });
    expect(Object.keys(result.tasks[0].arguments)).toEqual(['pipeline_job_name', 'pipeline_job_uuid', 'pipeline_task_name']);
  });

  it('changes nothing for a component not built on component-runtime', () => {
    const definition = pipeline();
    expect(withRuntimePlaceholderArguments(definition, components(false)).tasks).toEqual(definition.tasks);
  });

  it('compiles to task inputs whose runtimeValue constant is the placeholder, which the driver resolves', () => {
    const compiled = compilePipeline({ pipeline: withRuntimePlaceholderArguments(pipeline(), components(true)), components: components(true) });
    const root = compiled.documents[0] as { root: { dag: { tasks: Record<string, { inputs?: { parameters: Record<string, unknown> } }> } } };
    expect(root.root.dag.tasks.train.inputs?.parameters).toEqual({
      pipeline_job_name: { runtimeValue: { constant: '{{$.pipeline_job_name}}' } },
      pipeline_job_uuid: { runtimeValue: { constant: '{{$.pipeline_job_uuid}}' } },
      pipeline_task_name: { runtimeValue: { constant: '{{$.pipeline_task_name}}' } },
    });
    expect(root.root.dag.tasks.other.inputs).toBeUndefined();
  });
});

describe('the example pipeline, compiled as `nx run training-pipeline:compile` does', () => {
  it("gives both tasks the task-name placeholder as a task input constant, and leaves the run's (args) out of KFP's cache key", () => {
    const compiled = compilePipelineProject({
      workspaceRoot: resolve(__dirname, '../../../..'),
      projectName: 'training-pipeline',
      projects: {
        'training-pipeline': { root: 'pipelines/training-pipeline' },
        'data-loader': { root: 'components/data-loader' },
        trainer: { root: 'components/trainer' },
        'component-runtime': { root: 'packages/component-runtime' },
      },
      env: 'development',
      write: false,
    });
    const ir = parseYaml(compiled.yaml) as { root: { dag: { tasks: Record<string, { inputs: { parameters: Record<string, unknown> } }> } } };
    const identity = { pipeline_task_name: { runtimeValue: { constant: '{{$.pipeline_task_name}}' } } };
    expect(Object.keys(ir.root.dag.tasks).sort()).toEqual(['data-loader', 'trainer']);
    for (const task of Object.values(ir.root.dag.tasks)) {
      expect(task.inputs.parameters).toMatchObject(identity);
      // a per-run value among a task's inputs would change KFP's cache key every run
      expect(Object.values(task.inputs.parameters).map((input) => JSON.stringify(input))).not.toContainEqual(expect.stringMatching(/pipeline_job_(name|uuid)/));
    }
  });
});

describe('the differential fixture runtime_placeholder_arguments (which matches kfp)', () => {
  it('is what the function makes of its task "report" with the placeholders left out', () => {
    const name = 'runtime_placeholder_arguments';
    const fixture = loadFixture(join(__dirname, '__fixtures__', 'differential', name), name);
    const { pipeline, components } = fixture.options;
    const bare = {
      ...pipeline,
      tasks: pipeline.tasks.map((task) => (task.name === 'report' ? { ...task, arguments: {} } : task)),
    };
    type Tasks = { root: { dag: { tasks: Record<string, unknown> } } };
    const byHand = (compilePipeline(fixture.options).documents[0] as Tasks).root.dag.tasks;
    const made = (compilePipeline({ ...fixture.options, pipeline: withRuntimePlaceholderArguments(bare, components) }).documents[0] as Tasks).root.dag.tasks;
    expect(made.report).toEqual(byHand.report);
    // a component not built on component-runtime keeps its default only, as kfp compiles it
    expect(made.plain).toEqual(byHand.plain);
    expect(made.plain).not.toHaveProperty('inputs');
  });
});
