/**
 * The runs the embedded backend left on this machine: dist/runs/<pipeline>/<run-id>/
 * with run.json (run-record.ts) and pipeline.yaml, the IR the run executed.
 * Read fresh on every call: a run in progress rewrites run.json after every
 * state change (atomically), and the view follows it by asking again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readIr, readIrFile, type IrPipeline } from '../local-runner/ir-reader';
import { RUN_IR_FILE, RUN_RECORD_FILE, type RunRecordData, type RunState } from '../local-runner/run-record';

/** Where the local backend puts its runs, workspace-relative (local-backend.ts). */
export const RUNS_DIR = 'dist/runs';
/** Where it keeps published versions, for runs from before the IR was copied into the run folder. */
export const LOCAL_VERSIONS_DIR = 'dist/kfp-local';

export interface RunSummary {
  pipelineName: string;
  runId: string;
  state: RunState | 'UNREADABLE';
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  parameters: Record<string, unknown>;
  version?: string;
  tasks: { total: number; byState: Record<string, number> };
  error?: string;
}

/** A pipeline or run folder name: one path segment of plain characters (no `..`, no separators), so it cannot leave the runs folder. */
export function isSafeName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..');
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isSafeName(entry.name))
    .map((entry) => entry.name);
}

/** A file's identity for a cache: it is read again once it was rewritten (run.json is replaced by rename on every change). */
function stamp(file: string): string {
  const stat = statSync(file);
  return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
}

export class RunStore {
  /** Parsed IRs and run summaries, by file, kept while the file is unchanged: the page asks every second. */
  private readonly irs = new Map<string, { stamp: string; ir: IrPipeline; contentHash: string }>();
  private readonly irsByHash = new Map<string, IrPipeline>();
  private readonly summaries = new Map<string, { stamp: string; summary: RunSummary }>();

  /** runsRoot: absolute, e.g. <workspace>/dist/runs. */
  constructor(
    readonly runsRoot: string,
    private readonly versionsRoot?: string,
  ) {}

  pipelines(): string[] {
    return subfolders(this.runsRoot).sort();
  }

  runDir(pipelineName: string, runId: string): string | undefined {
    if (!isSafeName(pipelineName) || !isSafeName(runId)) return undefined;
    const dir = join(this.runsRoot, pipelineName, runId);
    return existsSync(join(dir, RUN_RECORD_FILE)) ? dir : undefined;
  }

  /** run.json, or why it cannot be read (a run folder without one is not a run). */
  record(pipelineName: string, runId: string): RunRecordData | { unreadable: string } | undefined {
    const dir = this.runDir(pipelineName, runId);
    if (!dir) return undefined;
    const file = join(dir, RUN_RECORD_FILE);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as RunRecordData;
    } catch (error) {
      return { unreadable: `${file}: ${(error as Error).message}` };
    }
  }

  /** Every run of the pipelines asked for (all when none), newest first. */
  runs(pipelineNames: readonly string[] = this.pipelines()): RunSummary[] {
    const summaries: RunSummary[] = [];
    for (const pipelineName of pipelineNames) {
      if (!isSafeName(pipelineName)) continue;
      for (const runId of subfolders(join(this.runsRoot, pipelineName))) {
        const dir = this.runDir(pipelineName, runId);
        if (!dir) continue;
        const file = join(dir, RUN_RECORD_FILE);
        const current = stamp(file);
        const known = this.summaries.get(file);
        if (known?.stamp === current) {
          summaries.push(known.summary);
          continue;
        }
        const record = this.record(pipelineName, runId);
        if (!record) continue;
        const summary = summarize(pipelineName, runId, record);
        this.summaries.set(file, { stamp: current, summary });
        summaries.push(summary);
      }
    }
    return summaries.sort((a, b) => (b.startedAt ?? b.runId).localeCompare(a.startedAt ?? a.runId));
  }

  /**
   * The IR the run executed: its own copy (pipeline.yaml in the run folder),
   * else the published version run.json names. undefined when neither is there.
   */
  /** contentHash: of the IR's text, so runs of one version share what is worked out from it (the graph's layout). */
  ir(pipelineName: string, runId: string): { ir: IrPipeline; file: string; contentHash: string } | { unreadable: string } | undefined {
    const dir = this.runDir(pipelineName, runId);
    if (!dir) return undefined;
    const candidates = [join(dir, RUN_IR_FILE)];
    const record = this.record(pipelineName, runId);
    if (this.versionsRoot && record && 'runId' in record && record.version && isSafeName(record.version)) {
      candidates.push(join(this.versionsRoot, pipelineName, 'versions', record.version, 'pipeline.yaml'));
    }
    const file = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!file) return undefined;
    try {
      const current = stamp(file);
      const known = this.irs.get(file);
      if (known?.stamp === current) return { ir: known.ir, file, contentHash: known.contentHash };
      const contentHash = createHash('sha256').update(readFileSync(file)).digest('hex');
      // every run of a version holds the same text: parsed once
      const ir = this.irsByHash.get(contentHash) ?? readIr(readIrFile(file));
      this.irsByHash.set(contentHash, ir);
      this.irs.set(file, { stamp: current, ir, contentHash });
      return { ir, file, contentHash };
    } catch (error) {
      return { unreadable: (error as Error).message };
    }
  }
}

function summarize(pipelineName: string, runId: string, record: RunRecordData | { unreadable: string }): RunSummary {
  if ('unreadable' in record) return { pipelineName, runId, state: 'UNREADABLE', parameters: {}, tasks: { total: 0, byState: {} }, error: record.unreadable };
  const byState: Record<string, number> = {};
  for (const task of record.tasks ?? []) byState[task.state] = (byState[task.state] ?? 0) + 1;
  return {
    pipelineName,
    runId,
    state: record.state,
    startedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.durationMs !== undefined ? { durationMs: record.durationMs } : {}),
    parameters: record.parameters ?? {},
    ...(record.version ? { version: record.version } : {}),
    tasks: { total: record.tasks?.length ?? 0, byState },
    ...(record.error ? { error: record.error } : {}),
  };
}
