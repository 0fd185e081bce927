import {
  equalsFilter,
  type KfpExperiment,
  type KfpPipeline,
  type KfpPipelineVersion,
  type KfpRecurringRun,
  type KfpRun,
} from './kfp-api-types';
import { ANY_OBJECT, EXPERIMENT, listPage, PIPELINE, PIPELINE_VERSION, RECURRING_RUN, RUN, type Shape } from './kfp-answer-shapes';
import { KfpApiError } from './kfp-errors';
import { KfpHttpClient, type KfpRequest } from './kfp-http-client';
import { withRetries, type RetryPolicy } from './kfp-retry';

const API = '/apis/v2beta1';
const PAGE_SIZE = 100;
/**
 * Bounds on one listing. The lists read are filtered by name on the server,
 * so a real one is a page or two; a server that keeps handing out page
 * tokens is broken or not KFP, and must not hang a deploy.
 */
export const MAX_PAGES = 200;
/** The whole listing, whatever the pages: this many times kfp.timeout_seconds. */
export const LISTING_DEADLINE_CALLS = 5;

/**
 * The KFP v2beta1 calls the backend makes, one method each. Reads are
 * retried here (they are idempotent); creates are not: the backend wraps
 * them in createOnce with the lookup that finds what a lost answer made.
 */
