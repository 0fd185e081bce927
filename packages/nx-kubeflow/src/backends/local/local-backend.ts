import { randomBytes } from 'node:crypto';
import { runPageUrl } from '../../ui/serving-views';
import { join, relative } from 'node:path';
import { runPipeline, type RunEvent, type TaskMode } from '../../local-runner/index';
import type {
  FollowRunOptions,
  PipelineBackend,
  PublishRequest,
  PublishResult,
  RunHandle,
  RunOutcome,
  StartRunRequest,
} from '../pipeline-backend';
import { LocalVersionStore } from './local-version-store';

export interface LocalBackendOptions {
  workspaceRoot: string;
  /** How to run each IR task (in its component's venv, or its command as it stands). */
  tasks: Record<string, TaskMode>;
  /** Tasks at once; default: the number of cores. */
  parallel?: number;
  /** Warnings and progress that are not task state changes (a venv being made, a secret not available here). */
  onMessage?: (message: string) => void;
  /** Only say whether a version would be published; write nothing, run nothing. */
  dryRun?: boolean;
  /** A task's time limit where its IR sets no set_timeout (deploy.task_timeout_seconds). */
  taskTimeoutSeconds?: number;
  /** Write a one-file HTML report of each run when no run view serves it (default true). */
  writeReports?: boolean;
}

interface PendingRun {
  request: StartRunRequest;
  runDir: string;
}

/**
 * The embedded backend (kfp.host = "local"): versions under dist/kfp-local,
 * runs executed from the published IR by the local runner, each in
 * dist/runs/<pipeline>/<run-id>/. A local run lives in this process, so it
 * is always followed to its end.
 */
export class LocalBackend implements PipelineBackend {
  readonly description = 'local (dist/kfp-local)';
  private readonly store: LocalVersionStore;
  private readonly runs = new Map<string, PendingRun>();
  /** The documents of each version published by this process, by pipeline and version name: a run reads them, not the file again. */
  private readonly publishedDocuments = new Map<string, readonly object[]>();

  constructor(private readonly options: LocalBackendOptions) {
    this.store = new LocalVersionStore(join(options.workspaceRoot, 'dist/kfp-local'));
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const result = this.options.dryRun ? this.store.wouldPublish(request) : await this.store.publish(request);
    if (request.irDocuments?.[0]) this.publishedDocuments.set(versionKey(request.pipelineName, result.versionName), request.irDocuments);
    return { ...result, location: relative(this.options.workspaceRoot, result.location) };
  }

  async startRun(request: StartRunRequest): Promise<RunHandle> {
    if (this.options.dryRun) return { runId: '(dry run)', location: join('dist/runs', request.pipelineName) };
    const runId = newRunId();
    const runDir = join('dist/runs', request.pipelineName, runId);
    this.runs.set(runId, { request, runDir });
    const page = runPageUrl(this.options.workspaceRoot, request.pipelineName, runId);
    return { runId, location: page ? `${runDir}; follow it live: ${page}` : runDir };
  }

  async followRun(handle: RunHandle, follow: FollowRunOptions = {}): Promise<RunOutcome> {
    const pending = this.runs.get(handle.runId);
    if (!pending) throw new Error(`no local run ${handle.runId} was started by this process`);
    const { request, runDir } = pending;
    // A version's name is its content hash, so the documents published here are those of the stored file.
    const documents = this.publishedDocuments.get(versionKey(request.pipelineName, request.version.versionName));
    const result = await runPipeline({
      ir: documents
        ? { pipelineSpec: documents[0], ...(documents[1] ? { platformSpec: documents[1] } : {}) }
        : { irFile: this.store.versionFile(request.pipelineName, request.version.versionName) },
      runDir,
      runId: handle.runId,
      pipelineName: request.pipelineName,
      parameters: request.parameters,
      version: request.version.versionName,
      tasks: this.options.tasks,
      workspaceRoot: this.options.workspaceRoot,
      parallel: this.options.parallel,
      cacheDir: 'dist/kfp-local/cache',
      defaultTimeoutSeconds: this.options.taskTimeoutSeconds,
      signal: follow.signal,
      onEvent: (event: RunEvent) => {
        if (event.kind === 'task-state') follow.onTaskStateChange?.(event);
        else this.options.onMessage?.(`${event.kind === 'warning' ? 'warning: ' : ''}${event.task ? `${event.task}: ` : ''}${event.message}`);
      },
    });
    this.runs.delete(handle.runId);
    // stopped by Ctrl-C: say nothing more and write nothing more, the user asked to stop
    const view = follow.signal?.aborted ? undefined : await this.whereToSee(request.pipelineName, handle.runId, runDir);
    return {
      runId: handle.runId,
      ...(view ? { view } : {}),
      state: result.state,
      tasks: result.tasks.map((task) => ({
        name: task.name,
        state: task.state,
        durationMs: task.durationMs,
        attempts: task.attempts,
        cached: task.cached,
        error: task.error,
      })),
      error: result.error,
    };
  }

  /**
   * The run's page when a run view (`nx run <p>:ui`) serves this pipeline,
   * else a one-file HTML report of it in the run folder (the view's
   * `--static`). A report that cannot be written is a warning, never a failed run.
   */
  private async whereToSee(pipelineName: string, runId: string, runDir: string): Promise<RunOutcome['view']> {
    const page = runPageUrl(this.options.workspaceRoot, pipelineName, runId);
    if (page) return { page };
    if (this.options.writeReports === false) return undefined;
    try {
      // loaded only here: the view's libraries (layout, markdown) are no cost to a deploy that runs nothing
      const { runViewSources, writeStaticReport } = require('../../ui/index') as typeof import('../../ui/index');
      const { store, secrets } = runViewSources({ workspaceRoot: this.options.workspaceRoot });
      const { file } = await writeStaticReport({ store, secrets, pipeline: pipelineName, run: runId, folder: join(this.options.workspaceRoot, runDir) });
      return { report: relative(this.options.workspaceRoot, file) };
    } catch (error) {
      this.options.onMessage?.(`warning: no report of run ${runId} written: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

function versionKey(pipelineName: string, versionName: string): string {
  return `${pipelineName}\0${versionName}`;
}

/** Sortable by start time, unique enough for one machine: 20261128-021500-3fa9c1. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
