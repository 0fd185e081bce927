import { newRunId } from '../local/local-backend';
import {
  versionNameFor,
  type FollowRunOptions,
  type PipelineBackend,
  type PublishRequest,
  type PublishResult,
  type RunHandle,
  type RunOutcome,
  type ScheduleRequest,
  type ScheduleResult,
  type StartRunRequest,
  type TaskState,
} from '../pipeline-backend';
import { KfpApi } from './kfp-api';
import type { KfpExperiment, KfpPipelineVersion, KfpRecurringRun, KfpRun, KfpTrigger } from './kfp-api-types';
import { describeAuth, type KfpConnection } from './kfp-connection';
import { KfpHttpClient } from './kfp-http-client';
import { irOfVersion, irTaskNames, irTaskNamesOfYaml } from './kfp-ir-tasks';
import { createOnce, realSleep, type RetryPolicy } from './kfp-retry';
import { finalRunState, pipelineTasks, runError, taskStateOf, taskSummary } from './kfp-run-state';
import { sameTrigger, scheduleProblems, triggerFor } from './kfp-schedule';

export interface KfpRestBackendOptions {
  connection: KfpConnection;
  /** Progress: what was found, created, uploaded; never a credential. */
  log?: (line: string) => void;
  /** Only look (GET): every write is logged as "would ..." and not sent. */
  dryRun?: boolean;
  /** Between two looks at a followed run; default 5 s. */
  pollIntervalMs?: number;
  /** The first wait before a retry, doubling after; default 1 s. */
  retryBaseDelayMs?: number;
  /** Replaceable so tests never wait. */
  sleep?: (ms: number) => Promise<void>;
  /** A run's display name, unique per call: it is how a retried create finds the run it may have made. */
  runDisplayName?: (pipelineName: string) => string;
  /** For tests: the token file reader. */
  readFile?: (path: string) => string;
}

/** What a dry run returns for ids it could not know. */
export const DRY_RUN_ID = '(dry run)';

/**
 * The KFP REST backend (API v2beta1): pipelines found by name in the
 * namespace, versions named by the IR's content hash (an unchanged pipeline
 * publishes nothing), experiments by display name, runs and one recurring
 * run per pipeline and environment. Writes are never repeated blindly:
 * after a failed create the backend looks for what it may have made first,
 * and a run or recurring run whose create got no answer is never sent again
 * (see createOnce).
 */
export class KfpRestBackend implements PipelineBackend {
  readonly description: string;
  private readonly api: KfpApi;
  private readonly log: (line: string) => void;
  private readonly dryRun: boolean;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private checkedHost = false;
  /** The IR's task names by version id (published here) and by run id (started here): what followRun reports. */
  private readonly taskNamesByVersion = new Map<string, string[]>();
  private readonly taskNamesByRun = new Map<string, string[]>();

  constructor(private readonly options: KfpRestBackendOptions) {
    const { connection } = options;
    this.log = options.log ?? (() => undefined);
    this.dryRun = options.dryRun === true;
    this.sleep = options.sleep ?? realSleep;
    this.retry = {
      retries: connection.retries,
      baseDelayMs: options.retryBaseDelayMs ?? 1000,
      sleep: this.sleep,
      onRetry: (line) => this.log(line),
      lateWriteMs: connection.timeoutMs,
    };
    this.api = new KfpApi(new KfpHttpClient(connection, options.readFile), this.retry);
    this.description = `kfp ${connection.baseUrl}${connection.namespace ? ` (namespace ${connection.namespace})` : ''}${this.dryRun ? ', dry run' : ''}`;
  }

  private get connection(): KfpConnection {
    return this.options.connection;
  }

  /** Once per backend: a wrong kfp.host or missing credentials show here, before anything else. */
  private async checkHost(): Promise<void> {
    if (this.checkedHost) return;
    this.log(`KFP API ${this.connection.baseUrl}, ${describeAuth(this.connection)}`);
    await this.api.healthz();
    this.checkedHost = true;
  }

