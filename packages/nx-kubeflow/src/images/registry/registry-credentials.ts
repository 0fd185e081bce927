/**
 * The user's credentials for a registry, read the way the engines read them,
 * so that the "is this tag already in the registry?" check sees what a pull
 * would see. Only for reading manifests; the values stay in memory and are
 * never logged (the `source` says which file, never what it holds).
 *
 * Files, first usable entry wins:
 *   $REGISTRY_AUTH_FILE, ${XDG_RUNTIME_DIR}/containers/auth.json,
 *   ~/.config/containers/auth.json   (podman, buildah)
 *   $DOCKER_CONFIG/config.json, default ~/.docker/config.json   (docker)
 * An entry is `auths[<key>]` with `auth` (base64 user:password) or
 * `identitytoken` (an OAuth2 refresh token, as `docker login` stores for some
 * registries). A key may carry a scheme and a path (`https://index.docker.io/v1/`,
 * `registry.example.com/team`): the longest key that is a prefix of
 * `<registry>/<repository>` wins. Docker's `credHelpers[<registry>]` and
 * `credsStore` keep the secret in a helper program: that is reported as
 * `helper`, and the caller asks the engine instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from '../../secrets/index';

export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'identity-token'; username?: string; token: string; source: string }
  | { kind: 'helper'; helper: string; source: string };

/** Environment lookup: DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, HOME. */
export type EnvLookup = (name: string) => string | undefined;

export const processEnv: EnvLookup = (name) => process.env[name];

/** The hosts Docker Hub is known by; its credentials are stored under https://index.docker.io/v1/. */
const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.includes(registry);
}

/** The auth files looked at, in order (whether or not they exist). */
export function authFiles(env: EnvLookup = processEnv): string[] {
  const home = env('HOME') || homedir();
  const files: string[] = [];
  const registryAuthFile = env('REGISTRY_AUTH_FILE');
  if (registryAuthFile) files.push(registryAuthFile);
  const runtimeDir = env('XDG_RUNTIME_DIR');
  if (runtimeDir) files.push(join(runtimeDir, 'containers', 'auth.json'));
  files.push(join(home, '.config', 'containers', 'auth.json'));
  files.push(join(env('DOCKER_CONFIG') || join(home, '.docker'), 'config.json'));
  return files;
}

/**
 * Credentials for `registry` (host[:port]) and, for path-scoped keys, the
 * repository; undefined when no file has any (anonymous access is then all
 * there is).
 */
export function findRegistryCredentials(
  registry: string,
  repository: string,
  env: EnvLookup = processEnv,
): RegistryCredentials | undefined {
  let helper: RegistryCredentials | undefined;
  for (const file of authFiles(env)) {
    const config = readJson(file);
    if (!config) continue;
    const fromHelper = helperFor(config, registry, file);
    if (fromHelper) {
      // Docker asks credHelpers/credsStore before auths; keep looking in the
      // other files for plain credentials, but remember the helper.
      helper ??= fromHelper;
      continue;
    }
    const entry = matchingEntry(config.auths, registry, repository);
    const credentials = entry && entryCredentials(entry, file);
    if (credentials) return credentials;
  }
  return helper;
}

interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  username?: string;
  password?: string;
}

interface AuthConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function readJson(file: string): AuthConfig | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as AuthConfig) : undefined;
  } catch {
    return undefined; // unreadable or not JSON: as if absent (the engine would complain, not us)
  }
}

function helperFor(config: AuthConfig, registry: string, file: string): RegistryCredentials | undefined {
  const keys = isDockerHub(registry) ? [registry, ...DOCKER_HUB_HOSTS, 'https://index.docker.io/v1/'] : [registry];
  for (const key of keys) {
    const named = config.credHelpers?.[key];
    if (named) return { kind: 'helper', helper: `docker-credential-${named}`, source: `${file} (credHelpers)` };
  }
  if (config.credsStore) {
    return { kind: 'helper', helper: `docker-credential-${config.credsStore}`, source: `${file} (credsStore)` };
  }
  return undefined;
}

/** `https://index.docker.io/v1/` -> `docker.io`; `http://host:5000/team/` -> `host:5000/team`. */
function normalizeKey(key: string): string {
  const bare = key.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  if (bare === 'index.docker.io/v1' || bare === 'index.docker.io' || bare === 'registry-1.docker.io') return 'docker.io';
  return bare;
}

function matchingEntry(auths: Record<string, AuthEntry> | undefined, registry: string, repository: string): AuthEntry | undefined {
  if (!auths || typeof auths !== 'object') return undefined;
  const host = isDockerHub(registry) ? 'docker.io' : registry;
  const target = `${host}/${repository}`;
  let best: { length: number; entry: AuthEntry } | undefined;
  for (const [key, entry] of Object.entries(auths)) {
    const normalized = normalizeKey(key);
    const matches = normalized === host || target === normalized || target.startsWith(`${normalized}/`);
    if (matches && (!best || normalized.length > best.length)) best = { length: normalized.length, entry };
  }
  return best?.entry;
}

function entryCredentials(entry: AuthEntry, file: string): RegistryCredentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  // Held in memory from here on: nothing this process prints may carry them (an engine or registry may echo them).
  const basic = username && password ? Buffer.from(`${username}:${password}`).toString('base64') : undefined;
  for (const secret of [entry.auth, basic, entry.identitytoken, password]) registerSecret(secret);
  if (entry.identitytoken) return { kind: 'identity-token', username, token: entry.identitytoken, source: file };
  if (username && password) return { kind: 'basic', username, password, source: file };
  return undefined;
}
