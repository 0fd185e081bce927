/**
 * Venv-mode tasks started by forking a warm interpreter (python_fork_server.py
 * says what the child becomes and why). One server per venv interpreter and
 * run, started with the first task's start-up environment; a task whose
 * start-up environment differs, a script form the server does not take
 * (`-m`, `-c`, options), a platform without fork, or a server that cannot
 * start or says it is unsafe falls back to a plain start: never an error.
 *
 * `NX_KUBEFLOW_PYTHON_FORK_SERVER=0` turns it off (every task a fresh
 * interpreter, as before).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import type { Socket } from 'node:net';
import { join } from 'node:path';

export interface ForkedTaskRequest {
  /** The venv's interpreter, absolute. */
  python: string;
  /** The script and its arguments, as `python` would get them. */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The task's log file, created empty by the caller; the child appends stdout and stderr to it. */
  logFile: string;
}

export interface ForkedTaskExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the exit is not the child's own (the server ended under it). */
  lost?: string;
}

export type ForkedTask = { pid: number; exited: Promise<ForkedTaskExit> } | { spawnError: string };

/** Read once by the interpreter as it starts: a forked child keeps the server's, so they must be equal. */
const STARTUP_VARIABLE = /^(PYTHON|LC_|LD_|DYLD_)|^(LANG|LANGUAGE)$/;

export function startupEnvironment(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    Object.keys(env)
      .filter((name) => STARTUP_VARIABLE.test(name))
      .sort()
      .map((name) => [name, env[name]]),
  );
}

/** `python script.py ...`: the one form the server runs. */
export function isScriptInvocation(args: string[]): boolean {
  return args.length > 0 && !args[0].startsWith('-') && /\.py$/.test(args[0]);
}

export function forkServerEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform !== 'win32' && env.NX_KUBEFLOW_PYTHON_FORK_SERVER !== '0';
}

/** The server script: beside this module in the sources and in the built package. */
export const FORK_SERVER_SCRIPT = join(__dirname, 'python_fork_server.py');

/** Warm interpreters kept at once (each holds ~20-30 MB): a run of many components keeps the most recently used. */
export const MAX_FORK_SERVERS = 8;

export class PythonForkServers {
  /** By interpreter and start-up environment; a promise, so tasks starting together share one server. */
  private readonly servers = new Map<string, Promise<ForkServer | undefined>>();

  constructor(
    private readonly onNotice: (message: string) => void = () => undefined,
    private readonly maxServers: number = MAX_FORK_SERVERS,
  ) {}

  /** A forked task, or undefined where the caller should start it as a plain process. */
  async start(request: ForkedTaskRequest): Promise<ForkedTask | undefined> {
    if (!isScriptInvocation(request.args)) return undefined;
    const key = `${request.python}\n${startupEnvironment(request.env)}`;
    let server = this.servers.get(key);
    if (server) {
      // most recently used last: Map keeps insertion order
      this.servers.delete(key);
      this.servers.set(key, server);
    } else {
      if (this.servers.size >= this.maxServers && !(await this.evictIdle())) return undefined;
      server = this.startServer(request);
      this.servers.set(key, server);
    }
    const ready = await server;
    return ready ? ready.run(request) : undefined;
  }

  /**
   * Ends every server (each exits once its stdin closes; running children are not
   * theirs to stop) and waits for them: nothing of the run outlives it, and the
   * runner has reaped them (their tasks' CPU time is in its own accounts).
   */
  async close(): Promise<void> {
    const servers = await Promise.all(this.servers.values());
    this.servers.clear();
    await Promise.all(servers.map((server) => server?.close()));
  }

  private startServer(request: ForkedTaskRequest): Promise<ForkServer | undefined> {
    // said once per server when there is none: the tasks still run, each as a fresh interpreter, only slower
    if (!existsSync(FORK_SERVER_SCRIPT)) {
      this.onNotice(`tasks start as fresh interpreters: the fork server ${FORK_SERVER_SCRIPT} is missing from the plugin`);
      return Promise.resolve(undefined);
    }
    return ForkServer.start(request.python, request.env, (reason) => this.onNotice(`tasks of ${request.python} start as fresh interpreters: ${reason}`));
  }

  /** Closes the least recently used server that runs no task; false when every one is busy. */
  private async evictIdle(): Promise<boolean> {
    for (const [key, pending] of this.servers) {
      const server = await pending;
      if (server && server.busyTasks() > 0) continue;
      this.servers.delete(key);
      await server?.close();
      return true;
    }
    return false;
  }
}

interface PendingTask {
  started: (task: ForkedTask | undefined) => void;
  exited?: (exit: ForkedTaskExit) => void;
  pid?: number;
}

