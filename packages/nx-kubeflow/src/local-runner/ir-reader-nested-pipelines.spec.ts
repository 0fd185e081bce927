/**
 * The reader on nested pipelines, from the differential fixture
 * nested_pipelines (two levels, one pipeline run twice, inner task names that
 * outer ones have too), as compile writes it (the differential suite holds
 * that IR to kfp's).
 */
import { loadFixtures } from '../kfp/__fixtures__/fixture-loader';
import { compilePipeline } from '../kfp/ir-compiler';
import { readIr } from './ir-reader';

const compiled = () => {
  const fixture = loadFixtures('differential').find((candidate) => candidate.name === 'nested_pipelines')!;
  const [pipelineSpec, platformSpec] = compilePipeline(fixture.options).documents;
  return { pipelineSpec, platformSpec } as { pipelineSpec: any; platformSpec: any };
};

describe('readIr: nested pipelines', () => {
  it('names every task inside after its task, two levels down, and keeps a pipeline run twice and colliding names apart', () => {
    const ir = readIr(compiled());
    expect(ir.tasks.map((task) => task.name).sort()).toEqual(
      ['score', 'train', 'full-training/score', 'full-training/check/train', 'full-training/check/score', 'quick-check/train', 'quick-check/score'].sort(),
    );
    const nested = ir.groups.filter((group) => group.kind === 'nested-pipeline');
    expect(nested.map((group) => [group.name, group.pipeline])).toEqual([
      ['full-training/check', 'comp-check'],
      ['full-training', 'comp-full-training'],
      ['quick-check', 'comp-quick-check'],
    ]);
    // the inner tasks read the task's arguments, or the inner pipeline's defaults (quick-check passes epochs 1; check gets full-training's epochs)
    const task = (name: string) => ir.tasks.find((candidate) => candidate.name === name)!;
    expect(task('quick-check/train').parameterInputs.epochs).toEqual({ kind: 'constant', value: 1 });
    expect(task('full-training/check/train').parameterInputs.epochs).toEqual({ kind: 'root-parameter', name: 'epochs' });
    // and wait for what the task waits for (quick-check is after train)
    expect(task('quick-check/train').dependsOn).toEqual(['train']);
    expect(task('quick-check/score').dependsOn).toEqual(['train', 'quick-check/train']);
    expect(task('quick-check/score').artifactInputs.model).toEqual({ task: 'quick-check/train', output: 'model' });
    // an output of a nested pipeline inside one: read from that pipeline's node
    expect(task('full-training/score').artifactInputs.model).toEqual({ task: 'full-training/check', output: 'model' });
    expect(task('full-training/score').dependsOn).toEqual(['full-training/check']);
    // the task's node waits for everything inside; what reads its outputs waits for it
    const group = (name: string) => nested.find((candidate) => candidate.name === name)!;
    expect(group('full-training').afterCompletionOf!.sort()).toEqual(['full-training/check', 'full-training/check/score', 'full-training/check/train', 'full-training/score']);
    expect(group('full-training').outputs).toEqual({ model: { kind: 'artifact', task: 'full-training/check', output: 'model' }, label: { kind: 'parameter', task: 'full-training/score', output: 'label' } });
    expect(task('score').dependsOn).toEqual(['full-training']);
    expect(task('score').artifactInputs.model).toEqual({ task: 'full-training', output: 'model' });
    expect(ir.outputs).toEqual({ model: { kind: 'artifact', task: 'full-training', output: 'model' }, passed: { kind: 'parameter', task: 'quick-check', output: 'passed' } });
    // the inner executors' platform configs follow them: the secret of check's score
    expect(task('full-training/check/score').secretEnv).toEqual([{ envVar: 'SCORE_TOKEN', secretName: 'score-secrets', secretKey: 'token' }]);
    expect(task('score').secretEnv).toEqual([]);
    // retry on full-training, caching off on quick-check: neither reaches inside, said once
    expect(nested.flatMap((candidate) => candidate.notes ?? [])).toEqual([
      expect.stringMatching(/^task "full-training" runs a pipeline with retry \(max_retry_count 2\), which is not applied/),
      expect.stringMatching(/^task "quick-check" runs a pipeline with caching off/),
    ]);
    expect(task('quick-check/train').cacheEnabled).toBe(true);
  });

  it('refuses a nested pipeline output from a condition group that has no such dsl.OneOf, and an inner input that is neither given nor defaulted, naming them', () => {
    const spec = compiled().pipelineSpec;
    const copy = () => JSON.parse(JSON.stringify(spec));
    const oneOf = copy();
    oneOf.components['comp-quick-check'].dag.outputs.parameters.passed.valueFromParameter.producerSubtask = 'condition-branches-1';
    oneOf.components['comp-quick-check'].dag.tasks['condition-branches-1'] = { componentRef: { name: 'comp-condition-branches-1' }, taskInfo: { name: 'condition-branches-1' } };
    oneOf.components['comp-condition-branches-1'] = { dag: { tasks: {} } };
    // (a dsl.OneOf the nested pipeline returns runs: run-nested-one-of.spec.ts)
    const key = oneOf.components['comp-quick-check'].dag.outputs.parameters.passed.valueFromParameter.outputParameterKey;
    expect(() => readIr({ pipelineSpec: oneOf })).toThrow(
      `Cannot run this IR locally: output "passed" of the nested pipeline of task "quick-check" comes from group "quick-check/condition-branches-1", which has no dsl.OneOf output "${key}" (a condition group hands on nothing else)`,
    );
    const holdsItself = copy();
    holdsItself.components['comp-quick-check'].dag.tasks['condition-1'] = { componentRef: { name: 'comp-condition-1' }, taskInfo: { name: 'condition-1' } };
    holdsItself.components['comp-condition-1'] = { dag: { tasks: { 'condition-1': { componentRef: { name: 'comp-condition-1' }, taskInfo: { name: 'condition-1' } } } } };
    expect(() => readIr({ pipelineSpec: holdsItself })).toThrow('task "quick-check/condition-1" appears twice in the IR\'s DAGs');
    const ungiven = copy();
    delete ungiven.components['comp-quick-check'].inputDefinitions.parameters.epochs.defaultValue;
    delete ungiven.root.dag.tasks['quick-check'].inputs.parameters.epochs;
    expect(() => readIr({ pipelineSpec: ungiven })).toThrow(
      'Cannot run this IR locally: task "quick-check/train" input "epochs" reads "epochs", an input of the nested pipeline of task "quick-check" that the task is not given and that has no default',
    );
  });
});
