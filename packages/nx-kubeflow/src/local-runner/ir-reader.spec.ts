import { fixtureIr } from './__fixtures__/fixture-pipeline';
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