  private wouldWrite(what: string): void {
    this.log(`dry run: would ${what}`);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    await this.checkHost();
    const versionName = versionNameFor(request.contentHash);
    const name = request.pipelineName;
    const namespace = this.connection.namespace ? ` in namespace ${this.connection.namespace}` : '';
    const taskNames = irTaskNamesOfYaml(request.irYaml);

    let pipeline = await this.api.pipelineByName(name);
    if (pipeline) this.log(`Found pipeline ${name} (${pipeline.pipeline_id})${namespace}`);
    else if (this.dryRun) {
      this.wouldWrite(`create pipeline ${name}${namespace} with its first version ${versionName} (one upload)`);
      return { pipelineId: DRY_RUN_ID, versionId: DRY_RUN_ID, versionName, created: true, location: this.connection.baseUrl, dryRun: true };
    } else {
      // Pipeline and first version in one request: an IR the server refuses leaves no empty pipeline behind.
      pipeline = await createOnce(this.retry, `pipeline ${name} with version ${versionName}`, {
        create: () => this.api.uploadPipeline({ name, description: versionDescription(request, versionName), irYaml: request.irYaml }),
        find: () => this.api.pipelineByName(name),
        // A second pipeline of that name in the namespace is refused (409).
        nameUniqueOnServer: true,
      });
      const pipelineId = requiredId(pipeline.pipeline_id, 'pipeline_id', 'pipeline');
      const first = await this.existingVersion(pipelineId, name, versionName);
      if (first) {
        const versionId = requiredId(first.pipeline_version_id, 'pipeline_version_id', 'pipeline version');
        this.log(`Created pipeline ${name} (${pipelineId})${namespace} with version ${versionName} (${versionId})`);
        return this.published(pipelineId, versionId, versionName, true, taskNames);
      }
      // Made meanwhile by someone else (the upload answered 409), or an empty one an older deploy left: add the version below.
      this.log(`Found pipeline ${name} (${pipelineId})${namespace}`);
    }
    const pipelineId = requiredId(pipeline.pipeline_id, 'pipeline_id', 'pipeline');

    const existing = await this.existingVersion(pipelineId, name, versionName);
    if (existing) {
      this.log(`Found version ${versionName} of ${name}: unchanged, nothing uploaded`);
      return this.published(pipelineId, requiredId(existing.pipeline_version_id, 'pipeline_version_id', 'pipeline version'), versionName, false, taskNames);
    }
    if (this.dryRun) {
      this.wouldWrite(`upload version ${versionName} of ${name}`);
      return { ...this.published(pipelineId, DRY_RUN_ID, versionName, true), dryRun: true };
    }
    const version = await createOnce(this.retry, `version ${versionName} of ${name}`, {
      create: () =>
        this.api.uploadVersion({
          pipelineId,
          name: versionName,
          description: versionDescription(request, versionName),
          tags: kfpTags(request.tags),
          irYaml: request.irYaml,
        }),
      find: () => this.api.versionByName(pipelineId, versionName),
      // A second version of that name in the pipeline is refused (409).
      nameUniqueOnServer: true,
    });
    const versionId = requiredId(version.pipeline_version_id, 'pipeline_version_id', 'pipeline version');
    this.log(`Uploaded version ${versionName} of ${name} (${versionId})`);
    return this.published(pipelineId, versionId, versionName, true, taskNames);
  }

  /**
   * This IR's version of the pipeline: the one named by its content hash,
   * or the first version, which the server names after the pipeline and
   * which says the content hash in its description.
   */
  private async existingVersion(pipelineId: string, pipelineName: string, versionName: string): Promise<KfpPipelineVersion | undefined> {
    return (
      (await this.api.versionByName(pipelineId, versionName)) ??
      (await this.api.versionByName(pipelineId, pipelineName, (version) => (version.description ?? '').includes(contentMarker(versionName))))
    );
  }

  private published(pipelineId: string, versionId: string, versionName: string, created: boolean, taskNames?: string[]): PublishResult {
    if (taskNames) this.taskNamesByVersion.set(versionId, taskNames);
    return { pipelineId, versionId, versionName, created, location: `${this.connection.baseUrl}/#/pipelines/details/${pipelineId}/version/${versionId}` };
  }

