/**
 * Runs one attempt of a task as a child process: its stdout and stderr go
 * straight into the task's log file (the component's JSON lines stay as they
 * are), and it gets a process group of its own so that stopping it stops
 * whatever it started too: SIGTERM to the group, SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface TaskProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL when stopped. */
  killGraceMs: number;
  /** Told the pid once the process runs. */
  onStart?: (pid: number) => void;
}

export interface TaskProcessResult {
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** Stopped because the caller's signal was aborted. */
  cancelled: boolean;
  /** It never started (command not found, cwd missing...). */
  spawnError?: string;
}

export function runTaskProcess(options: TaskProcessOptions): Promise<TaskProcessResult> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'w');
  return new Promise((resolve) => {
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', log, log],
      // its own process group: killing -pid reaches its children too
      detached: process.platform !== 'win32',
    });
    closeSync(log); // the child holds its own copy

    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      cancelled = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs);
    };
    let finished = false;
    const finish = (result: TaskProcessResult) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', stop);
      resolve(result);
    };

    child.once('spawn', () => {
      if (child.pid !== undefined) options.onStart?.(child.pid);
      if (options.signal?.aborted) stop();
    });
    child.once('error', (error) => finish({ exitCode: null, signal: null, cancelled, spawnError: error.message }));
    child.once('exit', (exitCode, signal) => {
      // As when a container's main process ends: nothing it started outlives the task.
      if (killTimer) clearTimeout(killTimer);
      signalGroup('SIGKILL');
      finish({ exitCode, signal, cancelled });
    });
    options.signal?.addEventListener('abort', stop, { once: true });
  });
}

/** The last lines of a log file, for error messages. */
export function lastLines(file: string, count = 20): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}
