import { fixtureIr } from './__fixtures__/fixture-pipeline';
import { loadFixtures } from '../kfp/__fixtures__/fixture-loader';
import { compilePipeline } from '../kfp/ir-compiler';
import { readIr } from './ir-reader';
import { backoffMs } from './task-runner';

describe('readIr', () => {
  const ir = fixtureIr(
    [
      { name: 'a', component: 'append-text', arguments: { text: { kind: 'parameter', parameter: 'word' } }, retry: { max_retry_count: 2, backoff_duration: '10s', backoff_factor: 3, backoff_max_duration: '1m' } },
      { name: 'b', component: 'append-text', arguments: { text: { kind: 'literal', value: 'x' }, source: { kind: 'task-output', task: 'a', output: 'result' } }, caching: false },
      { name: 'c', component: 'flaky', arguments: { counter: { kind: 'literal', value: 'f' }, fail_times: { kind: 'literal', value: 0 } }, after: ['a'], secrets: [{ secret_name: 's', keys: { k: 'K' } }] },
    ],
    [{ name: 'word', type: 'String', default: 'hi' }],
  );

  it('reads tasks, their wiring, executors, caching, retry and secrets', () => {
    const pipeline = readIr(ir);
    expect(pipeline.name).toBe('fixture');
    expect(pipeline.rootParameters).toEqual({ word: { parameterType: 'STRING', defaultValue: 'hi', isOptional: true } });
    const [a, b, c] = pipeline.tasks;
    expect(a).toMatchObject({
      name: 'a',
      componentName: 'comp-a',
      executorLabel: 'exec-a',
      dependsOn: [],
      parameterInputs: { text: { kind: 'root-parameter', name: 'word' } },
      inputParameterDefinitions: { prefix: { parameterType: 'STRING', defaultValue: 'p', isOptional: true } },
      outputArtifacts: ['result'],
      cacheEnabled: true,
      retry: { maxRetryCount: 2, backoffSeconds: 10, backoffFactor: 3, backoffMaxSeconds: 60 },
    });
    expect(a.container.command).toEqual(['python3', 'run.py']);
    expect(b).toMatchObject({ dependsOn: ['a'], artifactInputs: { source: { task: 'a', output: 'result' } }, cacheEnabled: false });
    expect(b.parameterInputs.text).toEqual({ kind: 'constant', value: 'x' });
    expect(c).toMatchObject({ dependsOn: ['a'], outputParameters: { executions: 'NUMBER_INTEGER' }, secretEnv: [{ envVar: 'K', secretName: 's', secretKey: 'k' }] });
    expect([1, 2, 3].map((attempt) => backoffMs(a, attempt))).toEqual([10_000, 30_000, 60_000]);
  });

  it('refuses what the local runner does not run, naming the task', () => {
    const spec = JSON.parse(JSON.stringify(ir.pipelineSpec));
    spec.root.dag.tasks.b.triggerPolicy = { condition: 'x' };
    expect(() => readIr({ pipelineSpec: spec })).toThrow('Cannot run this IR locally: task "b" uses triggerPolicy');
    delete spec.root.dag.tasks.b.triggerPolicy;
    spec.root.dag.tasks.b.dependentTasks = ['nope'];
    expect(() => readIr({ pipelineSpec: spec })).toThrow('task "b" depends on "nope", which is not a task of root.dag');
  });

  it('refuses artifact pipeline inputs with a clear message', () => {
    const spec = JSON.parse(JSON.stringify(ir.pipelineSpec));
    spec.root.inputDefinitions.artifacts = { data: { artifactType: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' } } };
    expect(() => readIr({ pipelineSpec: spec })).toThrow(
      'Cannot run this IR locally: the pipeline takes artifact input(s) "data" (artifact pipeline inputs), which the local runner cannot provide',
    );
    delete spec.root.inputDefinitions.artifacts;
    spec.root.dag.tasks.b.inputs.artifacts.source = { componentInputArtifact: 'data' };
    expect(() => readIr({ pipelineSpec: spec })).toThrow('task "b" input artifact "source" comes from the pipeline\'s artifact input "data"');
  });
});

describe('readIr: condition groups', () => {
  const fixture = loadFixtures('differential').find((candidate) => candidate.name === 'conditions')!;
  const [pipelineSpec] = compilePipeline(fixture.options).documents;

  it('flattens the groups: every task once, its inputs traced through pipelinechannel-- inputs to the root, its group first in dependsOn', () => {
    const pipeline = readIr({ pipelineSpec });
    const task = (taskName: string) => pipeline.tasks.find((t) => t.name === taskName)!;
    expect(pipeline.tasks.map((t) => t.name).sort()).toEqual(['announce', 'count', 'deploy', 'discard', 'evaluate', 'mix', 'report', 'retrain', 'review', 'warm-cache']);
    // two levels down, from an output of the root and one of the enclosing branch
    expect(task('warm-cache')).toMatchObject({
      group: 'condition-2',
      dependsOn: ['condition-2', 'evaluate', 'deploy'],
      parameterInputs: { number: { kind: 'task-output', task: 'evaluate', output: 'accuracy' }, text: { kind: 'task-output', task: 'deploy', output: 'out' } },
    });
    expect(task('deploy')).toMatchObject({
      group: 'condition-3',
      dependsOn: ['condition-3', 'evaluate'],
      parameterInputs: { text: { kind: 'root-parameter', name: 'mode' } },
      artifactInputs: { model: { task: 'evaluate', output: 'model' } },
    });
    expect(task('announce').dependsOn).toEqual(['condition-3', 'deploy']);
    expect(task('discard')).toMatchObject({ group: 'condition-6', dependsOn: ['condition-6', 'evaluate'] });
    expect(task('report')).toMatchObject({ group: 'condition-7', dependsOn: ['condition-7'] }); // its after: [evaluate] is its group's dependentTasks, as kfp hoists it
    expect(task('evaluate').group).toBeUndefined();

    const group = (groupName: string) => pipeline.groups.find((g) => g.name === groupName)!;
    expect(pipeline.groups.map((g) => g.name)).toEqual(['condition-branches-1', 'condition-3', 'condition-2', 'condition-4', 'condition-5', 'condition-6', 'condition-7', 'condition-8', 'condition-9']);
    expect(group('condition-branches-1')).toMatchObject({ dependsOn: ['evaluate'], tasks: ['deploy', 'announce', 'warm-cache', 'retrain', 'review', 'discard'], conditionInputs: {} });
    expect(group('condition-branches-1').condition).toBeUndefined();
    expect(group('condition-3')).toMatchObject({
      parent: 'condition-branches-1',
      dependsOn: ['condition-branches-1', 'evaluate'],
      tasks: ['deploy', 'announce', 'warm-cache'],
      condition: "inputs.parameter_values['pipelinechannel--evaluate-accuracy'] >= inputs.parameter_values['pipelinechannel--min_accuracy']",
      conditionInputs: {
        'pipelinechannel--evaluate-accuracy': { kind: 'task-output', task: 'evaluate', output: 'accuracy' },
        'pipelinechannel--min_accuracy': { kind: 'root-parameter', name: 'min_accuracy' },
      },
    });
    expect(group('condition-2')).toMatchObject({
      parent: 'condition-3',
      dependsOn: ['condition-3', 'deploy', 'evaluate'],
      conditionInputs: { 'pipelinechannel--mode': { kind: 'root-parameter', name: 'mode' } },
    });
    expect(group('condition-6').expression).toMatchObject({ kind: 'and', expressions: [{ kind: 'not' }, { kind: 'not' }, { kind: 'not' }] });
    expect(group('condition-8').conditionInputs).toEqual({ 'pipelinechannel--evaluate-rounds': { kind: 'task-output', task: 'evaluate', output: 'rounds' } });
  });

  it('refuses a condition in a form it does not evaluate, a loop over artifacts, a nested pipeline with a triggerPolicy and wiring into a group, naming the group', () => {
    const edited = (edit: (spec: any) => void) => {
      const spec = JSON.parse(JSON.stringify(pipelineSpec));
      edit(spec);
      return () => readIr({ pipelineSpec: spec });
    };
    expect(
      edited((spec) => (spec.root.dag.tasks['condition-8'].triggerPolicy.condition = "size(inputs.parameter_values['pipelinechannel--evaluate-rounds']) > 2")),
    ).toThrow(/^Cannot run this IR locally: task "condition-8": triggerPolicy.condition "size\(.*: an operand it does not know at character 1/);
    expect(edited((spec) => (spec.root.dag.tasks['condition-8'].triggerPolicy.condition = "inputs.parameter_values['pipelinechannel--other'] > 2"))).toThrow(
      'task "condition-8": triggerPolicy.condition reads "pipelinechannel--other", which is not one of the group\'s input parameters',
    );
    expect(edited((spec) => (spec.root.dag.tasks['condition-8'].triggerPolicy.strategy = 'ALL_UPSTREAM_TASKS_COMPLETED'))).toThrow(
      'task "condition-8" has triggerPolicy.strategy, which the local runner does not run (only triggerPolicy.condition)',
    );
    // loops over parameters run (run-loops.spec.ts); over artifacts they do not
    expect(edited((spec) => (spec.root.dag.tasks['condition-8'].artifactIterator = { itemInput: 'x', items: { inputArtifact: 'y' } }))).toThrow(
      'task "condition-8" uses artifactIterator (a dsl.ParallelFor loop), which the local runner does not run yet',
    );
    expect(
      edited((spec) => {
        spec.root.dag.tasks.inner = spec.root.dag.tasks['condition-8'];
        delete spec.root.dag.tasks['condition-8'];
      }),
    ).toThrow(/^Cannot run this IR locally: task "inner" runs a nested pipeline with triggerPolicy \{"condition":.*\} \(an exit task or ignore_upstream_failure\), which the local runner does not run; put it on a task inside that pipeline$/);
    expect(edited((spec) => (spec.root.dag.tasks.evaluate.dependentTasks = ['condition-9']))).toThrow(
      'task "evaluate" depends on "condition-9", a condition group without outputs (kfp has a task wait for a condition group only to read its dsl.OneOf outputs), which the local runner does not run',
    );
    expect(edited((spec) => (spec.components['comp-condition-2'].dag.tasks['warm-cache'].inputs.parameters.text = { componentInputParameter: 'pipelinechannel--nope' }))).toThrow(
      'task "warm-cache" input "text" reads "pipelinechannel--nope", which group "condition-2" is not given',
    );
    expect(edited((spec) => (spec.components['comp-condition-8'].dag.tasks.evaluate = spec.components['comp-condition-8'].dag.tasks.count))).toThrow(
      'task "evaluate" appears twice in the IR\'s DAGs',
    );
  });
});
