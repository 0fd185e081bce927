import { mkdirSync, utimesSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPathLock } from './path-lock';

const lockDirOf = (path: string) => join(tmpdir(), 'nx-kubeflow-locks', createHash('sha256').update(path).digest('hex').slice(0, 32));

describe('withPathLock', () => {
  it('runs one holder at a time', async () => {
    const path = `/spec/one-at-a-time/${Math.random()}`;
    const events: string[] = [];
    const hold = (name: string) =>
      withPathLock(path, async () => {
        events.push(`${name} in`);
        await sleep(100);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual([events[0], events[0].replace('in', 'out'), events[2], events[2].replace('in', 'out')]);
  });

  it('keeps a long-held lock fresh, so a waiter does not take it over as stale', async () => {
    const path = `/spec/heartbeat/${Math.random()}`;
    const order: string[] = [];
    const long = withPathLock(path, async () => {
      await sleep(400);
      order.push('long done');
    }, { heartbeatMs: 20, staleAfterMs: 150 });
    await sleep(30);
    await withPathLock(path, async () => order.push('waiter ran'), { heartbeatMs: 20, staleAfterMs: 150 });
    await long;
    expect(order).toEqual(['long done', 'waiter ran']);
  });

  it('takes over a lock whose holder died (untouched for longer than staleAfterMs)', async () => {
    const path = `/spec/stale/${Math.random()}`;
    const lock = lockDirOf(path);
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 10_000);
    utimesSync(lock, old, old);
    let ran = false;
    await withPathLock(path, async () => {
      ran = true;
    }, { staleAfterMs: 1_000 });
    expect(ran).toBe(true);
  });
});