class ForkServer {
  private nextId = 1;
  private readonly pending = new Map<number, PendingTask>();
  private ended: string | undefined;
  private buffered = '';
  /** close() was called: its end is no news. */
  closing = false;

  private constructor(private readonly process: ChildProcessWithoutNullStreams, private readonly onNotice: (message: string) => void) {}

  static start(python: string, env: NodeJS.ProcessEnv, onNotice: (message: string) => void): Promise<ForkServer | undefined> {
    return new Promise((resolve) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        // Its own session: a terminal's Ctrl-C is the runner's to handle (it stops the tasks itself).
        child = spawn(python, [FORK_SERVER_SCRIPT], { env, stdio: 'pipe', detached: true });
      } catch {
        resolve(undefined);
        return;
      }
      const server = new ForkServer(child, onNotice);
      // a server gone under a write: its exit handler says so and settles its tasks
      child.stdin.on('error', () => undefined);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      let ready = false;
      child.once('error', (error) => {
        onNotice(`the fork server did not start: ${error.message}`);
        resolve(undefined);
      });
      child.once('exit', (code, signal) => {
        const reason = `the fork server ended (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
        if (!ready) onNotice(reason);
        else if (!server.closing) onNotice(`${reason}; from now on tasks start as fresh interpreters`);
        server.serverEnded(reason);
        resolve(undefined);
      });
      child.stdout.on('data', (chunk: Buffer) => {
        server.buffered += chunk.toString('utf8');
        const lines = server.buffered.split('\n');
        server.buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          let message: Record<string, unknown>;
          try {
            message = JSON.parse(line) as Record<string, unknown>;
          } catch {
            continue; // not the protocol's (replies have their own fd, so this should not happen)
          }
          if (message.ready) {
            ready = true;
            server.idle();
            resolve(server);
          } else server.reply(message);
        }
      });
    });
  }

  run(request: ForkedTaskRequest): Promise<ForkedTask | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { started: resolve });
      this.busy();
      this.process.stdin.write(`${JSON.stringify({ id, argv: [request.python, ...request.args], cwd: request.cwd, env: request.env, log: request.logFile })}\n`);
    });
  }

  busyTasks(): number {
    return this.pending.size;
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.process.exitCode !== null || this.process.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      // it exits at once when its stdin closes; one that does not within a second is killed
      const kill = setTimeout(() => this.process.kill('SIGKILL'), 1000);
      this.process.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.process.stdin.end();
    });
  }

  private reply(message: Record<string, unknown>): void {
    const task = this.pending.get(message.id as number);
    if (!task) return;
    if (typeof message.pid === 'number') {
      task.pid = message.pid;
      task.started({ pid: message.pid, exited: new Promise((resolve) => (task.exited = resolve)) });
    } else if (typeof message.error === 'string') {
      this.pending.delete(message.id as number);
      // a directory that is not there is the task's own failure to start, as spawn reports it; anything else is the server's
      if (message.error.startsWith('no such directory')) task.started({ spawnError: message.error });
      else {
        this.onNotice(`tasks of this venv start as fresh interpreters from now on: ${message.error}`);
        this.ended = message.error;
        task.started(undefined);
      }
    } else {
      this.pending.delete(message.id as number);
      const signal = typeof message.signal === 'number' ? signalName(message.signal) : null;
      task.exited?.({ exitCode: typeof message.exit === 'number' ? message.exit : null, signal });
    }
    if (this.pending.size === 0) this.idle();
  }

  /** The server died: tasks not yet started start as plain processes; running ones are stopped, their exit unknown. */
  private serverEnded(reason: string): void {
    this.ended = reason;
    for (const task of this.pending.values()) {
      if (task.pid === undefined) task.started(undefined);
      else {
        try {
          process.kill(-task.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        task.exited?.({ exitCode: null, signal: 'SIGKILL', lost: reason });
      }
    }
    this.pending.clear();
  }

  // While a task runs through it, the server's pipe keeps the runner alive; idle, it must not.
  private busy(): void {
    this.process.ref();
    for (const stream of [this.process.stdout, this.process.stderr]) (stream as unknown as Socket).ref();
  }

  private idle(): void {
    this.process.unref();
    for (const stream of [this.process.stdin, this.process.stdout, this.process.stderr]) (stream as unknown as Socket).unref();
  }
}

function signalName(signal: number): NodeJS.Signals | null {
  const signals = constants.signals as Record<string, number>;
  return (Object.keys(signals).find((name) => signals[name] === signal) as NodeJS.Signals | undefined) ?? null;
}
