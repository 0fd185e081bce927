/**
 * run.json is the whole record, so writing it at every state change of a
 * large run writes O(N²) bytes (issue 15's scale goal). Counted, not timed:
 * a fake clock stands for time, and writes are counted.
 */
import { RECORD_WRITTEN_AT_EVERY_CHANGE_UP_TO, RunRecordWriter, type RunRecordWriterClock } from './run-record';
import type { RunRecordData, TaskRecord } from './run-record';

function recordOf(tasks: number): RunRecordData {
  const task = (i: number): TaskRecord => ({ name: `t${i}`, componentName: 'c', state: 'PENDING', attempts: 0, cached: false, outputs: { parameters: {}, artifacts: {} }, logFile: `t${i}/log.txt`, warnings: [] });
  return { pipelineName: 'p', runId: 'r', state: 'RUNNING', startedAt: '2026-11-30T00:00:00.000Z', parameters: {}, tasks: Array.from({ length: tasks }, (_, i) => task(i)) };
}

/** A clock moved by hand; timers fire when it passes them. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];
  const clock: RunRecordWriterClock = {
    now: () => now,
    later: (callback, ms) => {
      const timer = { at: now + ms, callback, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.splice(0).filter((t) => !t.cancelled)) {
      if (timer.at <= now) timer.callback();
      else timers.push(timer);
    }
  };
  return { clock, advance, pending: () => timers.filter((t) => !t.cancelled).length };
}

describe('RunRecordWriter', () => {
  it('writes a small run at every change', () => {
    const { clock } = fakeClock();
    const written: string[] = [];
    const record = recordOf(RECORD_WRITTEN_AT_EVERY_CHANGE_UP_TO);
    const writer = new RunRecordWriter('run', record, clock, (_dir, r) => written.push(r.tasks[0].state));
    for (const state of ['RUNNING', 'PENDING', 'RUNNING', 'SUCCEEDED'] as const) {
      record.tasks[0].state = state;
      writer.save();
    }
    expect(written).toEqual(['RUNNING', 'PENDING', 'RUNNING', 'SUCCEEDED']);
  });

  it('writes a 1,000-task run at most once a second: every task changing state twice, a write per second of the run', () => {
    const { clock, advance, pending } = fakeClock();
    const record = recordOf(1000);
    const written: string[][] = [];
    const writer = new RunRecordWriter('run', record, clock, (_dir, r) => written.push(r.tasks.map((t) => t.state)));
    writer.save(); // the run's start: written at once
    // 1,000 tasks run two at a time, 20 ms each (a 10-second run), 2 changes each
    for (let i = 0; i < 1000; i += 2) {
      for (const state of ['RUNNING', 'SUCCEEDED'] as const) {
        for (const t of [i, i + 1]) {
          record.tasks[t].state = state;
          writer.save();
        }
        advance(10);
      }
    }
    // 2,000 changes in 10 s of run: the first write and then at most one per second, not one per change
    expect(written.length).toBeGreaterThanOrEqual(10);
    expect(written.length).toBeLessThanOrEqual(12);
    // what was held back is written once the second is over, and flush writes at once
    expect(pending()).toBeLessThanOrEqual(1);
    writer.flush();
    expect(pending()).toBe(0);
    expect(written.at(-1)!.every((state) => state === 'SUCCEEDED')).toBe(true);
  });

  it('writes a held-back change when its wait is over, with no further change to prompt it', () => {
    const { clock, advance } = fakeClock();
    const record = recordOf(500);
    let writes = 0;
    const writer = new RunRecordWriter('run', record, clock, () => writes++);
    writer.save();
    record.tasks[0].state = 'RUNNING';
    writer.save();
    expect(writes).toBe(1);
    advance(499);
    expect(writes).toBe(1);
    advance(1);
    expect(writes).toBe(2);
  });
});
