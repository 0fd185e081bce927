/**
 * Test-only: the KFP API server's state and rules, in memory, written to the
 * upstream server's documented semantics (v2beta1): pipeline names unique
 * per namespace; POST /pipelines makes a pipeline with no version; upload
 * makes a pipeline and a first version named after it; upload_version adds a
 * version to a pipeline by id, version names unique per pipeline; versions,
 * runs and recurring runs listed with filters and pages; runs move through
 * states as they are looked at (or as a spec sets them).
 */
import { randomUUID } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import type {
  KfpExperiment,
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
  KfpRuntimeState,
  KfpTaskDetail,
} from '../kfp-api-types';
import { rpcError, unknownRoute, unknownVersion, uploadError, type ApiAnswer } from './kfp-test-answers';
import { argoNodes } from './kfp-test-argo-nodes';

export interface UploadedFile {
  field: string;
  filename: string;
  content: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: unknown;
  files?: UploadedFile[];
}

export type { ApiAnswer };
export { rpcError };

/** How runs end when left to themselves. */
export type RunPlan = (run: KfpRun) => 'SUCCEEDED' | 'FAILED';

export interface StoredVersion extends KfpPipelineVersion {
  /** The uploaded file as it came. */
  package: string;
}

interface StoredRun extends KfpRun {
  /** Looks so far: the automatic progression advances one step per GET. */
  looks: number;
  /** Set by a spec: the run stays as set. */
  manual: boolean;
  taskNames: string[];
  /** The Argo workflow's name, <pipeline>-<5 characters>: its DAG node is one of the run's task entries. */
  workflowName: string;
}

const notFound = (message: string) => rpcError(404, 5, message);
const invalid = (message: string) => rpcError(400, 3, message);
const conflict = (message: string) => rpcError(409, 6, message);

const API = '/apis/v2beta1';
const DEFAULT_PAGE_SIZE = 20;

export class KfpTestState {
  readonly pipelines: KfpPipeline[] = [];
  readonly versions: StoredVersion[] = [];
  readonly experiments: KfpExperiment[] = [];
  readonly runs: StoredRun[] = [];
  readonly recurringRuns: KfpRecurringRun[] = [];
  /** How runs end when a spec does not set them; default: they succeed. */
  runPlan: RunPlan = () => 'SUCCEEDED';
  /** Instant of every created_at; replaceable for stable snapshots. */
  now: () => Date = () => new Date();

  versionsOf(pipelineName: string, namespace = ''): StoredVersion[] {
    const pipeline = this.pipelines.find((p) => p.name === pipelineName && (p.namespace ?? '') === namespace);
    return pipeline ? this.versions.filter((v) => v.pipeline_id === pipeline.pipeline_id) : [];
  }

  /** Sets a run's state (and its tasks'); it stays so until set again. */
  setRunState(runId: string, state: KfpRuntimeState, tasks?: Record<string, KfpRuntimeState>, error?: string): void {
    const run = this.runs.find((r) => r.run_id === runId);
    if (!run) throw new Error(`no run ${runId}`);
    run.manual = true;
    run.state = state;
    if (error) run.error = { code: 2, message: error };
    if (tasks) run.run_details = { task_details: this.nodes(run, Object.entries(tasks).map(([name, taskState]) => ({ name, state: taskState }))) };
  }

