/**
 * run.json: the run as it stands - its state, parameters and every task's
 * state, timings, attempts, cache use and outputs. It is rewritten after
 * every state change (in runs of over 200 tasks, at most once per 1 ms per task:
 * RunRecordWriter) and at the end, each time to a temporary file renamed
 * over the old one, so a reader (or a crash) never sees half of it.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactLocation } from './placeholder-resolver';
import type { ExitHandlerRecord } from './exit-handler-status';
import type { NestedPipelineRecord } from './run-nested-pipelines';
import type { TaskRunEnvironment } from './task-run-environment';

export type TaskState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'CACHED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';
export type RunState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface TaskOutputs {
  parameters: Record<string, unknown>;
  artifacts: Record<string, ArtifactLocation>;
}

export interface TaskRecord {
  /** The IR task name (its DAG's tasks key: root.dag's, or a condition group's). */
  name: string;
  componentName: string;
  state: TaskState;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Processes started for it (0 when cached or skipped). */
  attempts: number;
  cached: boolean;
  /** Exit code of the last attempt's process. */
  exitCode?: number;
  outputs: TaskOutputs;
  /** Absolute path of the last attempt's log (stdout and stderr). */
  logFile: string;
  /** Why it failed, was skipped or cancelled. */
  error?: string;
  warnings: string[];
  /** The cache key, when caching is on for it. */
  cacheKey?: string;
  /** The command line its process ran, placeholders resolved, secrets masked (task-run-environment.ts); absent when none ran. */
  command?: string[];
  /** The variables it ran with, its settings environment and resolved settings, masked. */
  environment?: TaskRunEnvironment;
}

export type ConditionState = 'PENDING' | 'TRUE' | 'FALSE' | 'SKIPPED' | 'FAILED';

/**
 * A condition group of the IR (condition-N, condition-branches-N): TRUE once
 * its tasks may run (a group without a condition is TRUE once what it waits
 * for succeeded), FALSE when its condition is false (its tasks are SKIPPED
 * and the run goes on), SKIPPED when what it waits for did not succeed,
 * FAILED when its condition could not be evaluated.
 */
export interface ConditionRecord {
  name: string;
  /** The group it sits in. */
  parent?: string;
  /** triggerPolicy.condition, as the IR has it. */
  condition?: string;
  state: ConditionState;
  /** The values of the pipeline channels the condition read. */
  inputs?: Record<string, unknown>;
  /** Why it is FALSE, SKIPPED or FAILED. */
  error?: string;
  /** Its tasks, inner groups' included. */
  tasks: string[];
}

export type LoopState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';

/**
 * A loop group of the IR (for-loop-N, dsl.ParallelFor) and its iterations:
 * each iteration's tasks are in `tasks` as <loop>-iteration-<i>/<task>, and
 * their files in that folder of the run. FAILED when an iteration failed (the
 * others still ran), SKIPPED when what it waits for did not succeed.
 */
export interface LoopRecord {
  name: string;
  /** The condition group it sits in. */
  parent?: string;
  state: LoopState;
  /** iteratorPolicy.parallelismLimit, when it has one. */
  parallelism?: number;
  iterations: { index: number; item: unknown; state: LoopState; tasks: string[] }[];
  /** The lists it hands on (dsl.Collected), once it succeeded. */
  outputs?: Record<string, unknown[]>;
  /** Why it FAILED, was SKIPPED or CANCELLED. */
  error?: string;
}

/** The process running a run (run-owner.ts): a reader tells a live run from an abandoned one by it. */
export interface RunOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux), so a reused pid is not taken for the owner. */
  startTicks?: string;
  bootId?: string;
}

