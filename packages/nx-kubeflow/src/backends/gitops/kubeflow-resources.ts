import { parseAllDocuments, stringify } from 'yaml';
import { versionNameFor } from '../pipeline-backend';
import { pipelineResourceName, versionResourceName } from './kubernetes-names';

export const KFP_CRD_API_VERSION = 'pipelines.kubeflow.org/v2beta1';

export interface KubeflowResourcesRequest {
  pipelineName: string;
  /** metadata.namespace; leave empty to let kubectl -n or the Argo CD destination decide. */
  namespace?: string;
  /** The compiled IR file's text: the pipeline spec, then optionally the platform spec document. */
  irYaml: string;
  contentHash: string;
  description?: string;
  /** e.g. git sha and branch: spec.tags of the version (KFP limits keys and values to 63 characters). */
  tags?: Record<string, string>;
}

export type KubernetesResource = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
};

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'nx-kubeflow' };

/**
 * The Pipeline and PipelineVersion custom resources (KFP >= 2.14, the
 * Kubernetes-native pipeline store) for one compiled IR: the IR's first
 * document is the version's spec.pipelineSpec, and its second document,
 * where there is one ({platforms: {kubernetes: ...}}), is
 * spec.platformSpec, as the API server joins them back into one file.
 */
export function kubeflowResources(request: KubeflowResourcesRequest): KubernetesResource[] {
  const documents = parseAllDocuments(request.irYaml);
  const errors = documents.flatMap((document) => document.errors.map((error) => error.message));
  if (errors.length) throw new Error(`the IR of ${request.pipelineName} is not valid YAML: ${errors.join('; ')}`);
  const [pipelineSpec, platformSpec, ...extra] = documents.map((document) => document.toJS() as Record<string, unknown> | null);
  if (!pipelineSpec || typeof pipelineSpec !== 'object' || !('root' in pipelineSpec)) {
    throw new Error(`the IR of ${request.pipelineName} has no pipeline spec (no root) in its first document.`);
  }
  if (extra.length) throw new Error(`the IR of ${request.pipelineName} has ${documents.length} documents; a KFP IR has at most two (pipeline spec, platform spec).`);

  const pipeline = pipelineResourceName(request.pipelineName);
  const metadata = (name: string) => ({ name, ...(request.namespace ? { namespace: request.namespace } : {}), labels: { ...MANAGED_BY } });
  const tags = Object.fromEntries(Object.entries(request.tags ?? {}).filter(([key, value]) => key.length <= 63 && value.length <= 63));
  return [
    {
      apiVersion: KFP_CRD_API_VERSION,
      kind: 'Pipeline',
      metadata: metadata(pipeline),
      spec: { displayName: request.pipelineName, ...(request.description ? { description: request.description } : {}) },
    },
    {
      apiVersion: KFP_CRD_API_VERSION,
      kind: 'PipelineVersion',
      metadata: metadata(versionResourceName(request.pipelineName, request.contentHash)),
      spec: {
        pipelineName: pipeline,
        displayName: `${request.pipelineName} ${versionNameFor(request.contentHash)}`,
        ...(request.description ? { description: request.description } : {}),
        ...(Object.keys(tags).length ? { tags } : {}),
        pipelineSpec,
        ...(platformSpec ? { platformSpec } : {}),
      },
    },
  ];
}

/** The resources as one YAML stream for kubectl apply -f or Argo CD. */
export function kubeflowResourcesYaml(request: KubeflowResourcesRequest): string {
  const header = `# Kubeflow Pipelines resources for ${request.pipelineName}, written by nx-kubeflow (KFP >= 2.14, Kubernetes-native pipeline store).\n`;
  return header + kubeflowResources(request).map((resource) => `---\n${stringify(resource, { lineWidth: 0 })}`).join('');
}
