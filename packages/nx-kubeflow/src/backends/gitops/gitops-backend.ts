import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeAtomically } from '../local/local-version-store';
import { versionNameFor, type PipelineBackend, type PublishRequest, type PublishResult, type RunHandle, type RunOutcome } from '../pipeline-backend';
import { kubeflowResourcesYaml } from './kubeflow-resources';
import { pipelineResourceName, versionResourceName } from './kubernetes-names';

export interface GitOpsBackendOptions {
  /** Where the resources go, e.g. <workspace>/dist/pipelines/<name>/kubeflow-resources.yaml. */
  outputFile: string;
  /** metadata.namespace of both resources; empty: left to kubectl -n or the Argo CD destination. */
  namespace?: string;
  /** Only say what would be written. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

/**
 * The GitOps backend (kfp.mode = "crd"): publishing writes the Pipeline and
 * PipelineVersion resources to a file for kubectl or Argo CD to apply; it
 * talks to no cluster, so it starts no runs.
 */
export class GitOpsBackend implements PipelineBackend {
  readonly description: string;

  constructor(private readonly options: GitOpsBackendOptions) {
    this.description = `Kubeflow resources in ${options.outputFile}${options.dryRun ? ', dry run' : ''}`;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const text = kubeflowResourcesYaml({ ...request, namespace: this.options.namespace });
    const file = this.options.outputFile;
    const unchanged = existsSync(file) && readFileSync(file, 'utf8') === text;
    const result: PublishResult = {
      pipelineId: pipelineResourceName(request.pipelineName),
      versionId: versionResourceName(request.pipelineName, request.contentHash),
      versionName: versionNameFor(request.contentHash),
      created: !unchanged,
      location: file,
    };
    if (unchanged) {
      this.options.log?.(`${file} is up to date (PipelineVersion ${result.versionId})`);
      return result;
    }
    if (this.options.dryRun) {
      this.options.log?.(`dry run: would write Pipeline ${result.pipelineId} and PipelineVersion ${result.versionId} to ${file}`);
      return { ...result, dryRun: true };
    }
    mkdirSync(dirname(file), { recursive: true });
    writeAtomically(file, text);
    this.options.log?.(`Wrote Pipeline ${result.pipelineId} and PipelineVersion ${result.versionId} to ${file}: apply with kubectl apply -f, or let Argo CD sync it`);
    return result;
  }

  async startRun(): Promise<RunHandle> {
    throw new Error('the GitOps output (kfp.mode = "crd") only writes resources; runs start on the cluster once they are applied.');
  }

  async followRun(): Promise<RunOutcome> {
    throw new Error('the GitOps output (kfp.mode = "crd") starts no runs to follow.');
  }
}
