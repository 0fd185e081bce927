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
import type { PythonForkServers } from './python-fork-server';
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
  /** Given where `command` is a venv's interpreter: the task may start as a fork of a warm one (python-fork-server.ts). */
  forkServers?: PythonForkServers;
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
  /** Its own exit status is unknown (the fork server it came from ended under it, and it was killed): why. */
  lost?: string;
}

export async function runTaskProcess(options: TaskProcessOptions): Promise<TaskProcessResult> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  if (options.forkServers) {
    closeSync(openSync(options.logFile, 'w')); // the forked child appends to it, as a spawned one writes from its start
    const forked = await options.forkServers.start({ python: options.command, args: options.args, cwd: options.cwd, env: options.env, logFile: options.logFile });
    if (forked && 'spawnError' in forked) return { exitCode: null, signal: null, cancelled: options.signal?.aborted === true, spawnError: forked.spawnError };
    if (forked) {
      options.watchdog?.started(forked.pid);
      return supervise(options, forked.pid, forked.exited, (signal) => process.kill(-forked.pid, signal));
    }
  }
  const log = openSync(options.logFile, 'w');
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
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })));
  return new Promise((resolve) => {
    child.once('error', (error) => {
      if (child.pid === undefined) resolve({ exitCode: null, signal: null, cancelled: options.signal?.aborted === true, spawnError: error.message });
    });
    child.once('spawn', () => {
      const pid = child.pid!;
      resolve(supervise(options, pid, exited, (signal) => (process.platform === 'win32' ? child.kill(signal) : process.kill(-pid, signal))));
    });
  });
}

/**
 * A started task process to its end: stopped (SIGTERM to its group, SIGKILL after
 * the grace period) on an abort or at its timeout, and its group killed once it
 * has ended, as when a container's main process ends.
 */
function supervise(
  options: TaskProcessOptions,
  pid: number,
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; lost?: string }>,
  signalGroup: (signal: NodeJS.Signals) => void,
): Promise<TaskProcessResult> {
  let cancelled = false;
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: LongTimeout | undefined;
  const sendToGroup = (signal: NodeJS.Signals) => {
    try {
      signalGroup(signal);
    } catch {
      // already gone
    }
  };
  const terminate = () => {
    if (killTimer) return;
    sendToGroup('SIGTERM');
    killTimer = setTimeout(() => sendToGroup('SIGKILL'), options.killGraceMs);
  };
  const stop = () => {
    cancelled = true;
    terminate();
  };
  options.onStart?.(pid);
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
    timeoutTimer = setLongTimeout(() => {
      timedOut = true;
      terminate();
    }, options.timeoutMs);
  }
  return exited.then(({ exitCode, signal, lost }) => {
    // As when a container's main process ends: nothing it started outlives the task.
    if (killTimer) clearTimeout(killTimer);
    sendToGroup('SIGKILL');
    options.watchdog?.ended(pid);
    timeoutTimer?.clear();
    options.signal?.removeEventListener('abort', stop);
    const result: TaskProcessResult = { exitCode, signal, cancelled };
    if (lost) result.lost = lost;
    return timedOut ? { ...result, timedOut } : result;
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
