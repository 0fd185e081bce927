/**
 * Tasks must not outlive their runner, however it ends: Nx ending the
 * executor's process after Ctrl-C, an uncaught error, or `kill -9`. Each
 * task runs in a process group of its own (so a terminal's Ctrl-C does not
 * reach it half-way), which also means nothing ends it when the runner dies.
 *
 * So every run has a watchdog: a small node process, started detached (its
 * own session, out of reach of the Ctrl-C that ends the runner), that ignores
 * SIGINT/SIGTERM (Nx's tree-kill sends SIGTERM to every descendant) and reads
 * a pipe from the runner. The runner writes `+<pgid>` when a task process
 * starts and `-<pgid>` when it has ended. When the pipe closes with groups
 * still listed - the runner is gone, by whatever means, since the kernel
 * closes a dead process's end of the pipe - it sends SIGTERM to each group,
 * waits the grace period, sends SIGKILL, and marks run.json CANCELLED if it
 * still says RUNNING. A closed pipe with no group left is a runner that ended
 * its run itself: the watchdog just exits.
 *
 * Why not PR_SET_PDEATHSIG: node cannot call prctl without a native addon or
 * a helper per task; the signal reaches only the direct child (not what a
 * shell or python started), and it is one signal with no grace period. The
 * closed pipe is certain on Linux whatever killed the runner, and the
 * watchdog ends whole process groups with the same grace as an interrupt.
 * Left open: a runner killed in the instant between starting a task and
 * writing its pgid; the next run finds the run record's dead owner
 * (run-owner.ts) even then.
 */
import { spawn, type ChildProcess } from 'node:child_process';

// Plain JavaScript for `node -e`: the plugin may run from TypeScript sources, so no module path is assumed.
const WATCHDOG_SCRIPT = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const [runFile, graceText] = process.argv.slice(1);
const grace = Number(graceText);
const groups = new Set();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
let pending = '';
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk.toString('utf8')).split('\n');
  pending = lines.pop();
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === '+') groups.add(pgid); else groups.delete(pgid);
  }
});
const signalAll = (signal) => { for (const pgid of groups) { try { process.kill(-pgid, signal); } catch {} } };
const alive = () => [...groups].filter((pgid) => { try { process.kill(-pgid, 0); return true; } catch { return false; } });
const markRecord = () => {
  let record;
  try { record = JSON.parse(fs.readFileSync(runFile, 'utf8')); } catch { return; }
  if (record.state !== 'RUNNING') return;
  const now = new Date();
  const message = 'the runner (pid ' + (record.owner && record.owner.pid) + ') ended without finishing the run; the watchdog stopped its tasks';
  record.state = 'CANCELLED';
  record.error = message;
  record.finishedAt = now.toISOString();
  record.durationMs = now.getTime() - Date.parse(record.startedAt);
  for (const task of record.tasks || []) {
    if (task.state === 'RUNNING') { task.state = 'CANCELLED'; task.error = message; }
    else if (task.state === 'PENDING') { task.state = 'SKIPPED'; task.error = 'the run was interrupted before it started'; }
  }
  const temporary = path.join(path.dirname(runFile), '.run.json.watchdog-' + process.pid + '.tmp');
  try { fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n'); fs.renameSync(temporary, runFile); } catch {}
};
const end = () => {
  if (groups.size === 0) process.exit(0);
  signalAll('SIGTERM');
  const started = Date.now();
  const poll = setInterval(() => {
    if (alive().length > 0 && Date.now() - started < grace) return;
    clearInterval(poll);
    signalAll('SIGKILL');
    markRecord();
    process.exit(0);
  }, 100);
};
process.stdin.on('end', end);
process.stdin.on('error', end);
`;

export class TaskWatchdog {
  private readonly child: ChildProcess;
  private closed = false;

  /** runFile: the run's run.json, marked CANCELLED by the watchdog if the runner dies with it RUNNING. */
  constructor(runFile: string, killGraceMs: number) {
    this.child = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, runFile, String(killGraceMs)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    // The runner must not wait for it, nor die of a write to it once it is gone.
    this.child.unref();
    this.child.stdin?.on('error', () => undefined);
    (this.child.stdin as unknown as { unref?: () => void })?.unref?.();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  started(pgid: number): void {
    if (!this.closed) this.child.stdin?.write(`+${pgid}\n`);
  }

  ended(pgid: number): void {
    if (!this.closed) this.child.stdin?.write(`-${pgid}\n`);
  }

  /** The run ended by itself: every group was reported ended, so the watchdog exits quietly. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child.stdin?.end();
  }
}