  handle(request: ApiRequest): ApiAnswer {
    const { method, path } = request;
    const route = (pattern: RegExp) => pattern.exec(path);
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === `${API}/healthz`) return { status: 200, body: { multi_user: false, pipeline_store: 'database' } };
    if (method === 'GET' && (m = route(/^\/apis\/v2beta1\/pipelines\/names\/([^/]+)$/))) return this.pipelineByName(decodeURIComponent(m[1]), request.query.get('namespace') ?? '');
    if (method === 'POST' && path === `${API}/pipelines`) return this.createPipeline(request.body as KfpPipeline);
    if (method === 'GET' && path === `${API}/pipelines`) return this.list(this.pipelines.filter((p) => (p.namespace ?? '') === (request.query.get('namespace') ?? '')), 'pipelines', request, { name: 'name', display_name: 'display_name' });
    if (method === 'POST' && path === `${API}/pipelines/upload`) return this.upload(request);
    if (method === 'POST' && path === `${API}/pipelines/upload_version`) return this.uploadVersion(request);
    if (method === 'GET' && (m = route(/^\/apis\/v2beta1\/pipelines\/([^/]+)\/versions$/))) return this.listVersions(decodeURIComponent(m[1]), request);
    if (method === 'GET' && (m = route(/^\/apis\/v2beta1\/pipelines\/([^/]+)\/versions\/([^/]+)$/))) return this.getVersion(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    if (method === 'GET' && (m = route(/^\/apis\/v2beta1\/pipelines\/([^/]+)$/))) {
      const pipeline = this.pipelines.find((p) => p.pipeline_id === decodeURIComponent(m![1]));
      return pipeline ? { status: 200, body: pipeline } : notFound(`Pipeline ${m[1]} not found`);
    }
    if (method === 'GET' && path === `${API}/experiments`) {
      const namespace = request.query.get('namespace') ?? '';
      return this.list(this.experiments.filter((e) => (e.namespace ?? '') === namespace), 'experiments', request, { name: 'display_name', display_name: 'display_name' });
    }
    if (method === 'POST' && path === `${API}/experiments`) return this.createExperiment(request.body as KfpExperiment);
    if (method === 'POST' && path === `${API}/runs`) return this.createRun(request.body as KfpRun, request.query.get('experiment_id') ?? undefined);
    if (method === 'GET' && path === `${API}/runs`) return this.listRuns(request);
    if (method === 'GET' && (m = route(/^\/apis\/v2beta1\/runs\/([^/:]+)$/))) return this.getRun(decodeURIComponent(m[1]));
    if (method === 'POST' && path === `${API}/recurringruns`) return this.createRecurringRun(request.body as KfpRecurringRun);
    if (method === 'GET' && path === `${API}/recurringruns`) return this.listRecurringRuns(request);
    if ((m = route(/^\/apis\/v2beta1\/recurringruns\/([^/:]+)(:enable|:disable)?$/))) return this.recurringRun(method, decodeURIComponent(m[1]), m[2]);
    // Under /apis/ the gRPC gateway answers for every path; outside it, Go's mux.
    return path.startsWith('/apis/') ? unknownRoute() : { status: 404, body: undefined };
  }

  private pipelineByName(name: string, namespace: string): ApiAnswer {
    const pipeline = this.pipelines.find((p) => p.name === name && (p.namespace ?? '') === namespace);
    return pipeline
      ? { status: 200, body: pipeline }
      : notFound(
          `Failed to get a pipeline with name ${name} and namespace ${namespace}. Check error stack.: Failed to get a pipeline named ${name} in namespace ${namespace}: ` +
            `ResourceNotFoundError: Namespace/Pipeline ${namespace}/${name} not found`,
        );
  }

  private newPipeline(input: KfpPipeline): KfpPipeline | ApiAnswer {
    const name = input.name || input.display_name;
    if (!name) return invalid('Failed to create a pipeline: pipeline name is required');
    const namespace = input.namespace ?? '';
    if (this.pipelines.some((p) => p.name === name && (p.namespace ?? '') === namespace)) {
      return conflict(`Failed to create a pipeline: a pipeline named "${name}" already exists in namespace "${namespace}"`);
    }
    const pipeline: KfpPipeline = {
      pipeline_id: randomUUID(),
      name,
      display_name: input.display_name || name,
      ...(input.description ? { description: input.description } : {}),
      created_at: this.now().toISOString(),
      namespace,
      ...(input.tags ? { tags: input.tags } : {}),
    };
    this.pipelines.push(pipeline);
    return pipeline;
  }

  private createPipeline(input: KfpPipeline | undefined): ApiAnswer {
    if (!input || typeof input !== 'object') return invalid('Failed to create a pipeline: the body is not a pipeline');
    const created = this.newPipeline(input);
    return 'status' in created ? (created as ApiAnswer) : { status: 200, body: created };
  }

  /** The uploaded IR, or the upload handlers' error: `missing` for no file part, `refused` for a file that is no KFP v2 pipeline spec. */
  private parsePackage(request: ApiRequest, missing: string): { file: UploadedFile; spec: Record<string, unknown> } | ApiAnswer {
    const file = request.files?.find((f) => f.field === 'uploadfile');
    if (!file) return uploadError(400, missing, 'text/plain');
    try {
      const parsed = parseAllDocuments(file.content);
      const syntax = parsed.flatMap((document) => document.errors)[0];
      if (syntax) return uploadError(400, `failed to parse pipeline spec YAML: ${syntax.message}`, 'json');
      const spec = parsed[0]?.toJS() as Record<string, unknown> | undefined;
      if (!spec || typeof spec !== 'object' || !spec['pipelineInfo'] || !spec['root']) return uploadError(400, 'unknown template format', 'json');
      return { file, spec };
    } catch (error) {
      return uploadError(400, `failed to parse pipeline spec YAML: ${(error as Error).message}`, 'json');
    }
  }