  /** The experiment by display name, created when absent; undefined only in a dry run that would create it. */
  private async experiment(displayName: string): Promise<KfpExperiment | undefined> {
    const found = await this.api.experimentByName(displayName);
    if (found) return found;
    if (this.dryRun) {
      this.wouldWrite(`create experiment ${displayName}`);
      return undefined;
    }
    const created = await createOnce(this.retry, `experiment ${displayName}`, {
      create: () => this.api.createExperiment(displayName),
      find: () => this.api.experimentByName(displayName),
      // A second experiment of that display name in the namespace is refused (409).
      nameUniqueOnServer: true,
    });
    this.log(`Created experiment ${displayName} (${created.experiment_id})`);
    return created;
  }

  async startRun(request: StartRunRequest): Promise<RunHandle> {
    await this.checkHost();
    const experimentName = request.experiment || 'Default';
    const experiment = await this.experiment(experimentName);
    // Unique per call (time + random): the token by which a retried create finds the run it made.
    const displayName = request.runName ?? this.options.runDisplayName?.(request.pipelineName) ?? `${request.pipelineName} ${newRunId()}`;
    if (this.dryRun || !experiment) {
      this.wouldWrite(`start run "${displayName}" of ${request.pipelineName} version ${request.version.versionName} in experiment ${experimentName} with ${JSON.stringify(request.parameters)}`);
      return { runId: DRY_RUN_ID, location: this.connection.baseUrl };
    }
    const experimentId = requiredId(experiment.experiment_id, 'experiment_id', 'experiment');
    const run = await createOnce(this.retry, `run "${displayName}"`, {
      create: () =>
        this.api.createRun({
          display_name: displayName,
          experiment_id: experimentId,
          pipeline_version_reference: { pipeline_id: request.version.pipelineId, pipeline_version_id: request.version.versionId },
          runtime_config: { parameters: request.parameters },
        }),
      find: () => this.api.runByName(experimentId, displayName),
      // Runs of one name are allowed: a second create would run the pipeline twice.
      nameUniqueOnServer: false,
      where: `experiment "${experimentName}"`,
    });
    const runId = requiredId(run.run_id, 'run_id', 'run');
    const taskNames = this.taskNamesByVersion.get(request.version.versionId);
    if (taskNames) this.taskNamesByRun.set(runId, taskNames);
    this.log(`Started run "${displayName}" (${runId}) in experiment ${experimentName}`);
    return { runId, location: `${this.connection.baseUrl}/#/runs/details/${runId}` };
  }

  /**
   * Looks at the run every pollIntervalMs until it ends, reporting each task
   * whose state changed. Stopping (the signal) stops following only: the run
   * goes on on the server, and the outcome says RUNNING.
   */
  async followRun(handle: RunHandle, follow: FollowRunOptions = {}): Promise<RunOutcome> {
    if (handle.runId === DRY_RUN_ID) throw new Error('a dry run starts no run, so there is none to follow.');
    const seen = new Map<string, TaskState>();
    let taskNames = this.taskNamesByRun.get(handle.runId);
    for (;;) {
      const run = await this.api.getRun(handle.runId);
      taskNames ??= await this.taskNamesOfRun(run);
      const tasks = pipelineTasks(run, taskNames);
      for (const task of tasks) {
        const key = task.task_id ?? task.display_name ?? '?';
        const state = taskStateOf(task.state);
        if (seen.get(key) === state) continue;
        seen.set(key, state);
        follow.onTaskStateChange?.({ task: task.display_name ?? key, state, ...(task.error?.message ? { message: task.error.message } : {}) });
      }
      const summaries = tasks.map(taskSummary);
      const state = finalRunState(run.state);
      if (state) {
        const error = state === 'SUCCEEDED' ? undefined : runError(run, summaries) ?? `the run ended ${run.state}`;
        return { runId: handle.runId, state, tasks: summaries, ...(error ? { error } : {}) };
      }
      if (follow.signal?.aborted) {
        return { runId: handle.runId, state: 'RUNNING', tasks: summaries, error: `stopped following; run ${handle.runId} goes on on the server (${handle.location})` };
      }
      await this.sleep(this.options.pollIntervalMs ?? 5000);
    }
  }

