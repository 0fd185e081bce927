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

function listOf<T>(lists: Map<string, T[]>, key: string): T[] {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  return list;
}

/** Throws DependencyCycleError naming the tasks caught in a cycle (and those after them). Linear in tasks + edges. */
export function checkAcyclic(tasks: SchedulableTask[]): void {
  const known = new Set(tasks.map((task) => task.name));
  const unresolved = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks) {
    const deps = new Set(task.dependsOn.filter((dep) => known.has(dep)));
    unresolved.set(task.name, deps.size);
    for (const dep of deps) listOf(dependents, dep).push(task.name);
  }
  // Kahn's algorithm: take away what depends on nothing left; a cycle is what never gets there.
  const free = tasks.filter((task) => unresolved.get(task.name) === 0).map((task) => task.name);
  const removed = new Set<string>();
  while (free.length > 0) {
    const name = free.pop()!;
    removed.add(name);
    for (const dependent of dependents.get(name) ?? []) {
      const left = unresolved.get(dependent)! - 1;
      unresolved.set(dependent, left);
      if (left === 0) free.push(dependent);
    }
  }
  const remaining = tasks.map((task) => task.name).filter((name) => !removed.has(name));
  if (remaining.length > 0) throw new DependencyCycleError(`tasks depend on each other in a cycle: ${remaining.join(', ')}`);
}

/** Task indices, smallest first: tasks start (and are skipped) in the order they are listed. */
class IndexHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const items = this.items;
    items.push(value);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= items[i]) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && items[left] < items[least]) least = left;
        if (right < items.length && items[right] < items[least]) least = right;
        if (least === i) break;
        [items[least], items[i]] = [items[i], items[least]];
        i = least;
      }
    }
    return top;
  }
}

/**
 * Each task's dependencies are counted once, and a task is looked at again
 * only when one of them ends: the work is linear in tasks + edges, however
 * many tasks wait (a scan of every waiting task on every end was quadratic).
 */
export async function scheduleTasks(options: ScheduleOptions): Promise<void> {
  checkAcyclic(options.tasks);
  const parallel = Math.max(1, Math.floor(options.parallel));
  type State = 'waiting' | 'running' | TaskOutcome | 'skipped';
  const tasks = options.tasks;
  const state = new Map<string, State>(tasks.map((task) => [task.name, 'waiting']));
  const completion = tasks.map((task) => new Set(task.afterCompletionOf ?? []));
  /** Per task: dependencies still waiting or running. */
  const unsettled = tasks.map(() => 0);
  const dependents = new Map<string, number[]>();
  /** Waiting tasks whose dependencies have all ended as they need, and those one of which did not succeed. */
  const ready = new IndexHeap();
  const blocked = new IndexHeap();
  const isBlocked = tasks.map(() => false);
  let waiting = tasks.length;
  let running = 0;

  const blockerOf = (i: number) =>
    tasks[i].dependsOn.find((dep) => !completion[i].has(dep) && !['waiting', 'running', 'succeeded'].includes(state.get(dep) as string));
  const block = (i: number) => {
    if (isBlocked[i]) return;
    isBlocked[i] = true;
    blocked.push(i);
  };
  tasks.forEach((task, i) => {
    for (const dep of task.dependsOn) {
      if (!state.has(dep)) continue; // unknown: ended, not succeeded (blockerOf finds it)
      unsettled[i]++;
      listOf(dependents, dep).push(i);
    }
    if (blockerOf(i) !== undefined) block(i);
    else if (unsettled[i] === 0) ready.push(i);
  });
  /** A task ended (or was skipped): what waits for it may now start, or never will. */
  const settle = (name: string, outcome: State) => {
    state.set(name, outcome);
    for (const i of dependents.get(name) ?? []) {
      if (state.get(tasks[i].name) !== 'waiting') continue;
      unsettled[i]--;
      if (outcome !== 'succeeded' && !completion[i].has(name)) block(i);
      else if (unsettled[i] === 0 && !isBlocked[i]) ready.push(i);
    }
  };
  const skip = (i: number, reason: SkipReason) => {
    waiting--;
    settle(tasks[i].name, 'skipped');
    options.skip(tasks[i].name, reason);
  };

  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      try {
        if (options.signal?.aborted && waiting > 0) {
          tasks.forEach((task, i) => state.get(task.name) === 'waiting' && skip(i, { interrupted: true }));
        }
        while (blocked.size > 0) {
          const i = blocked.pop()!;
          if (state.get(tasks[i].name) === 'waiting') skip(i, { upstream: blockerOf(i) });
        }
        while (running < parallel && ready.size > 0) {
          const i = ready.pop()!;
          if (state.get(tasks[i].name) === 'waiting') start(i);
        }
        if (running === 0 && waiting === 0) {
          options.signal?.removeEventListener('abort', pump);
          resolve();
        }
      } catch (error) {
        reject(error);
      }
    };
    const start = (i: number) => {
      const name = tasks[i].name;
      state.set(name, 'running');
      waiting--;
      running++;
      options
        .run(name)
        .then(
          (outcome) => settle(name, outcome),
          (error) => {
            settle(name, 'failed');
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
