/**
 * What Kubernetes takes for the names and values the kfp-kubernetes options
 * carry (apimachinery's validation, ValidatePodSpec), so that a value the
 * cluster would refuse when the pod is created is refused at compile, where
 * the file and line can be named. Each rule is one regular expression, and
 * pipeline.schema.json carries the same expression (kubernetes-names.spec.ts
 * holds them equal), so the editor and the compiler cannot drift apart.
 */

import { secretNameProblem } from './pipeline-names';

/** A DNS-1123 subdomain of at most 253 characters: Secret, ConfigMap and PersistentVolumeClaim names. */
export const OBJECT_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label: a pod volume's name (empty_dir). */
export const VOLUME_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A qualified name (IsQualifiedName): label, annotation and node selector
 * keys. An optional DNS-1123 subdomain prefix of at most 253 characters and
 * '/', then a name of at most 63: letters, digits, '-', '_' and '.', starting
 * and ending with a letter or digit.
 */
export const QUALIFIED_NAME =
  /^((?=[^/]{1,253}\/)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A label value (IsValidLabelValue): empty, or at most 63 characters as a qualified name's name part. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * An environment variable name (IsEnvVarName, what Kubernetes takes in
 * env[].name): letters, digits, '-', '_' and '.', not starting with a digit.
 */
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The pod fields an environment variable can read (validateEnvVarValueFrom's
 * fieldRef for env): a label or annotation by its key, in single quotes.
 */
export const FIELD_PATH =
  /^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)\['[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$/;

/** A container path to mount on: absolute (container runtimes refuse a relative mount destination), no ':' (Kubernetes' separator). */
export const MOUNT_PATH = /^\/[^:]*$/;

/** A path inside the volume (validateLocalDescendingPath): relative, no '..' step. */
export const SUB_PATH = /^(?!\/)(?!(.*\/)?\.\.(\/|$)).+$/;

/** A resource quantity (resource.ParseQuantity) for an emptyDir's size: a decimal and an optional suffix. */
export const QUANTITY = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE]|[eE][-+]?[0-9]+)?$/;

export const IMAGE_PULL_POLICIES = ['Always', 'Never', 'IfNotPresent'] as const;

/**
 * A container image reference as the image is pulled by (distribution/reference's
 * grammar, which the kubelet's pull parses): an optional registry (with a "."
 * or a port, or localhost), lowercase path components, an optional tag and an
 * optional digest. A reference the kubelet cannot parse fails the pod with
 * InvalidImageName after the pipeline has been submitted; here the file and
 * line can be named instead.
 */
export const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+(?::[0-9]+)?|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9]+|localhost)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
/** kfp-kubernetes' empty_dir_mount: "Must be one of `Memory` or `HugePages`"; Kubernetes also takes HugePages-<size>. */
export const EMPTY_DIR_MEDIUM = /^(Memory|HugePages(-[0-9]+(Ki|Mi|Gi))?)$/;

export function objectNameProblem(name: string, kind: 'secret' | 'config map' | 'persistent volume claim' | 'image pull secret'): string | undefined {
  if (kind === 'secret') return secretNameProblem(name);
  return OBJECT_NAME.test(name)
    ? undefined
    : `"${name}" is not a valid Kubernetes ${kind} name: use a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit, at most 253 characters), e.g. ${kind === 'persistent volume claim' ? 'shared-data' : kind === 'config map' ? 'app-config' : 'registry-credentials'}.`;
}

export function qualifiedNameProblem(key: string, what: string): string | undefined {
  return QUALIFIED_NAME.test(key)
    ? undefined
    : `"${key}" is not a valid ${what}: Kubernetes takes an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, e.g. app.kubernetes.io/part-of.`;
}

export function labelValueProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string') return `must be a string${typeof value === 'number' || typeof value === 'boolean' ? `: quote it ('${String(value)}')` : ''}.`;
  return LABEL_VALUE.test(value)
    ? undefined
    : `"${value}" is not a valid ${what}: Kubernetes takes at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or nothing).`;
}

export function envVarNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && ENV_VAR_NAME.test(name)
    ? undefined
    : `${JSON.stringify(name)} is not a valid environment variable name: Kubernetes takes letters, digits, "_", "-" and ".", not starting with a digit.`;
}

export function mountPathProblem(path: unknown): string | undefined {
  return typeof path === 'string' && MOUNT_PATH.test(path)
    ? undefined
    : `must be an absolute path in the container without ":", e.g. /mnt/data (got ${JSON.stringify(path)}).`;
}

/** A task's image (set_container_image): a reference the kubelet can pull. */
export function imageReferenceProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return `must be a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits> (got ${JSON.stringify(image)}).`;
  return IMAGE_REFERENCE.test(image)
    ? undefined
    : `${JSON.stringify(image)} is not an image reference a node can pull: [registry/]path[:tag][@sha256:digest], the path in lowercase letters, digits and single separators (".", "_", "__", "-"), a tag of at most 128 letters, digits, "_", "." and "-", e.g. ghcr.io/acme/trainer:1.4.`;
}