  /** For a run started elsewhere: the task names of its version's spec, read once; [] when it cannot be read. */
  private async taskNamesOfRun(run: KfpRun): Promise<string[]> {
    const reference = run.pipeline_version_reference;
    let names: string[] = [];
    if (run.pipeline_spec) names = irTaskNames(irOfVersion(run.pipeline_spec));
    else if (reference?.pipeline_id && reference.pipeline_version_id) {
      const version = await this.api.getVersion(reference.pipeline_id, reference.pipeline_version_id).catch(() => undefined);
      names = irTaskNames(irOfVersion(version?.pipeline_spec));
    }
    if (run.run_id) this.taskNamesByRun.set(run.run_id, names);
    return names;
  }

  /**
   * One recurring run per pipeline and environment, named "<pipeline> (<env>)".
   * v2beta1 cannot update a recurring run, so a changed version, schedule
   * or parameters makes a new one, and the old ones are deleted after it
   * exists (a moment with two, never a moment with none). A removed schedule
   * disables the recurring run and keeps it, with its history.
   */
  async applySchedule(request: ScheduleRequest): Promise<ScheduleResult> {
    const displayName = `${request.pipelineName} (${request.env})`;
    if (request.schedule) {
      const problems = scheduleProblems(request.schedule);
      if (problems.length) throw new Error(problems.join('\n'));
    }
    await this.checkHost();
    const existing = await this.api.recurringRunsNamed(displayName);
    const result = (action: ScheduleResult['action'], recurringRunId?: string): ScheduleResult => ({
      action,
      displayName,
      ...(recurringRunId ? { recurringRunId } : {}),
      ...(this.dryRun ? { dryRun: true } : {}),
    });

    if (!request.schedule) {
      const enabled = existing.filter(isEnabled);
      if (!enabled.length) {
        this.log(existing.length ? `Recurring run "${displayName}" is disabled already` : `No recurring run "${displayName}": nothing to disable`);
        return result('none', existing[0]?.recurring_run_id);
      }
      for (const recurringRun of enabled) {
        const id = recurringRunId(recurringRun);
        if (this.dryRun) this.wouldWrite(`disable recurring run "${displayName}" (${id})`);
        else {
          await this.api.setRecurringRunEnabled(id, false);
          this.log(`Disabled recurring run "${displayName}" (${id}): the schedule was removed from settings`);
        }
      }
      return result('disabled', recurringRunId(enabled[0]));
    }

    const trigger = triggerFor(request.schedule);
    const wanted = (candidate: KfpRecurringRun) =>
      candidate.pipeline_version_reference?.pipeline_version_id === request.version.versionId &&
      sameTrigger(candidate.trigger, trigger) &&
      canonical(candidate.runtime_config?.parameters ?? {}) === canonical(request.parameters);
    const keep = existing.find(wanted);
    if (keep) {
      const id = recurringRunId(keep);
      const enable = !isEnabled(keep);
      if (enable) {
        if (this.dryRun) this.wouldWrite(`enable recurring run "${displayName}" (${id})`);
        else await this.api.setRecurringRunEnabled(id, true);
      }
      await this.deleteOthers(existing, id, displayName);
      if (!enable) this.log(`Recurring run "${displayName}" (${id}) is up to date: ${describeTrigger(trigger)}, version ${request.version.versionName}`);
      else if (!this.dryRun) this.log(`Enabled recurring run "${displayName}" (${id})`);
      return result(enable ? 'enabled' : 'unchanged', id);
    }

    const action = existing.length ? 'replaced' : 'created';
    const experimentName = request.experiment || 'Default';
    const experiment = await this.experiment(experimentName);
    if (this.dryRun || !experiment) {
      this.wouldWrite(`create recurring run "${displayName}" of version ${request.version.versionName}, ${describeTrigger(trigger)}, in experiment ${experimentName}`);
      for (const old of existing) this.wouldWrite(`delete the previous recurring run "${displayName}" (${recurringRunId(old)})`);
      return result(action);
    }
    const created = await createOnce(this.retry, `recurring run "${displayName}"`, {
      create: () =>
        this.api.createRecurringRun({
          display_name: displayName,
          description: `Deployed by nx-kubeflow: ${request.pipelineName} in the ${request.env} environment, version ${request.version.versionName}.`,
          experiment_id: requiredId(experiment.experiment_id, 'experiment_id', 'experiment'),
          pipeline_version_reference: { pipeline_id: request.version.pipelineId, pipeline_version_id: request.version.versionId },
          runtime_config: { parameters: request.parameters },
          trigger,
          mode: 'ENABLE',
          max_concurrency: '1',
          // A deploy is not a request to backfill the runs a new schedule "missed".
          no_catchup: true,
        }),
      find: async () => (await this.api.recurringRunsNamed(displayName)).find(wanted),
      // Recurring runs of one name are allowed: a second create would schedule every run twice.
      nameUniqueOnServer: false,
      where: `experiment "${experimentName}"`,
    });
    const id = recurringRunId(created);
    this.log(`Created recurring run "${displayName}" (${id}): ${describeTrigger(trigger)}, version ${request.version.versionName}`);
    await this.deleteOthers(existing, id, displayName);
    return result(action, id);
  }

