/**
 * Runs tasks of a DAG in dependency order, independent ones side by side up
 * to a limit. A task starts when everything it depends on succeeded; when
 * anything it depends on did not, it is skipped, and so is everything after
 * it, while unrelated branches go on. A task may instead wait for some of
 * its dependencies only to end (afterCompletionOf: an exit task, or
 * ignore_upstream_failure): it starts once they have ended, however. Once the
 * signal aborts, nothing new starts: every task still waiting is skipped.
 */

export interface SchedulableTask {
  name: string;
  dependsOn: string[];
  /** Those of dependsOn it waits for only to end, succeeded or not. */
  afterCompletionOf?: string[];
}

/** 'skipped': the node decided not to go on (a condition group whose condition is false); its dependents are skipped. */
export type TaskOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface SkipReason {
  /** The upstream task that did not succeed, when that is the reason. */
  upstream?: string;
  /** The run was interrupted before the task could start. */
  interrupted?: boolean;
}

export interface ScheduleOptions {
  tasks: SchedulableTask[];
  parallel: number;
  signal?: AbortSignal;
  run: (task: string) => Promise<TaskOutcome>;
  skip: (task: string, reason: SkipReason) => void;
}

export class DependencyCycleError extends Error {}

/** Throws DependencyCycleError naming the tasks caught in a cycle. */
export function checkAcyclic(tasks: SchedulableTask[]): void {
  const remaining = new Map(tasks.map((task) => [task.name, new Set(task.dependsOn)]));
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, deps] of remaining) {
      if ([...deps].every((dep) => !remaining.has(dep))) {
        remaining.delete(name);
        progress = true;
      }
    }
  }
  if (remaining.size > 0) throw new DependencyCycleError(`tasks depend on each other in a cycle: ${[...remaining.keys()].join(', ')}`);
}

export async function scheduleTasks(options: ScheduleOptions): Promise<void> {
  checkAcyclic(options.tasks);
  const parallel = Math.max(1, Math.floor(options.parallel));
  type State = 'waiting' | 'running' | TaskOutcome | 'skipped';
  const state = new Map<string, State>(options.tasks.map((task) => [task.name, 'waiting']));
  let running = 0;

  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      try {
        let changed = true;
        while (changed) {
          changed = false;
          for (const task of options.tasks) {
            if (state.get(task.name) !== 'waiting') continue;
            if (options.signal?.aborted) {
              state.set(task.name, 'skipped');
              options.skip(task.name, { interrupted: true });
              continue;
            }
            const completion = new Set(task.afterCompletionOf ?? []);
            const blocker = task.dependsOn.find((dep) => !completion.has(dep) && !['waiting', 'running', 'succeeded'].includes(state.get(dep) as string));
            if (blocker) {
              state.set(task.name, 'skipped');
              options.skip(task.name, { upstream: blocker });
              changed = true;
              continue;
            }
            const ready = task.dependsOn.every((dep) => (completion.has(dep) ? !['waiting', 'running'].includes(state.get(dep) as string) : state.get(dep) === 'succeeded'));
            if (ready && running < parallel) start(task.name);
          }
        }
        if (running === 0 && [...state.values()].every((s) => s !== 'waiting')) {
          options.signal?.removeEventListener('abort', pump);
          resolve();
        }
      } catch (error) {
        reject(error);
      }
    };
    const start = (name: string) => {
      state.set(name, 'running');
      running++;
      options
        .run(name)
        .then(
          (outcome) => state.set(name, outcome),
          (error) => {
            state.set(name, 'failed');
            reject(error);
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    };
    options.signal?.addEventListener('abort', pump);
    pump();
  });
}