  private newVersion(pipeline: KfpPipeline, input: { name: string; displayName?: string; description?: string; tags?: Record<string, string> }, parsed: { file: UploadedFile; spec: Record<string, unknown> }): StoredVersion {
    const version: StoredVersion = {
      pipeline_id: pipeline.pipeline_id,
      pipeline_version_id: randomUUID(),
      name: input.name,
      display_name: input.displayName || input.name,
      ...(input.description ? { description: input.description } : {}),
      created_at: this.now().toISOString(),
      pipeline_spec: parsed.spec,
      ...(input.tags ? { tags: input.tags } : {}),
      package: parsed.file.content,
    };
    this.versions.push(version);
    return version;
  }

  /**
   * POST /pipelines/upload: the pipeline and its first version in one
   * transaction, nothing when either is refused. As upstream does it, the
   * first version is named after the pipeline and gets its description;
   * tags go to the pipeline only.
   */
  private upload(request: ApiRequest): ApiAnswer {
    const parsed = this.parsePackage(request, 'Failed to read pipeline from file');
    if ('status' in parsed) return parsed;
    const name = request.query.get('name') || request.query.get('display_name') || parsed.file.filename.replace(/\.(ya?ml|json|zip|tar\.gz|tgz)$/, '');
    const namespace = request.query.get('namespace') ?? '';
    if (this.pipelines.some((p) => p.name === name && (p.namespace ?? '') === namespace)) return uploadError(409, 'Failed to create a pipeline and a pipeline version', 'json');
    const tags = request.query.get('tags');
    const description = request.query.get('description') ?? undefined;
    const pipeline = this.newPipeline({ name, display_name: request.query.get('display_name') || name, namespace, description, ...(tags ? { tags: JSON.parse(tags) as Record<string, string> } : {}) });
    if ('status' in pipeline) return pipeline as ApiAnswer;
    this.newVersion(pipeline, { name, displayName: pipeline.display_name, description }, parsed);
    return { status: 200, body: pipeline };
  }

  /** POST /pipelines/upload_version: every refusal before the write says only "Failed to create a pipeline version", as upstream's does. */
  private uploadVersion(request: ApiRequest): ApiAnswer {
    const failed = 'Failed to create a pipeline version';
    const parsedFile = request.files?.find((f) => f.field === 'uploadfile');
    if (!parsedFile) return uploadError(400, failed, 'text/plain');
    const pipelineId = request.query.get('pipelineid');
    const pipeline = this.pipelines.find((p) => p.pipeline_id === pipelineId);
    // An unknown pipelineid fails where the server looks up its namespace: 400, not 404.
    if (!pipelineId || !pipeline) return uploadError(400, failed, 'text/plain');
    const parsed = this.parsePackage(request, failed);
    if ('status' in parsed) return parsed;
    const name = request.query.get('name') || request.query.get('display_name') || parsed.file.filename;
    if (this.versions.some((v) => v.pipeline_id === pipeline.pipeline_id && v.name === name)) return uploadError(409, failed, 'json');
    const tags = request.query.get('tags');
    const version = this.newVersion(
      pipeline,
      { name, displayName: request.query.get('display_name') ?? undefined, description: request.query.get('description') ?? undefined, ...(tags ? { tags: JSON.parse(tags) as Record<string, string> } : {}) },
      parsed,
    );
    const { package: _package, ...body } = version;
    return { status: 200, body };
  }

  private getVersion(pipelineId: string, versionId: string): ApiAnswer {
    const version = this.versions.find((v) => v.pipeline_id === pipelineId && v.pipeline_version_id === versionId);
    if (!version) return notFound(`Failed to get a pipeline version: ResourceNotFoundError: PipelineVersion ${versionId} not found`);
    const { package: _package, ...body } = version;
    return { status: 200, body };
  }

  private listVersions(pipelineId: string, request: ApiRequest): ApiAnswer {
    if (!this.pipelines.some((p) => p.pipeline_id === pipelineId)) return notFound(`Pipeline ${pipelineId} not found`);
    const versions = this.versions.filter((v) => v.pipeline_id === pipelineId).map(({ package: _package, ...version }) => version);
    return this.list(versions, 'pipeline_versions', request, { name: 'name', display_name: 'display_name' });
  }

  private createExperiment(input: KfpExperiment | undefined): ApiAnswer {
    if (!input?.display_name) return invalid('Failed to create an experiment: display_name is required');
    const namespace = input.namespace ?? '';
    if (this.experiments.some((e) => e.display_name === input.display_name && (e.namespace ?? '') === namespace)) {
      return conflict(`Failed to create an experiment: "${input.display_name}" already exists in namespace "${namespace}"`);
    }
    const experiment: KfpExperiment = {
      experiment_id: randomUUID(),
      display_name: input.display_name,
      ...(input.description ? { description: input.description } : {}),
      created_at: this.now().toISOString(),
      namespace,
      storage_state: 'AVAILABLE',
    };
    this.experiments.push(experiment);
    return { status: 200, body: experiment };
  }

