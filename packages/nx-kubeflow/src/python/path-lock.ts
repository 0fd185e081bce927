import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The holder touches its lock this often; a lock untouched for STALE_AFTER_MS
 * belongs to a process that died and is taken over. A heartbeat rather than a
 * fixed age, because an image build or a CUDA wheel install can take longer
 * than any age one would pick.
 */
const HEARTBEAT_MS = 15_000;
const STALE_AFTER_MS = 120_000;
const POLL_MS = 250;
const OWNER_FILE = 'owner';

/**
 * Runs `work` while holding an inter-process lock on a path (a venv, a
 * package built in place, a component's image build), so that two processes
 * (the test target and a local run, parallel Nx tasks, two deploys) never
 * work on it at the same time. The lock is an atomic mkdir under the OS temp
 * folder, keyed by the path, holding its owner's token: a holder that lost its
 * lock (taken over as stale) never removes the new holder's.
 */
export async function withPathLock<T>(path: string, work: () => Promise<T>, options: { heartbeatMs?: number; staleAfterMs?: number } = {}): Promise<T> {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const locks = join(tmpdir(), 'nx-kubeflow-locks');
  mkdirSync(locks, { recursive: true });
  const lock = join(locks, createHash('sha256').update(path).digest('hex').slice(0, 32));
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, OWNER_FILE), token);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock, staleAfterMs)) rmSync(lock, { recursive: true, force: true });
      else await sleep(POLL_MS);
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(lock, now, now);
    } catch {
      // gone: the next holder's problem is not ours to fix
    }
  }, heartbeatMs);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    if (ownerOf(lock) === token) rmSync(lock, { recursive: true, force: true });
  }
}

function ownerOf(lock: string): string | undefined {
  try {
    return readFileSync(join(lock, OWNER_FILE), 'utf8');
  } catch {
    return undefined;
  }
}

function isStale(lock: string, staleAfterMs: number): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > staleAfterMs;
  } catch {
    return false; // released meanwhile: try again
  }
}
