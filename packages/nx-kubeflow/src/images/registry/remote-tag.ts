/**
 * Does a tag exist in its registry? One anonymous HTTP HEAD of the manifest
 * (registry API v2), so the answer needs no engine and no login. Registries
 * that want credentials even to read answer 401: then the honest answer is
 * "unknown", and the caller builds and pushes as if it were missing.
 */
import { isLoopbackRegistry, parseImageReference } from './image-reference';

export type RemoteTagState =
  | { state: 'present'; digest?: string }
  | { state: 'absent' }
  | { state: 'unknown'; reason: string }
  | { state: 'unreachable'; reason: string };

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function remoteTagState(reference: string, timeoutMs = 10_000): Promise<RemoteTagState> {
  const { registry, repository, tag } = parseImageReference(reference);
  if (!registry) return { state: 'unknown', reason: `${reference} names no registry host` };
  const scheme = isLoopbackRegistry(registry) ? 'http' : 'https';
  const url = `${scheme}://${registry}/v2/${repository}/manifests/${tag ?? 'latest'}`;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 200) {
      return { state: 'present', digest: response.headers.get('docker-content-digest') ?? undefined };
    }
    if (response.status === 404) return { state: 'absent' };
    return { state: 'unknown', reason: `${url} answered HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { state: 'unreachable', reason: `${url}: ${why}` };
  }
}