  private versionFor(reference: KfpRun['pipeline_version_reference']): StoredVersion | undefined {
    return this.versions.find((v) => v.pipeline_version_id === reference?.pipeline_version_id && v.pipeline_id === reference?.pipeline_id);
  }

  private createRun(input: KfpRun | undefined, experimentIdQuery: string | undefined): ApiAnswer {
    if (!input?.display_name) return invalid('Failed to create a run: display_name is required');
    const version = this.versionFor(input.pipeline_version_reference);
    // Upstream wraps the lookup's ResourceNotFoundError in an internal error: 500, code 13.
    if (!version) return unknownVersion('run', input.pipeline_version_reference?.pipeline_version_id);
    const experimentId = input.experiment_id || experimentIdQuery;
    if (!this.experiments.some((e) => e.experiment_id === experimentId)) return notFound(`Failed to create a run: experiment ${experimentId} not found`);
    const dag = (version.pipeline_spec?.['root'] as { dag?: { tasks?: Record<string, unknown> } } | undefined)?.dag?.tasks ?? {};
    const run: StoredRun = {
      run_id: randomUUID(),
      experiment_id: experimentId,
      display_name: input.display_name,
      ...(input.description ? { description: input.description } : {}),
      pipeline_version_reference: input.pipeline_version_reference,
      runtime_config: input.runtime_config ?? {},
      created_at: this.now().toISOString(),
      state: 'PENDING',
      storage_state: 'AVAILABLE',
      looks: 0,
      manual: false,
      taskNames: Object.keys(dag),
      workflowName: `${String((version.pipeline_spec?.['pipelineInfo'] as { name?: string } | undefined)?.name ?? 'pipeline')}-${randomUUID().slice(0, 5)}`,
    } as StoredRun;
    this.runs.push(run);
    return { status: 200, body: this.publicRun(run) };
  }

  /** Every Argo node of the run with its tasks in these states, as a real server lists them. */
  private nodes(run: StoredRun, tasks: Array<{ name: string; state: KfpRuntimeState }>): KfpTaskDetail[] {
    return argoNodes(run, run.workflowName, run.state ?? 'PENDING', tasks);
  }

  /**
   * One step per look: PENDING, then each task RUNNING in turn, then the
   * planned end (a failed run fails its last task). As on a real server, the
   * run and its task entries carry no error message: only states.
   */
  private advance(run: StoredRun): void {
    if (run.manual || finalStates.has(run.state ?? 'PENDING')) return;
    run.looks++;
    const names = run.taskNames;
    const step = run.looks - 1;
    if (step === 0) return;
    if (step <= names.length) {
      run.state = 'RUNNING';
      run.run_details = { task_details: this.nodes(run, names.map((name, index) => ({ name, state: index < step - 1 ? 'SUCCEEDED' : index === step - 1 ? 'RUNNING' : 'PENDING' }))) };
      return;
    }
    const outcome = this.runPlan(run);
    run.state = outcome;
    run.finished_at = this.now().toISOString();
    run.run_details = {
      task_details: this.nodes(run, names.map((name, index) => ({ name, state: outcome === 'FAILED' && index === names.length - 1 ? 'FAILED' : 'SUCCEEDED' }))),
    };
  }

  private publicRun(run: StoredRun): KfpRun {
    const { looks: _looks, manual: _manual, taskNames: _taskNames, workflowName: _workflowName, ...body } = run;
    return body;
  }

  private getRun(runId: string): ApiAnswer {
    const run = this.runs.find((r) => r.run_id === runId);
    if (!run) return notFound(`Run ${runId} not found`);
    this.advance(run);
    return { status: 200, body: this.publicRun(run) };
  }

  private namespaceOfExperiment(experimentId: string | undefined): string {
    return this.experiments.find((e) => e.experiment_id === experimentId)?.namespace ?? '';
  }

  private listRuns(request: ApiRequest): ApiAnswer {
    const experimentId = request.query.get('experiment_id');
    const namespace = request.query.get('namespace');
    const runs = this.runs.filter(
      (r) => (!experimentId || r.experiment_id === experimentId) && (namespace === null || this.namespaceOfExperiment(r.experiment_id) === namespace),
    );
    return this.list(runs.map((r) => this.publicRun(r)), 'runs', request, { name: 'display_name', display_name: 'display_name' });
  }

