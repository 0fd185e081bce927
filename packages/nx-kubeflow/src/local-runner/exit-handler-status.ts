/**
 * PipelineTaskFinalStatus values for a local run: what KFP's driver gives an
 * exit task (and a task with ignore_upstream_failure) about the task or the
 * exit handler group it waited for, in protojson's field names as the
 * backend marshals the proto: state, pipelineJobResourceName,
 * pipelineTaskName and error (google.rpc.Status: {} when it succeeded, its
 * message otherwise). kfp's executor reads these names.
 *
 * An exit handler's state: CANCELLED when a task in it was cancelled, FAILED
 * when one failed (or a condition in it could not be evaluated, or the
 * handler never opened because a task it waits for did not succeed), else
 * SUCCEEDED: tasks a false condition skipped are no failure, as on KFP.
 */
import type { ConditionRecord, TaskRecord } from './run-record';

export type ExitHandlerState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';

/** An exit handler group of the IR (exit-handler-N), in run.json. */
export interface ExitHandlerRecord {
  name: string;
  /** The task that runs once the group has ended. */
  exitTask?: string;
  /** RUNNING once it opened; when its exit task starts, how it ended. SKIPPED: it never opened. */
  state: ExitHandlerState;
  /** What went wrong: the first failed task and its error, or why it never opened. */
  error?: string;
  /** Its tasks, inner groups' included. */
  tasks: string[];
}

export interface FinalStatus {
  state: string;
  pipelineJobResourceName: string;
  pipelineTaskName: string;
  error: { message?: string };
  [key: string]: unknown;
}

/**
 * The IR task a record runs: a loop iteration's copy (`<loop>-iteration-<i>/<task>`, run-loops.ts)
 * runs its loop's task, which is what a handler's `tasks` lists (task names are one namespace). A task
 * of a nested pipeline keeps its task's prefix (`<task>/<inner>`, `<task>/<loop>-iteration-<i>/<inner>`).
 */
function irTaskName(recordName: string): string {
  return recordName.replace(/[^/]*-iteration-\d+\//g, '');
}

/** How a group ended, from its tasks' and inner conditions' records; `opened` false: it never ran. */
export function exitHandlerOutcome(handler: ExitHandlerRecord, tasks: TaskRecord[], conditions: ConditionRecord[], skipReason?: string): { state: ExitHandlerState; error?: string } {
  // a loop's iterations count: a fold that failed inside the handler fails it, as on KFP
  const inside = tasks.filter((task) => handler.tasks.includes(task.name) || handler.tasks.includes(irTaskName(task.name)));
  const cancelled = inside.find((task) => task.state === 'CANCELLED');
  if (cancelled) return { state: 'CANCELLED', error: `task "${cancelled.name}" was cancelled` };
  const failed = inside.find((task) => task.state === 'FAILED');
  if (failed) {
    const reason = (failed.error ?? 'no message').split('\n')[0];
    // a loop iteration's record already names its task (run-loops.ts): once is enough
    const named = `task "${failed.name}" failed: `;
    return { state: 'FAILED', error: reason.startsWith(named) ? reason : `${named}${reason}` };
  }
  const condition = conditions.find((candidate) => candidate.state === 'FAILED' && candidate.tasks.some((task) => handler.tasks.includes(task)));
  if (condition) return { state: 'FAILED', error: condition.error ?? `condition "${condition.name}" failed` };
  if (skipReason !== undefined) return { state: 'FAILED', error: skipReason };
  return { state: 'SUCCEEDED' };
}

const TASK_FINAL_STATE: Record<TaskRecord['state'], string> = {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  CACHED: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  CANCELLED: 'CANCELLED',
};

export function finalStatus(pipelineTaskName: string, state: string, pipelineJobResourceName: string, error?: string): FinalStatus {
  return { state, pipelineJobResourceName, pipelineTaskName, error: state === 'SUCCEEDED' || error === undefined ? {} : { message: error } };
}

export function taskFinalStatus(task: TaskRecord, pipelineJobResourceName: string): FinalStatus {
  return finalStatus(task.name, TASK_FINAL_STATE[task.state], pipelineJobResourceName, task.error);
}
