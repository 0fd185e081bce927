import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this was left by a process that died: taken over. */
const STALE_AFTER_MS = 20 * 60_000;
const POLL_MS = 250;

/**
 * Runs `work` while holding an inter-process lock on a path (a venv, a
 * package built in place), so that two processes (the test target and a
 * local run, or parallel Nx tasks) never create or install into it at the
 * same time. The lock is an atomic mkdir under the OS temp folder, keyed by
 * the path.
 */
export async function withPathLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const locks = join(tmpdir(), 'nx-kubeflow-locks');
  mkdirSync(locks, { recursive: true });
  const lock = join(locks, createHash('sha256').update(path).digest('hex').slice(0, 32));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false; // released meanwhile: try again
  }
}
