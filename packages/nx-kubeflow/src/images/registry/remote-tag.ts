/**
 * Does a tag exist in its registry? A HEAD of the manifest (registry API v2),
 * with the user's credentials when the registry wants them:
 *
 * - 200 / 404 on the anonymous HEAD: present / absent.
 * - 401 `Bearer realm=...,service=...`: the token handshake (GET
 *   realm?service=&scope=repository:<repo>:pull, with Basic credentials when
 *   there are some for the registry, an identity token as an OAuth2 refresh
 *   token, else anonymously: public repositories on Docker Hub and ghcr.io
 *   need a token even then), and the HEAD again with the token.
 * - 401 `Basic`: the HEAD again with the credentials.
 * - Credentials kept by a credential helper (docker's credsStore/credHelpers):
 *   the engine is asked (`docker manifest inspect`) when it can be; else
 *   "unknown", naming the helper.
 *
 * "unknown" means: could not tell; the caller builds and pushes as if absent.
 * Credentials and tokens stay in this module's memory; no reason or log line
 * holds them.
 */
import { ContainerEngine, EngineRemoteState } from '../engines/container-engine';
import { isLoopbackRegistry, parseImageReference } from './image-reference';
import { EnvLookup, findRegistryCredentials, isDockerHub, processEnv, RegistryCredentials } from './registry-credentials';
import { registerSecret } from '../../secrets/index';

export type RemoteTagState =
  | { state: 'present'; digest?: string; via?: string }
  | { state: 'absent'; via?: string }
  | { state: 'unknown'; reason: string }
  | { state: 'unreachable'; reason: string };

export type { EngineRemoteState };

export interface RemoteTagOptions {
  timeoutMs?: number;
  /** Where DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR and HOME are read; default process.env. */
  env?: EnvLookup;
  /** Asked when the credentials are in a credential helper (only engines with remoteManifest can be). */
  engine?: Pick<ContainerEngine, 'name' | 'remoteManifest'>;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

class Unreachable extends Error {}

export async function remoteTagState(reference: string, options: RemoteTagOptions = {}): Promise<RemoteTagState> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const parsed = parseImageReference(reference);
  // No registry host: docker reads the name as Docker Hub's.
  const registry = parsed.registry ?? 'docker.io';
  const repository = parsed.registry || parsed.repository.includes('/') ? parsed.repository : `library/${parsed.repository}`;
  const apiHost = isDockerHub(registry) ? 'registry-1.docker.io' : registry;
  const scheme = isLoopbackRegistry(registry) ? 'http' : 'https';
  const url = `${scheme}://${apiHost}/v2/${repository}/manifests/${parsed.tag ?? 'latest'}`;
  const credentials = findRegistryCredentials(registry, repository, options.env ?? processEnv);

  const head = async (authorization?: string): Promise<Response> => {
    try {
      return await fetch(url, {
        method: 'HEAD',
        headers: { Accept: MANIFEST_TYPES, ...(authorization ? { Authorization: authorization } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Unreachable(`${url}: ${networkReason(error)}`);
    }
  };
  const answer = (response: Response, via: string): RemoteTagState | undefined => {
    if (response.status === 200) return { state: 'present', digest: response.headers.get('docker-content-digest') ?? undefined, via };
    if (response.status === 404) return { state: 'absent', via };
    return undefined;
  };

  try {
    const anonymous = await head();
    const direct = answer(anonymous, 'anonymous');
    if (direct) return direct;
    if (anonymous.status !== 401) return { state: 'unknown', reason: `${url} answered HTTP ${anonymous.status}` };

    const challenge = parseChallenge(anonymous.headers.get('www-authenticate') ?? '');
    let refused = `${url} answered HTTP 401`;
    if (challenge?.scheme === 'bearer' && challenge.params['realm']) {
      const usable = credentials?.kind === 'helper' ? undefined : credentials;
      const token = await fetchToken(challenge.params, repository, usable, timeoutMs);
      if (token.token) {
        const withToken = await head(`Bearer ${token.token}`);
        const via = usable ? `a token for the credentials in ${usable.source}` : 'an anonymous token';
        const result = answer(withToken, via);
        if (result) return result;
        refused = `${url} answered HTTP ${withToken.status} with ${via}`;
      } else {
        refused = token.reason;
      }
    } else if (challenge?.scheme === 'basic' && credentials?.kind === 'basic') {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      const withBasic = await head(`Basic ${basic}`);
      const result = answer(withBasic, `the credentials in ${credentials.source}`);
      if (result) return result;
      refused = `${url} answered HTTP ${withBasic.status} with the credentials in ${credentials.source}`;
    }

    if (credentials?.kind === 'helper') {
      if (options.engine?.remoteManifest) {
        const viaEngine = await options.engine.remoteManifest(reference);
        return viaEngine.state === 'unknown'
          ? { state: 'unknown', reason: `${refused}; ${options.engine.name} (credentials from ${credentials.helper}): ${viaEngine.reason}` }
          : { ...viaEngine, via: `${options.engine.name}, with the credentials of ${credentials.helper}` };
      }
      return {
        state: 'unknown',
        reason:
          `${refused}; the credentials for ${registry} are kept by ${credentials.helper} (${credentials.source}), ` +
          `which only docker is asked through here`,
      };
    }
    if (!credentials) {
      return { state: 'unknown', reason: `${refused}; no credentials for ${registry} (docker login / buildah login ${registry})` };
    }
    return { state: 'unknown', reason: refused };
  } catch (error) {
    if (error instanceof Unreachable) return { state: 'unreachable', reason: error.message };
    throw error;
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth.example/token",service="registry.example",scope="..."` */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const param of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[param[1].toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
  }
  return { scheme: match[1].toLowerCase(), params };
}

async function fetchToken(
  params: Record<string, string>,
  repository: string,
  credentials: Exclude<RegistryCredentials, { kind: 'helper' }> | undefined,
  timeoutMs: number,
): Promise<{ token?: string; reason: string }> {
  const scope = `repository:${repository}:pull`;
  let realm: URL;
  try {
    realm = new URL(params['realm']);
  } catch {
    return { reason: `the registry named a token service that is not a URL (${params['realm']})` };
  }
  let response: Response;
  try {
    if (credentials?.kind === 'identity-token') {
      // docker's way with an identity token: the OAuth2 refresh-token grant.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.token,
        client_id: 'nx-kubeflow',
        scope,
        ...(params['service'] ? { service: params['service'] } : {}),
      });
      response = await fetch(realm, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } else {
      if (params['service']) realm.searchParams.set('service', params['service']);
      realm.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (credentials?.kind === 'basic') {
        headers['Authorization'] = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      }
      response = await fetch(realm, { headers, signal: AbortSignal.timeout(timeoutMs) });
    }
  } catch (error) {
    return { reason: `the token service ${realm.origin}${realm.pathname} cannot be reached (${networkReason(error)})` };
  }
  const who = credentials ? `the credentials in ${credentials.source}` : 'no credentials';
  if (!response.ok) {
    return { reason: `the token service ${realm.origin}${realm.pathname} answered HTTP ${response.status} with ${who}` };
  }
  try {
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    registerSecret(token); // a bearer token now held: never printed, whoever echoes it
    return token ? { token, reason: '' } : { reason: `the token service ${realm.origin}${realm.pathname} returned no token` };
  } catch {
    return { reason: `the token service ${realm.origin}${realm.pathname} returned no JSON` };
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
