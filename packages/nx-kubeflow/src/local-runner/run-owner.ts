/**
 * Which process owns a RUNNING run, and whether it still lives. run.json
 * carries its owner: the pid, the process's start time in clock ticks since
 * boot (field 22 of /proc/<pid>/stat) and the boot id. A pid alone is not
 * enough: after the runner died, the same pid can be given to any other
 * process, and a reader would take the run for alive for good. The start time
 * tells the two apart; the boot id covers a reboot. Where /proc is missing
 * (not Linux) only the pid is checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_RECORD_FILE, writeRunRecord, type RunRecordData, type RunOwner } from './run-record';

export function currentOwner(): RunOwner {
  return { pid: process.pid, ...procIdentity(process.pid) };
}

function procIdentity(pid: number): { startTicks?: string; bootId?: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { startTicks: fields[19], bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
  } catch {
    return {};
  }
}

export function ownerIsAlive(owner: RunOwner): boolean {
  if (owner.startTicks !== undefined) {
    const now = procIdentity(owner.pid);
    // /proc readable for this machine's processes: the same pid, started at the same tick, since the same boot
    if (existsSync('/proc/self/stat')) return now.startTicks === owner.startTicks && now.bootId === owner.bootId;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * run.json of a run folder, as it stands; a RUNNING run whose owner is gone
 * is marked CANCELLED (and written back) first, so that no reader takes a
 * dead run for a live one.
 */
export function readRunRecord(runDir: string): RunRecordData {
  const record = JSON.parse(readFileSync(join(runDir, RUN_RECORD_FILE), 'utf8')) as RunRecordData;
  if (record.state !== 'RUNNING' || !record.owner || ownerIsAlive(record.owner)) return record;
  const message = `the runner (pid ${record.owner.pid}) ended without finishing the run`;
  record.state = 'CANCELLED';
  record.error = message;
  record.finishedAt ??= new Date().toISOString();
  for (const task of record.tasks) {
    if (task.state === 'RUNNING') {
      task.state = 'CANCELLED';
      task.error = message;
    } else if (task.state === 'PENDING') {
      task.state = 'SKIPPED';
      task.error = 'the run was interrupted before it started';
    }
  }
  writeRunRecord(runDir, record);
  return record;
}

/** Marks every abandoned run under a pipeline's runs folder; returns their folders. */
export function markAbandonedRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  const marked: string[] = [];
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const runDir = join(runsDir, entry.name);
    try {
      const before = JSON.parse(readFileSync(join(runDir, RUN_RECORD_FILE), 'utf8')) as RunRecordData;
      if (before.state === 'RUNNING' && readRunRecord(runDir).state !== 'RUNNING') marked.push(runDir);
    } catch {
      // no or unreadable run.json: not a run this reader can say anything about
    }
  }
  return marked;
}