  private async deleteOthers(existing: KfpRecurringRun[], keepId: string, displayName: string): Promise<void> {
    for (const old of existing) {
      const id = recurringRunId(old);
      if (id === keepId) continue;
      if (this.dryRun) {
        this.wouldWrite(`delete the previous recurring run "${displayName}" (${id})`);
        continue;
      }
      try {
        await this.api.deleteRecurringRun(id);
      } catch (error) {
        throw new Error(
          `recurring run "${displayName}" (${keepId}) is in place, but the previous one (${id}) could not be deleted, so both may fire: ` +
            `${(error as Error).message} Deploying again deletes it, or delete it in the KFP UI.`,
        );
      }
      this.log(`Deleted the previous recurring run "${displayName}" (${id})`);
    }
  }
}

function isEnabled(recurringRun: KfpRecurringRun): boolean {
  return recurringRun.status === 'ENABLED' || (recurringRun.status !== 'DISABLED' && recurringRun.mode === 'ENABLE');
}

function recurringRunId(recurringRun: KfpRecurringRun): string {
  return requiredId(recurringRun.recurring_run_id, 'recurring_run_id', 'recurring run');
}

function requiredId(id: string | undefined, field: string, what: string): string {
  if (!id) throw new Error(`the KFP API answered a ${what} without ${field}: is kfp.host a KFP v2 API server?`);
  return id;
}

function describeTrigger(trigger: KfpTrigger): string {
  return trigger.cron_schedule ? `cron "${trigger.cron_schedule.cron}"` : `every ${trigger.periodic_schedule?.interval_second} s`;
}

/** Parameters compared by value, whatever order the server keeps keys in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How a version's description says which IR it holds: the first version cannot be named by it (the server names it after the pipeline). */
function contentMarker(versionName: string): string {
  return `content ${versionName}`;
}

/**
 * The description a version gets: the caller's, the content hash (by which
 * the first version is recognised), and the tags, which older servers do not
 * keep and which /pipelines/upload puts on the pipeline, not its version.
 */
function versionDescription(request: PublishRequest, versionName: string): string {
  const tags = Object.entries(request.tags ?? {}).map(([key, value]) => `${key} ${value}`);
  return [request.description, `(${[contentMarker(versionName), ...tags].join(', ')})`].filter(Boolean).join(' ');
}

/** KFP limits tag keys and values to 63 characters: longer ones stay in the description only. */
function kfpTags(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  const kept = Object.entries(tags ?? {}).filter(([key, value]) => key.length <= 63 && value.length <= 63);
  return kept.length ? Object.fromEntries(kept) : undefined;
}
