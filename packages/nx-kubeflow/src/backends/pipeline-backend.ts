/**
 * Where `deploy` publishes pipelines and starts runs. The local backend is the
 * first implementation; the KFP REST and GitOps backends plug into the same
 * interface. Every method reports what it did, so deploy can say it.
 */

export interface PublishRequest {
  pipelineName: string;
  description?: string;
  /** The compiled IR file's text, as written by compile. */
  irYaml: string;
  /** irYaml's documents as the compiler built them, when the caller has them: a backend that reads the IR takes these instead of parsing the text again. */
  irDocuments?: readonly object[];
  /** sha256 of irYaml: the version's name, so an unchanged pipeline publishes nothing. */
  contentHash: string;
  /** e.g. git sha and branch, where the backend keeps them. */
  tags?: Record<string, string>;
}

export interface PublishResult {
  pipelineId: string;
  versionId: string;
  versionName: string;
  /** False when a version of that name existed: nothing new was published. */
  created: boolean;
  /** Where it went, for the user (a folder, a URL). */
  location: string;
  /** True when the backend only looked (dry run): `created` then says what would have been published. */
  dryRun?: boolean;
}

export interface StartRunRequest {
  pipelineName: string;
  version: PublishResult;
  runName?: string;
  experiment?: string;
  /** Root parameter values; the rest take the IR's defaults. */
  parameters: Record<string, unknown>;
}

export interface RunHandle {
  runId: string;
  /** Where the run can be looked at (a folder, a UI URL). */
  location: string;
}

export type TaskState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'CACHED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';
export type RunState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface TaskSummary {
  name: string;
  state: TaskState;
  durationMs?: number;
  attempts: number;
  cached: boolean;
  error?: string;
}

export interface RunOutcome {
  runId: string;
  state: RunState;
  tasks: TaskSummary[];
  /** The failure in one message: task, exit code, last log lines. */
  error?: string;
  /** Where to see the run (embedded backend): its page on a serving run view, else a one-file report. */
  view?: { page: string } | { report: string };
}

export interface TaskStateChange {
  task: string;
  state: TaskState;
  attempt?: number;
  message?: string;
}

export interface FollowRunOptions {
  onTaskStateChange?: (change: TaskStateChange) => void;
  signal?: AbortSignal;
}

/** When a recurring run starts: `cron` has six fields, seconds first, as KFP reads it. */
export type Schedule = { cron: string; intervalSecond?: undefined } | { intervalSecond: number; cron?: undefined };

export interface ScheduleRequest {
  pipelineName: string;
  /** The settings environment: one recurring run per pipeline and environment. */
  env: string;
  version: PublishResult;
  experiment?: string;
  /** null: the schedule was removed from settings, so an existing recurring run is disabled. */
  schedule: Schedule | null;
  parameters: Record<string, unknown>;
}

export interface ScheduleResult {
  /** What happened, in one word, for deploy's summary line. */
  action: 'created' | 'replaced' | 'unchanged' | 'enabled' | 'disabled' | 'none';
  recurringRunId?: string;
  displayName: string;
  dryRun?: boolean;
}

export interface PipelineBackend {
  /** e.g. "local", "kfp https://kubeflow.example.com" */
  readonly description: string;
  publish(request: PublishRequest): Promise<PublishResult>;
  startRun(request: StartRunRequest): Promise<RunHandle>;
  /** Until the run ends; the outcome says how. */
  followRun(handle: RunHandle, options?: FollowRunOptions): Promise<RunOutcome>;
  /** Creates, updates or disables the pipeline's recurring run; backends without schedules leave it out. */
  applySchedule?(request: ScheduleRequest): Promise<ScheduleResult>;
}

/**
 * A version's name: the first 12 hex digits of the IR's sha256, short and
 * valid wherever a KFP or Kubernetes name is (the local store names its
 * versions the same way).
 */
export function versionNameFor(contentHash: string): string {
  return contentHash.slice(0, 12);
}
