/**
 * How an exit handler ended, from the run's records: the tasks inside it,
 * loop iterations' copies included (a failed fold fails the handler, as on KFP),
 * and the tasks of nested pipelines (<task>/<inner task>), in loops or around them.
 */
import { exitHandlerOutcome, type ExitHandlerRecord } from './exit-handler-status';
import type { TaskRecord, TaskState } from './run-record';

const task = (name: string, state: TaskState, error?: string): TaskRecord => ({
  name,
  componentName: 'c',
  state,
  attempts: 1,
  cached: false,
  outputs: { parameters: {}, artifacts: {} },
  logFile: '',
  warnings: [],
  ...(error ? { error } : {}),
});

const handler: ExitHandlerRecord = { name: 'exit-handler-1', exitTask: 'notify', state: 'RUNNING', tasks: ['summarise', 'train-fold'] };

it('fails when an iteration of a loop inside it failed, naming that iteration', () => {
  const tasks = [
    task('for-loop-2-iteration-0/train-fold', 'SUCCEEDED'),
    task('for-loop-2-iteration-1/train-fold', 'FAILED', 'exit code 1: ValueError: learning_rate must be a positive number'),
    task('summarise', 'SKIPPED', 'loop "for-loop-2": 1 of 2 iteration(s) failed'),
  ];
  expect(exitHandlerOutcome(handler, tasks, [])).toEqual({
    state: 'FAILED',
    error: 'task "for-loop-2-iteration-1/train-fold" failed: exit code 1: ValueError: learning_rate must be a positive number',
  });
});

it('succeeds when every iteration did, and ignores tasks outside it', () => {
  const tasks = [task('for-loop-2-iteration-0/train-fold', 'SUCCEEDED'), task('summarise', 'SUCCEEDED'), task('elsewhere-iteration-0/other', 'FAILED')];
  expect(exitHandlerOutcome(handler, tasks, [])).toEqual({ state: 'SUCCEEDED' });
});

it('names the failed task once when its error already does', () => {
  const tasks = [task('for-loop-2-iteration-0/train-fold', 'FAILED', 'task "for-loop-2-iteration-0/train-fold" failed: exit code 1: boom\nlast log lines')];
  expect(exitHandlerOutcome(handler, tasks, []).error).toBe('task "for-loop-2-iteration-0/train-fold" failed: exit code 1: boom');
});

it("counts a nested pipeline's tasks, and those of its iterations, by their IR names", () => {
  const nested: ExitHandlerRecord = { name: 'exit-handler-1', exitTask: 'notify', state: 'RUNNING', tasks: ['guarded/train', 'guarded/check'] };
  expect(exitHandlerOutcome(nested, [task('guarded/train', 'SUCCEEDED'), task('other/train', 'FAILED')], [])).toEqual({ state: 'SUCCEEDED' });
  expect(exitHandlerOutcome(nested, [task('for-loop-1-iteration-3/guarded/check', 'FAILED', 'exit code 2')], [])).toEqual({
    state: 'FAILED',
    error: 'task "for-loop-1-iteration-3/guarded/check" failed: exit code 2',
  });
  const loopInside: ExitHandlerRecord = { ...nested, tasks: ['guarded/train'] };
  expect(exitHandlerOutcome(loopInside, [task('guarded/for-loop-2-iteration-0/train', 'CANCELLED')], [])).toEqual({ state: 'CANCELLED', error: 'task "guarded/for-loop-2-iteration-0/train" was cancelled' });
});
