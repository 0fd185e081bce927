import { scheduleTasks, type TaskOutcome } from './task-scheduler';

describe('scheduleTasks: tasks that wait for their upstream tasks only to end', () => {
  it('starts them after a failure or a skip among afterCompletionOf, but still skips them when another dependency (their group) did not open', async () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    await scheduleTasks({
      tasks: [
        { name: 'fails', dependsOn: [] },
        { name: 'behind', dependsOn: ['fails'] },
        { name: 'exit', dependsOn: ['fails', 'behind'], afterCompletionOf: ['fails', 'behind'] },
        { name: 'closed-gate', dependsOn: [] },
        { name: 'tidy', dependsOn: ['closed-gate', 'fails'], afterCompletionOf: ['fails'] },
        { name: 'after-exit', dependsOn: ['exit'] },
      ],
      parallel: 1,
      run: async (name): Promise<TaskOutcome> => {
        ran.push(name);
        await new Promise((resolve) => setTimeout(resolve, 2));
        return name === 'fails' ? 'failed' : name === 'closed-gate' ? 'skipped' : 'succeeded';
      },
      skip: (name, reason) => skipped.push(`${name}<${reason.upstream}`),
    });
    expect([...ran].sort()).toEqual(['after-exit', 'closed-gate', 'exit', 'fails']);
    expect(ran.indexOf('exit')).toBeGreaterThan(ran.indexOf('fails'));
    expect(ran.indexOf('after-exit')).toBeGreaterThan(ran.indexOf('exit'));
    expect(skipped).toEqual(['behind<fails', 'tidy<closed-gate']);
  });

  it('does not start them while an upstream task still runs', async () => {
    const ran: string[] = [];
    await scheduleTasks({
      tasks: [
        { name: 'slow', dependsOn: [] },
        { name: 'exit', dependsOn: ['slow'], afterCompletionOf: ['slow'] },
      ],
      parallel: 4,
      run: async (name): Promise<TaskOutcome> => {
        await new Promise((resolve) => setTimeout(resolve, name === 'slow' ? 30 : 1));
        ran.push(name);
        return 'succeeded';
      },
      skip: () => undefined,
    });
    expect(ran).toEqual(['slow', 'exit']);
  });
});
