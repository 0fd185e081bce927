/**
 * Production safety: on Kubeflow a task's image is pulled by reference, and
 * KFP's cache keys on that reference. A mutable tag (":latest", ":1.2") can
 * name a different image tomorrow, so a cache hit would reuse results of code
 * that no longer runs, and a rerun would run code nobody reviewed. Outside the
 * local backend deploy takes only references pinned by digest, or tagged with
 * a content hash the way docker-build tags: exactly 16 hex digits (or a whole
 * sha256, 64). Other hex tags - a short git sha, a timestamp - are not taken:
 * nothing stops them from being pushed again with other content.
 *
 * An image the run gives (pipeline.yaml image: {parameter: p}, {task: t,
 * output: o} or {item: x}; kfp writes {{$.inputs.parameters['pipelinechannel--...']}}
 * as the executor's image) cannot be checked before the run: its value is a
 * run parameter, an output or a loop item. It is listed as what it is, with
 * the input it reads (runTimeInput), so deploy can take it on its own with
 * --allow-run-time-images (whoever starts the run pins the value) while it
 * still refuses mutable tags; --allow-mutable-images takes both. Executors that pull
 * no image are not listed: an importer's (no container), and kfp-kubernetes'
 * CreatePVC / DeletePVC stubs, which KFP's driver runs itself.
 */
import { parseAllDocuments } from 'yaml';
import { pvcOperation } from '../kfp/kubernetes-pvc';
import { runTimeImageInput } from '../kfp/ir-image';

const CONTENT_HASH_TAG = /^(?:[0-9a-f]{16}|[0-9a-f]{64})$/;

export interface MutableImage {
  /** The IR executor (one per component) that names it. */
  executor: string;
  /** The reference; for an image the run gives, its placeholder and what it is. */
  image: string;
  /** For an image the run gives: the task input whose value it is; undefined for a reference written in the IR. */
  runTimeInput?: string;
}

export function isPinnedImageReference(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return true;
  const lastSegment = reference.slice(reference.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 && CONTENT_HASH_TAG.test(lastSegment.slice(colon + 1));
}

/** Every container image of the IR that is neither digest-pinned nor content-hash-tagged, or is given at run time. */
export function mutableImages(irYaml: string): MutableImage[] {
  const [spec] = parseAllDocuments(irYaml).map((document) => document.toJSON() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  return mutableImagesOf(spec);
}

/** mutableImages of a PipelineSpec already parsed (the compiler's own documents). */
export function mutableImagesOf(pipelineSpec: object | undefined): MutableImage[] {
  const spec = pipelineSpec as { deploymentSpec?: { executors?: Record<string, { container?: { image?: unknown } }> } } | undefined;
  const executors: Record<string, { container?: { image?: unknown } }> = spec?.deploymentSpec?.executors ?? {};
  return Object.entries(executors).flatMap(([executor, definition]) => {
    if (definition.container === undefined) return [];
    const image = String(definition.container.image ?? '');
    if (pvcOperation(image) !== undefined) return [];
    const input = runTimeImageInput(image);
    if (input !== undefined) return [{ executor, image: `${image} (the run gives it, as input ${input}: deploy cannot check that it is pinned)`, runTimeInput: input }];
    return isPinnedImageReference(image) ? [] : [{ executor, image }];
  });
}
