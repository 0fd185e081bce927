import { loadFixtures } from '../kfp/__fixtures__/fixture-loader';
import { compilePipeline } from '../kfp/ir-compiler';
import { readIr } from './ir-reader';

const compiled = (name: string) => {
  const fixture = loadFixtures('differential').find((candidate) => candidate.name === name)!;
  return { pipelineSpec: compilePipeline(fixture.options).documents[0] };
};

describe('readIr: exit handlers and ignore_upstream_failure', () => {
  it('reads exit-handler-N as gates, and the exit task as waiting for the end of everything inside its handler, with its final status input', () => {
    const ir = readIr(compiled('exit_handlers'));
    expect(ir.groups.map((group) => [group.name, group.kind ?? 'condition', group.parent ?? ''])).toEqual([
      ['condition-1', 'condition', ''],
      ['exit-handler-2', 'exit-handler', ''],
      ['condition-3', 'condition', 'exit-handler-2'],
      ['exit-handler-4', 'exit-handler', ''],
    ]);
    const notify = ir.tasks.find((task) => task.name === 'notify')!;
    expect(notify.afterCompletionOf!.sort()).toEqual(['condition-3', 'deploy', 'evaluate', 'exit-handler-2', 'train']);
    expect(notify.dependsOn.sort()).toEqual(notify.afterCompletionOf!.sort());
    expect(notify.finalStatusInputs).toEqual({ status: 'exit-handler-2' });
    expect(notify.inputParameterDefinitions.status).toEqual({ parameterType: 'STRUCT', isOptional: true });
    const cleanup = ir.tasks.find((task) => task.name === 'cleanup')!;
    expect(cleanup.afterCompletionOf!.sort()).toEqual(['exit-handler-4', 'fetch', 'report', 'use-fetched']);
    expect(ir.tasks.find((task) => task.name === 'fetch')!.importer).toEqual({ artifactUri: { runtimeParameter: 'uri' }, typeSchema: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' }, reimport: false, metadata: { rounds: "{{$.inputs.parameters['metadata']}}" } });
    expect(cleanup.finalStatusInputs).toBeUndefined();
    expect(ir.tasks.find((task) => task.name === 'train')!.dependsOn).toEqual(['exit-handler-2', 'prepare']);
  });

  it('reads ignore_upstream_failure tasks as waiting for their upstream tasks to end, a final status from the one upstream', () => {
    const ir = readIr(compiled('ignore_upstream_failure'));
    const byName = (name: string) => ir.tasks.find((task) => task.name === name)!;
    expect(byName('tidy').afterCompletionOf).toEqual(['risky']);
    expect(byName('status-report')).toMatchObject({ afterCompletionOf: ['risky'], finalStatusInputs: { status: 'risky' } });
    expect(byName('alone').afterCompletionOf).toEqual([]);
    expect(byName('after-tidy').afterCompletionOf).toBeUndefined();
  });

  it('refuses a final status input on a task that would never see a failure, or from a task outside its DAG', () => {
    const edited = (edit: (spec: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const ir = compiled('ignore_upstream_failure');
      edit(ir.pipelineSpec);
      return () => readIr(ir);
    };
    expect(edited((spec) => delete spec.root.dag.tasks['status-report'].triggerPolicy)).toThrow(
      'task "status-report" input "status" takes a final status (taskFinalStatus) but the task has no triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED',
    );
    expect(edited((spec) => (spec.root.dag.tasks['status-report'].inputs.parameters.status.taskFinalStatus.producerTask = 'nobody'))).toThrow(
      'taskFinalStatus names "nobody", which is not a task of root.dag',
    );
  });
});
