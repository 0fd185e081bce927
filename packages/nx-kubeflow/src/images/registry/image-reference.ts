/** Image references as engines and registries read them: `[host[:port]/]path[:tag][@digest]`. */

export interface ImageReference {
  /** Registry host (with port), or undefined for an unqualified name (Docker Hub for docker). */
  registry?: string;
  /** Repository path inside the registry (`acme/ml/data-loader`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  // Docker's rule: the first segment names a registry when it looks like a host.
  const isHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost
    ? { registry: first, repository: rest.slice(slash + 1), tag, digest }
    : { repository: rest, tag, digest };
}

/** `<registry>/<repository>` without tag or digest. */
export function repositoryOf(reference: string): string {
  const parsed = parseImageReference(reference);
  return parsed.registry ? `${parsed.registry}/${parsed.repository}` : parsed.repository;
}

/**
 * Registries on this machine, which docker treats as insecure (plain HTTP) by
 * default; buildah and podman need `--tls-verify=false` for them, and the
 * manifest probe uses http:// for them.
 */
export function isLoopbackRegistry(registry: string | undefined): boolean {
  if (!registry) return false;
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.startsWith('127.');
}