export class KfpApi {
  constructor(
    readonly http: KfpHttpClient,
    private readonly retry: RetryPolicy,
    /** Replaceable so tests can pass the listing deadline without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  private get namespace(): string {
    return this.http.connection.namespace;
  }

  /** Each answer is checked against `shape` where it is read (kfp-answer-shapes). */
  private read<T>(request: KfpRequest, shape: Shape, absentOn404 = false): Promise<T | undefined> {
    return withRetries(this.retry, `${request.method} ${request.path}`, () => this.http.call<T>(request, { absentOn404, shape }));
  }

  private async write<T>(request: KfpRequest, shape: Shape): Promise<T> {
    return (await this.http.call<T>(request, { shape })) ?? ({} as T);
  }

  /**
   * Every page of a list (bounded: MAX_PAGES, no token twice, one deadline
   * for the whole listing), keeping what `match` takes; filters narrow it on
   * the server, match decides.
   */
  private async findInList<T>(request: KfpRequest, key: string, item: Shape, match: (item: T) => boolean): Promise<T[]> {
    const found: T[] = [];
    const seenTokens = new Set<string>();
    const deadline = this.now() + LISTING_DEADLINE_CALLS * this.http.connection.timeoutMs;
    const described = `${request.method} ${request.path}`;
    const endless = (why: string) =>
      new KfpApiError(
        `${described}: ${why}; stopped listing. A KFP API server's listing ends; check kfp.host (${this.http.connection.baseUrl}) and the server.`,
        { method: request.method, path: request.path, kind: 'http', status: 200, notKfpAnswer: true },
      );
    let pageToken: string | undefined;
    for (let pages = 0; ; ) {
      const page = await this.read<Record<string, unknown>>({ ...request, query: { ...request.query, page_size: PAGE_SIZE, page_token: pageToken } }, listPage(key, item));
      pages++;
      found.push(...((page?.[key] as T[] | undefined) ?? []).filter(match));
      pageToken = (page?.['next_page_token'] as string | undefined) || undefined;
      if (!pageToken) return found;
      if (seenTokens.has(pageToken)) throw endless(`the server handed out the page token ${quoted(pageToken)} a second time, after ${pages} pages`);
      seenTokens.add(pageToken);
      if (pages >= MAX_PAGES) throw endless(`the server still had a next page after ${MAX_PAGES} pages of ${PAGE_SIZE}`);
      if (this.now() > deadline) {
        throw endless(`the listing took more than ${(LISTING_DEADLINE_CALLS * this.http.connection.timeoutMs) / 1000}s (${LISTING_DEADLINE_CALLS} x kfp.timeout_seconds) over ${pages} pages`);
      }
    }
  }

  healthz(): Promise<unknown> {
    return this.read({ method: 'GET', path: `${API}/healthz` }, ANY_OBJECT);
  }

  pipelineByName(name: string): Promise<KfpPipeline | undefined> {
    return this.read<KfpPipeline>({ method: 'GET', path: `${API}/pipelines/names/${encodeURIComponent(name)}`, query: { namespace: this.namespace } }, PIPELINE, true);
  }

  /**
   * A new pipeline and its first version in one request (one transaction on
   * the server): an IR the server refuses leaves no pipeline behind. The
   * server names the first version after the pipeline and gives it the
   * pipeline's description; `tags` would go to the pipeline, not the version.
   */
  uploadPipeline(upload: { name: string; description?: string; irYaml: string }): Promise<KfpPipeline> {
    return this.write({
      method: 'POST',
      path: `${API}/pipelines/upload`,
      query: { name: upload.name, display_name: upload.name, description: upload.description, namespace: this.namespace },
      multipart: [{ field: 'uploadfile', filename: `${upload.name}.yaml`, contentType: 'application/x-yaml', content: upload.irYaml }],
    }, PIPELINE);
  }

  async versionByName(pipelineId: string, name: string, match: (version: KfpPipelineVersion) => boolean = () => true): Promise<KfpPipelineVersion | undefined> {
    const [version] = await this.findInList<KfpPipelineVersion>(
      { method: 'GET', path: `${API}/pipelines/${encodeURIComponent(pipelineId)}/versions`, query: { filter: equalsFilter('name', name) } },
      'pipeline_versions',
      PIPELINE_VERSION,
      (candidate) => candidate.name === name && match(candidate),
    );
    return version;
  }

  /** One version with its pipeline_spec: where the tasks of a run started elsewhere are read from. */
  getVersion(pipelineId: string, versionId: string): Promise<KfpPipelineVersion | undefined> {
    return this.read<KfpPipelineVersion>({ method: 'GET', path: `${API}/pipelines/${encodeURIComponent(pipelineId)}/versions/${encodeURIComponent(versionId)}` }, PIPELINE_VERSION, true);
  }

  uploadVersion(upload: { pipelineId: string; name: string; description?: string; tags?: Record<string, string>; irYaml: string }): Promise<KfpPipelineVersion> {
    return this.write({
      method: 'POST',
      path: `${API}/pipelines/upload_version`,
      query: {
        pipelineid: upload.pipelineId,
        name: upload.name,
        display_name: upload.name,
        description: upload.description,
        tags: upload.tags && Object.keys(upload.tags).length ? JSON.stringify(upload.tags) : undefined,
      },
      multipart: [{ field: 'uploadfile', filename: `${upload.name}.yaml`, contentType: 'application/x-yaml', content: upload.irYaml }],
    }, PIPELINE_VERSION);
  }

  async experimentByName(displayName: string): Promise<KfpExperiment | undefined> {
    const [experiment] = await this.findInList<KfpExperiment>(
      { method: 'GET', path: `${API}/experiments`, query: { namespace: this.namespace, filter: equalsFilter('display_name', displayName) } },
      'experiments',
      EXPERIMENT,
      (candidate) => candidate.display_name === displayName,
    );
    return experiment;
  }

  createExperiment(displayName: string, description?: string): Promise<KfpExperiment> {
    return this.write({
      method: 'POST',
      path: `${API}/experiments`,
      json: { display_name: displayName, ...(description ? { description } : {}), ...(this.namespace ? { namespace: this.namespace } : {}) },
    }, EXPERIMENT);
  }

  async runByName(experimentId: string, displayName: string): Promise<KfpRun | undefined> {
    const [run] = await this.findInList<KfpRun>(
      { method: 'GET', path: `${API}/runs`, query: { experiment_id: experimentId, filter: equalsFilter('display_name', displayName) } },
      'runs',
      RUN,
      (candidate) => candidate.display_name === displayName,
    );
    return run;
  }

  createRun(run: KfpRun): Promise<KfpRun> {
    return this.write({ method: 'POST', path: `${API}/runs`, json: run }, RUN);
  }

  async getRun(runId: string): Promise<KfpRun> {
    return (await this.read<KfpRun>({ method: 'GET', path: `${API}/runs/${encodeURIComponent(runId)}` }, RUN)) ?? {};
  }

  /** In the whole namespace, not one experiment: moving kfp.experiment must not leave a second schedule behind. */
  recurringRunsNamed(displayName: string): Promise<KfpRecurringRun[]> {
    return this.findInList<KfpRecurringRun>(
      {
        method: 'GET',
        path: `${API}/recurringruns`,
        query: { namespace: this.namespace, filter: equalsFilter('display_name', displayName) },
      },
      // The proto names this field recurringRuns, so the JSON does too.
      'recurringRuns',
      RECURRING_RUN,
      (candidate) => candidate.display_name === displayName,
    );
  }

  createRecurringRun(recurringRun: KfpRecurringRun): Promise<KfpRecurringRun> {
    return this.write({ method: 'POST', path: `${API}/recurringruns`, json: recurringRun }, RECURRING_RUN);
  }

  /** enable, disable and delete are idempotent on the server, so they are retried like reads. */
  async setRecurringRunEnabled(recurringRunId: string, enabled: boolean): Promise<void> {
    const path = `${API}/recurringruns/${encodeURIComponent(recurringRunId)}:${enabled ? 'enable' : 'disable'}`;
    await withRetries(this.retry, `POST ${path}`, () => this.http.call({ method: 'POST', path }));
  }

  async deleteRecurringRun(recurringRunId: string): Promise<void> {
    const path = `${API}/recurringruns/${encodeURIComponent(recurringRunId)}`;
    // A retried delete that finds it gone has done its work.
    await withRetries(this.retry, `DELETE ${path}`, () => this.http.call({ method: 'DELETE', path }, { absentOn404: true }));
  }
}

/** A page token as a message quotes it: JSON, cut short (it is the server's, of any length). */
function quoted(token: string): string {
  const text = JSON.stringify(token);
  return text.length > 42 ? `${text.slice(0, 40)}..."` : text;
}