  private createRecurringRun(input: KfpRecurringRun | undefined): ApiAnswer {
    if (!input?.display_name) return invalid('Failed to create a recurring run: display_name is required');
    const version = this.versionFor(input.pipeline_version_reference);
    if (!version) return unknownVersion('recurring run', input.pipeline_version_reference?.pipeline_version_id);
    if (!this.experiments.some((e) => e.experiment_id === input.experiment_id)) return notFound(`Failed to create a recurring run: experiment ${input.experiment_id} not found`);
    const cron = input.trigger?.cron_schedule?.cron;
    const interval = input.trigger?.periodic_schedule?.interval_second;
    if (!cron && !interval) return invalid('Failed to create a recurring run: the trigger needs a cron_schedule or a periodic_schedule');
    if (cron && cron.trim().split(/\s+/).length !== 6) return invalid(`Failed to create a recurring run: invalid cron "${cron}": expected 6 fields`);
    if (interval && !(Number(interval) > 0)) return invalid(`Failed to create a recurring run: invalid interval_second "${interval}"`);
    const now = this.now().toISOString();
    const recurringRun: KfpRecurringRun = {
      ...input,
      recurring_run_id: randomUUID(),
      max_concurrency: input.max_concurrency ?? '1',
      mode: input.mode ?? 'ENABLE',
      status: input.mode === 'DISABLE' ? 'DISABLED' : 'ENABLED',
      namespace: this.namespaceOfExperiment(input.experiment_id),
      created_at: now,
      updated_at: now,
    };
    this.recurringRuns.push(recurringRun);
    return { status: 200, body: recurringRun };
  }

  private listRecurringRuns(request: ApiRequest): ApiAnswer {
    const experimentId = request.query.get('experiment_id');
    const namespace = request.query.get('namespace');
    const found = this.recurringRuns.filter((r) => (!experimentId || r.experiment_id === experimentId) && (namespace === null || (r.namespace ?? '') === namespace));
    // The proto names the list recurringRuns, so the JSON does too.
    return this.list(found, 'recurringRuns', request, { name: 'display_name', display_name: 'display_name' });
  }

  private recurringRun(method: string, id: string, action: string | undefined): ApiAnswer {
    const index = this.recurringRuns.findIndex((r) => r.recurring_run_id === id);
    if (index < 0) return notFound(`Recurring run ${id} not found`);
    const recurringRun = this.recurringRuns[index];
    if (method === 'GET' && !action) return { status: 200, body: recurringRun };
    if (method === 'DELETE' && !action) {
      this.recurringRuns.splice(index, 1);
      return { status: 200, body: {} };
    }
    if (method === 'POST' && action) {
      const enable = action === ':enable';
      recurringRun.mode = enable ? 'ENABLE' : 'DISABLE';
      recurringRun.status = enable ? 'ENABLED' : 'DISABLED';
      recurringRun.updated_at = this.now().toISOString();
      return { status: 200, body: {} };
    }
    return { status: 405, body: undefined };
  }

  /** filter (EQUALS on the given keys), page_size and page_token, as the list calls take them. */
  private list<T extends object>(items: T[], key: string, request: ApiRequest, fields: Record<string, string>): ApiAnswer {
    let selected = items;
    const filter = request.query.get('filter');
    if (filter) {
      let predicates: { key?: string; operation?: string; string_value?: string; stringValue?: string }[];
      try {
        predicates = (JSON.parse(filter) as { predicates?: typeof predicates }).predicates ?? [];
      } catch {
        return invalid(`Invalid filter: not JSON: ${filter}`);
      }
      for (const predicate of predicates) {
        const field = fields[predicate.key ?? ''];
        if (!field) return invalid(`Invalid filter: unsupported key "${predicate.key}"`);
        if (predicate.operation !== 'EQUALS') return invalid(`Invalid filter: the test server supports EQUALS only, not ${predicate.operation}`);
        const value = predicate.string_value ?? predicate.stringValue;
        selected = selected.filter((item) => (item as Record<string, unknown>)[field] === value);
      }
    }
    const pageSize = Number(request.query.get('page_size') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE;
    const start = Number(Buffer.from(request.query.get('page_token') ?? '', 'base64').toString() || '0');
    const page = selected.slice(start, start + pageSize);
    const next = start + pageSize < selected.length ? Buffer.from(String(start + pageSize)).toString('base64') : undefined;
    return { status: 200, body: { [key]: page, total_size: selected.length, ...(next ? { next_page_token: next } : {}) } };
  }
}

const finalStates = new Set<KfpRuntimeState>(['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED']);
