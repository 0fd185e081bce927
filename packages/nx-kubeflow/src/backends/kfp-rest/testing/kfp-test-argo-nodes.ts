import { createHash } from 'node:crypto';
import type { KfpRuntimeState, KfpTaskDetail } from '../kfp-api-types';

/**
 * Test-only: run_details.task_details as a real KFP server on Argo fills
 * them (shape captured from upstream's server fed an Argo workflow report):
 * one entry per workflow node, not per pipeline task. Per started task
 * there are three (`<task>-driver`, `<task>`, and its pod `executor`),
 * around them the workflow's own DAG node (named as the workflow,
 * `<pipeline>-<5 characters>`), `root-driver` and `root`. A task not
 * started has no node yet. Entries come in no meaningful order, carry no
 * error, and an unfinished one has end_time 0001-01-01T00:00:00Z. A task
 * set to RUNTIME_STATE_UNSPECIFIED stands for Argo's Omitted (ruled out by
 * its dependencies): the server sends its entry without a state.
 */
export function argoNodes(
  run: { run_id?: string; created_at?: string },
  workflowName: string,
  runState: KfpRuntimeState,
  tasks: Array<{ name: string; state: KfpRuntimeState }>,
): KfpTaskDetail[] {
  const started = tasks.filter((task) => task.state !== 'PENDING');
  // An omitted task's pod never ran: its driver and executor nodes are not there either.
  const ran = (task: { state: KfpRuntimeState }) => task.state !== 'RUNTIME_STATE_UNSPECIFIED';
  const dagState: KfpRuntimeState = runState === 'PENDING' ? 'RUNNING' : runState;
  const nodes: Array<[string, KfpRuntimeState]> = [
    [workflowName, dagState],
    ['root-driver', 'SUCCEEDED'],
    ['root', dagState],
    ...started.flatMap((task): Array<[string, KfpRuntimeState]> =>
      ran(task)
        ? [
            [`${task.name}-driver`, 'SUCCEEDED'],
            [task.name, task.state],
            ['executor', task.state],
          ]
        : [[task.name, task.state]],
    ),
  ];
  const at = run.created_at ?? '1970-01-01T00:00:00Z';
  const entries = nodes.map(([name, state], index): KfpTaskDetail & { order: string } => ({
    order: createHash('sha256').update(`${run.run_id}/${index}`).digest('hex'),
    run_id: run.run_id,
    task_id: uuidOf(`${run.run_id}/${name}/${index}`),
    display_name: name,
    create_time: at,
    start_time: at,
    end_time: state === 'RUNNING' ? '0001-01-01T00:00:00Z' : at,
    ...(state === 'RUNTIME_STATE_UNSPECIFIED' ? {} : { state, state_history: [{ update_time: at, state }] }),
  }));
  return entries.sort((a, b) => a.order.localeCompare(b.order)).map(({ order: _order, ...entry }) => entry);
}

function uuidOf(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
