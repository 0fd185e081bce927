import { k8sName } from '../../kfp/kfp-names';
import { versionNameFor } from '../pipeline-backend';

/**
 * Kubernetes names for the Pipeline and PipelineVersion resources. The
 * pipeline's name goes through kfp's own k8s renaming (lower case, runs of
 * anything but [-0-9a-z] become one "-", no "-" at either end), capped at 63
 * characters: KFP puts it in a label value (pipelines.kubeflow.org/pipeline),
 * where 63 is the limit. A version is "<pipeline>-<first 12 hex digits of
 * the IR's sha256>", the pipeline part shortened to keep 63 in all: a
 * PipelineVersion's spec is immutable, so a changed IR must be a new name.
 */
export const MAX_NAME = 63;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function pipelineResourceName(pipelineName: string): string {
  const name = trimEnd(k8sName(pipelineName).slice(0, MAX_NAME));
  if (!DNS_1123_LABEL.test(name)) throw new Error(`pipeline name "${pipelineName}" gives no valid Kubernetes name (a-z, 0-9 and "-").`);
  return name;
}

export function versionResourceName(pipelineName: string, contentHash: string): string {
  const version = versionNameFor(contentHash);
  const base = trimEnd(pipelineResourceName(pipelineName).slice(0, MAX_NAME - version.length - 1));
  return `${base}-${version}`;
}

export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_NAME && DNS_1123_LABEL.test(name);
}

function trimEnd(name: string): string {
  return name.replace(/-+$/, '');
}
