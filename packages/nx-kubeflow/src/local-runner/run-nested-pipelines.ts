/**
 * Nested pipelines (a pipeline run as a task) in a local run. The reader has
 * flattened each into the run's tasks, named <task>/<inner task>
 * (ir-nested-pipelines.ts), which run, cache, retry, log and are cancelled as
 * any task, in <task>/<inner task>/ of the run folder. What stays of the task
 * itself is a node after its tasks: once everything inside has ended it says
 * how the pipeline went, as KFP's DAG does: FAILED when a task, a condition,
 * a loop or a nested pipeline inside failed (what waits for it is then
 * skipped, and the run fails), CANCELLED when the run was interrupted, else
 * SUCCEEDED (tasks a false condition skipped are no failure). run.json's
 * `nestedPipelines` records each instance (a nested pipeline in a loop once
 * per iteration, <loop>-iteration-<i>/<task>) with its state, its tasks and
 * the outputs it hands on.
 */
import type { IrConditionGroup } from './ir-reader';
import type { ConditionRecord, LoopRecord, TaskOutputs, TaskRecord } from './run-record';
import type { TaskOutcome } from './task-scheduler';

export type NestedPipelineState = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';

/** A task that runs a pipeline, in run.json. */
export interface NestedPipelineRecord {
  name: string;
  /** Its component in the IR: the nested pipeline's root (comp-<task>). */
  pipeline: string;
  /** The condition group or exit handler it sits in. */
  parent?: string;
  state: NestedPipelineState;
  /** Its tasks, as the run names them (those of nested pipelines inside included; a loop's are in its iterations). */
  tasks: string[];
  /** What it hands on (its dag.outputs), once it SUCCEEDED. */
  outputs?: TaskOutputs;
  /** Why it FAILED, was SKIPPED or CANCELLED. */
  error?: string;
}

export function nestedPipelineRecord(group: IrConditionGroup): NestedPipelineRecord {
  return { name: group.name, pipeline: group.pipeline ?? '', ...(group.parent ? { parent: group.parent } : {}), state: 'PENDING', tasks: group.tasks };
}

/** The records of the run, by name, as they stand (a loop iteration's under their qualified names). */
export interface RunRecords {
  task: (name: string) => TaskRecord | undefined;
  condition: (name: string) => ConditionRecord | undefined;
  loop: (name: string) => LoopRecord | undefined;
  nested: (name: string) => NestedPipelineRecord | undefined;
  /** Outputs of what succeeded, by name (tasks and loops). */
  outputsOf: (name: string) => TaskOutputs | undefined;
}

/** Called once everything inside it has ended: its state, error and outputs, and the outcome what waits for it sees. */
export function endNestedPipeline(group: IrConditionGroup, record: NestedPipelineRecord, records: RunRecords, interrupted: boolean): TaskOutcome {
  const inside = group.afterCompletionOf ?? [];
  const ended = inside.map((name) => {
    const task = records.task(name);
    if (task) return { name, state: task.state as string, error: task.error, what: 'task' };
    const nested = records.nested(name);
    if (nested) return { name, state: nested.state as string, error: nested.error, what: 'nested pipeline' };
    const loop = records.loop(name);
    if (loop) return { name, state: loop.state as string, error: loop.error, what: 'loop' };
    const condition = records.condition(name);
    if (condition) return { name, state: condition.state as string, error: condition.error, what: 'condition' };
    return { name, state: 'SUCCEEDED', what: 'group' }; // an exit handler: its tasks count
  });
  const cancelled = ended.find((node) => node.state === 'CANCELLED');
  const failed = ended.find((node) => node.state === 'FAILED');
  if (cancelled || (interrupted && !failed)) {
    record.state = 'CANCELLED';
    record.error = cancelled ? `${cancelled.what} "${cancelled.name}" was cancelled` : 'the run was interrupted';
    return 'cancelled';
  }
  if (failed) {
    record.state = 'FAILED';
    const reason = (failed.error ?? 'no message').split('\n')[0];
    // a nested pipeline's error names the task that failed in it, a loop's and a condition's name them
    record.error = failed.what !== 'task' ? reason : `task "${failed.name}" failed: ${reason}`;
    return 'failed';
  }
  record.state = 'SUCCEEDED';
  const outputs: TaskOutputs = { parameters: {}, artifacts: {} };
  for (const [name, made] of Object.entries(group.outputs ?? {})) {
    const producer = records.outputsOf(made.task);
    if (made.kind === 'parameter' && producer && Object.hasOwn(producer.parameters, made.output)) outputs.parameters[name] = producer.parameters[made.output];
    if (made.kind === 'artifact' && producer && Object.hasOwn(producer.artifacts, made.output)) outputs.artifacts[name] = producer.artifacts[made.output];
  }
  if (Object.keys(group.outputs ?? {}).length > 0) record.outputs = outputs;
  return 'succeeded';
}

/** It never got to its end: what it waits for did not succeed (SKIPPED), or the run was interrupted (CANCELLED). */
export function skipNestedPipeline(record: NestedPipelineRecord, message: string, interrupted: boolean): void {
  record.state = interrupted ? 'CANCELLED' : 'SKIPPED';
  record.error = interrupted ? 'the run was interrupted' : message;
}
