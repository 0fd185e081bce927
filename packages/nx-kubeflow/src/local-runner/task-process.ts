/**
 * Runs one attempt of a task as a child process: its stdout and stderr go
 * straight into the task's log file (the component's JSON lines stay as they
 * are), and it gets a process group of its own so that stopping it stops
 * whatever it started too: SIGTERM to the group, SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TaskWatchdog } from './task-watchdog';
import { setLongTimeout, type LongTimeout } from './long-timeout';

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
  /** Stopped as on an abort (SIGTERM, grace, SIGKILL) once it has run this long. */
  timeoutMs?: number;
  /** Told each process group, so that it ends with the runner whatever ends the runner. */
  watchdog?: TaskWatchdog;
}

export interface TaskProcessResult {
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** Stopped because the caller's signal was aborted. */
  cancelled: boolean;
  /** Stopped because it ran longer than timeoutMs. */
  timedOut?: boolean;
  /** It never started (command not found, cwd missing...). */
  spawnError?: string;
}

export function runTaskProcess(options: TaskProcessOptions): Promise<TaskProcessResult> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'w');
  return new Promise((resolve) => {
    let cancelled = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: LongTimeout | undefined;
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', log, log],
      // its own process group: killing -pid reaches its children too
      detached: process.platform !== 'win32',
    });
    closeSync(log); // the child holds its own copy
    // Told at once, not on 'spawn' (a later tick): a runner killed in between would leave this group unknown to it.
    if (child.pid !== undefined) options.watchdog?.started(child.pid);

    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const terminate = () => {
      if (killTimer) return;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs);
    };
    const stop = () => {
      cancelled = true;
      terminate();
    };
    let finished = false;
    const finish = (result: TaskProcessResult) => {
      if (finished) return;
      finished = true;
      timeoutTimer?.clear();
      options.signal?.removeEventListener('abort', stop);
      resolve(timedOut ? { ...result, timedOut } : result);
    };

    child.once('spawn', () => {
      if (child.pid !== undefined) options.onStart?.(child.pid);
      if (options.signal?.aborted) stop();
      if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
        timeoutTimer = setLongTimeout(() => {
          timedOut = true;
          terminate();
        }, options.timeoutMs);
      }
    });
    child.once('error', (error) => finish({ exitCode: null, signal: null, cancelled, spawnError: error.message }));
    child.once('exit', (exitCode, signal) => {
      // As when a container's main process ends: nothing it started outlives the task.
      if (killTimer) clearTimeout(killTimer);
      signalGroup('SIGKILL');
      if (child.pid !== undefined) options.watchdog?.ended(child.pid);
      finish({ exitCode, signal, cancelled });
    });
    options.signal?.addEventListener('abort', stop, { once: true });
  });
}

/** What is quoted from a log at most: a task can print anything, and a quote lives in memory and in run.json. */
export const LOG_QUOTE_LIMITS = { lines: 20, lineChars: 500, bytes: 64 * 1024 };

/**
 * The last lines of a log file, for error messages: read from the end of the
 * file (at most LOG_QUOTE_LIMITS.bytes, whatever its size), at most `count`
 * lines, each cut to lineChars with a note of how much was cut.
 */
export function lastLines(file: string, count: number = LOG_QUOTE_LIMITS.lines, lineChars: number = LOG_QUOTE_LIMITS.lineChars): string[] {
  let text: string;
  let truncatedStart = false;
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, LOG_QUOTE_LIMITS.bytes);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
      truncatedStart = size > length;
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  // The first line read may be the end of a longer one: say so rather than pass it off as whole.
  if (truncatedStart && lines.length > 0) lines[0] = `…${lines[0]}`;
  return lines.slice(-Math.max(0, Math.min(count, LOG_QUOTE_LIMITS.lines * 10))).map((line) => capLine(line, lineChars));
}

/** A line cut to LOG_QUOTE_LIMITS.lineChars, saying how many characters were left out. */
export function capLine(line: string, limit: number = LOG_QUOTE_LIMITS.lineChars): string {
  return line.length <= limit ? line : `${line.slice(0, limit)}… (${line.length - limit} more characters)`;
}
