import { scheduleTasks, type TaskOutcome } from './task-scheduler';

describe('scheduleTasks', () => {
  it('starts a task after its dependencies, never more than parallel at once, and skips behind a failure', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const skipped: string[] = [];
    await scheduleTasks({
      tasks: [
        { name: 'a', dependsOn: [] },
        { name: 'b', dependsOn: [] },
        { name: 'c', dependsOn: [] },
        { name: 'd', dependsOn: ['a', 'b'] },
        { name: 'e', dependsOn: ['c'] },
        { name: 'f', dependsOn: ['e'] },
      ],
      parallel: 2,
      run: async (name): Promise<TaskOutcome> => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(name);
        running--;
        return name === 'c' ? 'failed' : 'succeeded';
      },
      skip: (name, reason) => skipped.push(`${name}<${reason.upstream}`),
    });
    expect(most).toBe(2);
    expect(order.indexOf('d')).toBeGreaterThan(Math.max(order.indexOf('a'), order.indexOf('b')));
    expect(skipped).toEqual(['e<c', 'f<e']);
  });

  it('skips the dependents of a node that ends skipped (a false condition) and goes on with the rest', async () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    await scheduleTasks({
      tasks: [
        { name: 'gate', dependsOn: [] },
        { name: 'inside', dependsOn: ['gate'] },
        { name: 'deeper', dependsOn: ['inside'] },
        { name: 'beside', dependsOn: [] },
      ],
      parallel: 1,
      run: async (name): Promise<TaskOutcome> => {
        ran.push(name);
        return name === 'gate' ? 'skipped' : 'succeeded';
      },
      skip: (name, reason) => skipped.push(`${name}<${reason.upstream}`),
    });
    expect(ran.sort()).toEqual(['beside', 'gate']);
    expect(skipped).toEqual(['inside<gate', 'deeper<inside']);
  });

  it('refuses a cycle before running anything', async () => {
    const run = jest.fn();
    await expect(
      scheduleTasks({ tasks: [{ name: 'x', dependsOn: ['y'] }, { name: 'y', dependsOn: ['x'] }, { name: 'z', dependsOn: [] }], parallel: 1, run, skip: jest.fn() }),
    ).rejects.toThrow('tasks depend on each other in a cycle: x, y');
    expect(run).not.toHaveBeenCalled();
  });
});