export interface RunRecordData {
  pipelineName: string;
  runId: string;
  state: RunState;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** The published version it ran (the local backend's content-hash name), where it was given one. */
  version?: string;
  /** Root parameter values the run used (defaults and overrides). */
  parameters: Record<string, unknown>;
  tasks: TaskRecord[];
  /** The IR's condition groups, outer before inner; absent when it has none. */
  conditions?: ConditionRecord[];
  /** The IR's loop groups and each of their iterations; absent when it has none. */
  loops?: LoopRecord[];
  /** The IR's exit handler groups (exit-handler-N) and how each ended; absent when it has none. */
  exitHandlers?: ExitHandlerRecord[];
  /** The tasks that run a pipeline (nested pipelines, run-nested-pipelines.ts) and how each ended; absent when it has none. */
  nestedPipelines?: NestedPipelineRecord[];
  /**
   * The pipeline's outputs (pipeline.yaml's outputs:, root.dag.outputs), once the run has
   * ended: each the value or artifact of the task output it names, where that task succeeded.
   */
  outputs?: TaskOutputs;
  /** The first failure in one message: task, exit code, last log lines. */
  error?: string;
  /** Who runs it, while it is RUNNING. */
  owner?: RunOwner;
}

export const RUN_RECORD_FILE = 'run.json';
/** The IR the run executed, copied into its folder as it started. */
export const RUN_IR_FILE = 'pipeline.yaml';

let writes = 0;

/** Temp file in the same folder, then rename (atomic on one file system). */
export function writeRunRecord(runDir: string, record: RunRecordData): void {
  const target = join(runDir, RUN_RECORD_FILE);
  const temporary = join(runDir, `.${RUN_RECORD_FILE}.${process.pid}.${++writes}.tmp`);
  const text = JSON.stringify(record, null, 2) + '\n';
  try {
    try {
      writeFileSync(temporary, text);
    } catch (error) {
      // the run folder is made once: a write at every state change need not ask for it each time
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(runDir, { recursive: true });
      writeFileSync(temporary, text);
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Records of up to this many tasks and conditions are written at every state change. */
export const RECORD_WRITTEN_AT_EVERY_CHANGE_UP_TO = 200;
/** Above that, a write at most every this many ms per task: a 1,000-task run.json at most once a second. */
const THROTTLE_MS_PER_ENTRY = 1;

export interface RunRecordWriterClock {
  now: () => number;
  /** Runs `callback` after `ms`, without keeping the process alive for it. */
  later: (callback: () => void, ms: number) => { cancel: () => void };
}

const realClock: RunRecordWriterClock = {
  now: () => Date.now(),
  later: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * Keeps run.json up to date without rewriting the whole record at every
 * change of a large run: each write is the whole record, so N tasks changing
 * state 2 to 3 times each would write O(N²) bytes (1,000 tasks: about 1 GB
 * of JSON). A small run's record is written at every change, as a reader
 * may expect; a large one's at most every `entries` ms (the changes in
 * between wait for that write), so writing costs the same share of the
 * run's time whatever its size. flush() writes at once (the run's end).
 */
export class RunRecordWriter {
  private lastWrite = Number.NEGATIVE_INFINITY;
  private pending?: { cancel: () => void };

  constructor(
    private readonly runDir: string,
    private readonly record: RunRecordData,
    private readonly clock: RunRecordWriterClock = realClock,
    private readonly write: (runDir: string, record: RunRecordData) => void = writeRunRecord,
  ) {}

  save(): void {
    const entries = this.record.tasks.length + (this.record.conditions?.length ?? 0);
    if (entries <= RECORD_WRITTEN_AT_EVERY_CHANGE_UP_TO) return this.flush();
    const wait = this.lastWrite + entries * THROTTLE_MS_PER_ENTRY - this.clock.now();
    if (wait <= 0) return this.flush();
    this.pending ??= this.clock.later(() => {
      this.pending = undefined;
      this.flush();
    }, wait);
  }

  flush(): void {
    this.pending?.cancel();
    this.pending = undefined;
    this.write(this.runDir, this.record);
    this.lastWrite = this.clock.now();
  }
}
