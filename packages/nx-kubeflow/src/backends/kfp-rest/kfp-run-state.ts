import type { RunState, TaskState, TaskSummary } from '../pipeline-backend';
import type { KfpRun, KfpRuntimeState, KfpTaskDetail } from './kfp-api-types';

/**
 * KFP's runtime states of a task in the backend interface's words. A task
 * entry without a state is an Argo node the server has no state for: Argo's
 * Omitted, a task its dependencies or condition ruled out (captured: the
 * server drops the state), so it did not run.
 */
export function taskStateOf(state: KfpRuntimeState | undefined): TaskState {
  switch (state) {
    case undefined:
    case 'RUNTIME_STATE_UNSPECIFIED':
      return 'SKIPPED';
    case 'RUNNING':
    case 'PAUSED':
    case 'CANCELING':
      return 'RUNNING';
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'SKIPPED':
      return 'SKIPPED';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELED':
      return 'CANCELLED';
    default:
      return 'PENDING';
  }
}

/** The run's end state, or undefined while it goes on (CANCELING and PAUSED go on). */
export function finalRunState(state: KfpRuntimeState | undefined): RunState | undefined {
  switch (state) {
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELED':
      return 'CANCELLED';
    // A run whose every task was skipped did nothing it was asked to.
    case 'SKIPPED':
      return 'FAILED';
    default:
      return undefined;
  }
}

/**
 * Argo's nodes that are never a task of the pipeline, for when the IR's task
 * names are not to be had: the drivers, the executor pods, the root DAG.
 */
const ARGO_MACHINERY = /^(root|root-driver|executor|.*-driver)$/;

/**
 * The pipeline's own tasks from run_details.task_details, in the IR's order.
 * A real server lists every Argo workflow node there: root-driver,
 * <task>-driver, executor (one per task), the pipeline's own DAG node, then
 * the tasks, in no set order. Only nodes named as one of the IR's tasks
 * (`taskNames`, by key or display name) are the pipeline's. Without the
 * names (the spec could not be read), Argo's known node names are left out.
 */
export function pipelineTasks(run: KfpRun, taskNames?: string[]): KfpTaskDetail[] {
  const details = (run.run_details?.task_details ?? []).filter((task) => task.display_name);
  if (!taskNames?.length) return details.filter((task) => !ARGO_MACHINERY.test(task.display_name!));
  const order = (task: KfpTaskDetail) => taskNames.indexOf(task.display_name!);
  return details.filter((task) => order(task) >= 0).sort((a, b) => order(a) - order(b));
}

export function taskSummary(task: KfpTaskDetail): TaskSummary {
  const start = task.start_time ? Date.parse(task.start_time) : NaN;
  const end = task.end_time ? Date.parse(task.end_time) : NaN;
  const attempts = (task.state_history ?? []).filter((entry) => entry.state === 'RUNNING').length || (task.start_time ? 1 : 0);
  return {
    name: task.display_name ?? task.task_id ?? '?',
    state: taskStateOf(task.state),
    ...(Number.isFinite(start) && Number.isFinite(end) && end >= start ? { durationMs: end - start } : {}),
    attempts,
    cached: false,
    ...(task.error?.message ? { error: task.error.message } : {}),
  };
}

/** The failure in one message: the run's error, else the failed tasks'. */
export function runError(run: KfpRun, tasks: TaskSummary[]): string | undefined {
  const failed = tasks.filter((task) => task.state === 'FAILED');
  const parts = [
    ...(run.error?.message ? [run.error.message] : []),
    ...failed.map((task) => `${task.name} failed${task.error ? `: ${task.error}` : ''}`),
  ];
  return parts.length ? parts.join('; ') : undefined;
}
