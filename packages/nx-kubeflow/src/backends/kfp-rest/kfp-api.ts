import {
  equalsFilter,
  type KfpExperiment,
  type KfpPipeline,
  type KfpPipelineVersion,
  type KfpRecurringRun,
  type KfpRun,
} from './kfp-api-types';
import { KfpHttpClient, type KfpRequest } from './kfp-http-client';
import { withRetries, type RetryPolicy } from './kfp-retry';

const API = '/apis/v2beta1';
const PAGE_SIZE = 100;

/**
 * The KFP v2beta1 calls the backend makes, one method each. Reads are
 * retried here (they are idempotent); creates are not: the backend wraps
 * them in createOnce with the lookup that finds what a lost answer made.
 */
export class KfpApi {
  constructor(
    readonly http: KfpHttpClient,
    private readonly retry: RetryPolicy,
  ) {}

  private get namespace(): string {
    return this.http.connection.namespace;
  }

  private read<T>(request: KfpRequest, absentOn404 = false): Promise<T | undefined> {
    return withRetries(this.retry, `${request.method} ${request.path}`, () => this.http.call<T>(request, { absentOn404 }));
  }

  private async write<T>(request: KfpRequest): Promise<T> {
    return (await this.http.call<T>(request)) ?? ({} as T);
  }

  /** Every page of a list, until `match` finds one; filters narrow it on the server, match decides. */
  private async findInList<T>(
    request: KfpRequest,
    key: string,
    match: (item: T) => boolean,
  ): Promise<T[]> {
    const found: T[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.read<Record<string, unknown>>({ ...request, query: { ...request.query, page_size: PAGE_SIZE, page_token: pageToken } });
      found.push(...((page?.[key] as T[] | undefined) ?? []).filter(match));
      pageToken = (page?.['next_page_token'] as string | undefined) || undefined;
    } while (pageToken);
    return found;
  }

  healthz(): Promise<unknown> {
    return this.read({ method: 'GET', path: `${API}/healthz` });
  }

  pipelineByName(name: string): Promise<KfpPipeline | undefined> {
    return this.read<KfpPipeline>({ method: 'GET', path: `${API}/pipelines/names/${encodeURIComponent(name)}`, query: { namespace: this.namespace } }, true);
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
    });
  }

  async versionByName(pipelineId: string, name: string, match: (version: KfpPipelineVersion) => boolean = () => true): Promise<KfpPipelineVersion | undefined> {
    const [version] = await this.findInList<KfpPipelineVersion>(
      { method: 'GET', path: `${API}/pipelines/${encodeURIComponent(pipelineId)}/versions`, query: { filter: equalsFilter('name', name) } },
      'pipeline_versions',
      (candidate) => candidate.name === name && match(candidate),
    );
    return version;
  }

  /** One version with its pipeline_spec: where the tasks of a run started elsewhere are read from. */
  getVersion(pipelineId: string, versionId: string): Promise<KfpPipelineVersion | undefined> {
    return this.read<KfpPipelineVersion>({ method: 'GET', path: `${API}/pipelines/${encodeURIComponent(pipelineId)}/versions/${encodeURIComponent(versionId)}` }, true);
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
    });
  }

  async experimentByName(displayName: string): Promise<KfpExperiment | undefined> {
    const [experiment] = await this.findInList<KfpExperiment>(
      { method: 'GET', path: `${API}/experiments`, query: { namespace: this.namespace, filter: equalsFilter('display_name', displayName) } },
      'experiments',
      (candidate) => candidate.display_name === displayName,
    );
    return experiment;
  }

  createExperiment(displayName: string, description?: string): Promise<KfpExperiment> {
    return this.write({
      method: 'POST',
      path: `${API}/experiments`,
      json: { display_name: displayName, ...(description ? { description } : {}), ...(this.namespace ? { namespace: this.namespace } : {}) },
    });
  }

  async runByName(experimentId: string, displayName: string): Promise<KfpRun | undefined> {
    const [run] = await this.findInList<KfpRun>(
      { method: 'GET', path: `${API}/runs`, query: { experiment_id: experimentId, filter: equalsFilter('display_name', displayName) } },
      'runs',
      (candidate) => candidate.display_name === displayName,
    );
    return run;
  }

  createRun(run: KfpRun): Promise<KfpRun> {
    return this.write({ method: 'POST', path: `${API}/runs`, json: run });
  }

  async getRun(runId: string): Promise<KfpRun> {
    return (await this.read<KfpRun>({ method: 'GET', path: `${API}/runs/${encodeURIComponent(runId)}` })) ?? {};
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
      (candidate) => candidate.display_name === displayName,
    );
  }

  createRecurringRun(recurringRun: KfpRecurringRun): Promise<KfpRecurringRun> {
    return this.write({ method: 'POST', path: `${API}/recurringruns`, json: recurringRun });
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
