/**
 * The scheduler's work must grow linearly with the tasks (issue 15's scale
 * goal), checked without timing: every read of a task's dependsOn is counted.
 * Scanning every waiting task whenever one ends (as it once did) reads them
 * O(n²) times: about 2 million reads here instead of a few thousand.
 */
import { checkAcyclic, scheduleTasks, type SchedulableTask, type TaskOutcome } from './task-scheduler';

const TASKS = 2000;

/** Tasks whose dependsOn counts its reads. */
function counted(tasks: Array<{ name: string; dependsOn: string[] }>): { tasks: SchedulableTask[]; reads: () => number } {
  let reads = 0;
  const wrapped = tasks.map((task) => ({
    name: task.name,
    get dependsOn() {
      reads++;
      return task.dependsOn;
    },
  }));
  return { tasks: wrapped, reads: () => reads };
}

/** Task i depends on task (i-1)/2: up to half the tasks are ready at once. */
const tree = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `t${i}`, dependsOn: i === 0 ? [] : [`t${(i - 1) >> 1}`] }));
/** Task i depends on task i-1. */
const chain = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `t${i}`, dependsOn: i === 0 ? [] : [`t${i - 1}`] }));

describe('scheduleTasks at scale: work linear in the tasks', () => {
  it('runs a 2,000-task tree two at a time reading each task dependencies a few times, not once per task that ends', async () => {
    const { tasks, reads } = counted(tree(TASKS));
    const ran: string[] = [];
    let running = 0;
    let most = 0;
    await scheduleTasks({
      tasks,
      parallel: 2,
      run: async (name): Promise<TaskOutcome> => {
        running++;
        most = Math.max(most, running);
        await Promise.resolve();
        ran.push(name);
        running--;
        return 'succeeded';
      },
      skip: () => {
        throw new Error('nothing should be skipped');
      },
    });
    expect(ran).toHaveLength(TASKS);
    expect(most).toBe(2);
    // every task after its parent
    const position = new Map(ran.map((name, i) => [name, i]));
    const beforeParent = ran.filter((name, i) => name !== 't0' && i < position.get(`t${(Number(name.slice(1)) - 1) >> 1}`)!);
    expect(beforeParent).toEqual([]);
    expect(reads()).toBeLessThanOrEqual(4 * TASKS);
  });

  it('skips a 2,000-task chain behind a failed first task reading each task dependencies a few times', async () => {
    const { tasks, reads } = counted(chain(TASKS));
    const skipped: string[] = [];
    await scheduleTasks({
      tasks,
      parallel: 2,
      run: async () => 'failed',
      skip: (name, reason) => skipped.push(`${name}<${reason.upstream}`),
    });
    expect(skipped).toHaveLength(TASKS - 1);
    expect(skipped.slice(0, 2)).toEqual(['t1<t0', 't2<t1']);
    expect(reads()).toBeLessThanOrEqual(4 * TASKS);
  });

  it('checks a 2,000-task chain listed last task first for cycles, and names the tasks of a cycle and those after it', () => {
    // Kahn's algorithm: linear whatever the order (one pass per task for a reversed chain before).
    expect(() => checkAcyclic(chain(TASKS).reverse())).not.toThrow();
    const cyclic = [...chain(TASKS), { name: 'x', dependsOn: ['y'] }, { name: 'y', dependsOn: ['x', 't5'] }, { name: 'z', dependsOn: ['x'] }];
    expect(() => checkAcyclic(cyclic)).toThrow('tasks depend on each other in a cycle: x, y, z');
  });
});
