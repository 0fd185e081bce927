import { existsSync } from 'node:fs';

/** Where a service account token is mounted in a Kubeflow notebook or pipeline pod. */
export const IN_CLUSTER_TOKEN_PATH = '/var/run/secrets/kubeflow/pipelines/token';
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_RETRIES = 3;

/** Where the bearer token comes from: said in logs, while the token itself never is. */
export type TokenSource = { kind: 'env'; variable: string; token: string } | { kind: 'file'; path: string; origin: string };

/** Everything the REST backend needs to reach one KFP API server. */
export interface KfpConnection {
  /** The API base URL without a trailing slash, e.g. https://kubeflow.example.com/pipeline. */
  baseUrl: string;
  /** kfp.namespace; empty: the server's default (single-user installs). */
  namespace: string;
  token?: TokenSource;
  /** A Cookie header value, e.g. an oauth2-proxy or Dex session. */
  cookies?: string;
  /** Sent as `kubeflow-userid` (or `userIdHeader`) where the cluster trusts that header. */
  userId?: string;
  userIdHeader: string;
  caFile?: string;
  insecureSkipTlsVerify: boolean;
  timeoutMs: number;
  /** Retries after the first attempt, for idempotent calls. */
  retries: number;
}

export interface KfpConnectionResult {
  connection?: KfpConnection;
  /** Every problem at once, each naming the setting or variable to fix; empty when `connection` is set. */
  problems: string[];
}

/**
 * The `kfp` settings table (as a plain object) and the environment ->
 * connection options. Keys read: host, namespace, token_path, cookies,
 * user_id, user_id_header, ca_file, insecure_skip_tls_verify,
 * timeout_seconds, retries. Variables: KF_PIPELINES_TOKEN,
 * KF_PIPELINES_SA_TOKEN_PATH, KF_PIPELINES_COOKIES. A token from the
 * environment wins over a token file, and the in-cluster file is used only
 * where it exists.
 */
export function kfpConnectionFrom(
  kfp: Record<string, unknown>,
  environ: Record<string, string | undefined> = process.env,
  fileExists: (path: string) => boolean = existsSync,
): KfpConnectionResult {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = kfp[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`kfp.${key} must be a string (it is ${JSON.stringify(value)}).`);
      return undefined;
    }
    return value;
  };
  const env = (name: string) => (environ[name] ? environ[name] : undefined);

  const host = text('host');
  let baseUrl = '';
  if (!host) problems.push('kfp.host is not set: give the KFP API base URL, e.g. "https://kubeflow.example.com/pipeline".');
  else {
    const url = parseUrl(host);
    if (url && (url.username || url.password)) {
      // Never echo it: the URL carries a credential, and this message goes to logs.
      problems.push(
        `kfp.host has a user name or password in it (https://user:...@host): that would be sent as Basic auth and printed in logs. ` +
          'Remove it, and give credentials as KF_PIPELINES_TOKEN, a token file (kfp.token_path) or cookies (KF_PIPELINES_COOKIES).',
      );
    } else if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`kfp.host "${host}" is not an http(s) URL: give the KFP API base URL, e.g. "https://kubeflow.example.com/pipeline".`);
    } else if (url.search || url.hash) {
      problems.push(`kfp.host "${url.origin}${url.pathname}" has a query or fragment (not shown, it may hold a credential): give the base URL only.`);
    } else baseUrl = url.toString().replace(/\/+$/, '');
  }

  const token = tokenSource(text('token_path'), environ, fileExists, problems);
  const cookies = env('KF_PIPELINES_COOKIES') ?? text('cookies');
  const userId = text('user_id');
  const userIdHeader = text('user_id_header') ?? 'kubeflow-userid';
  if (!/^[A-Za-z0-9-]+$/.test(userIdHeader)) problems.push(`kfp.user_id_header "${userIdHeader}" is not an HTTP header name.`);

  const caFile = text('ca_file');
  const insecure = kfp['insecure_skip_tls_verify'];
  if (insecure !== undefined && typeof insecure !== 'boolean') {
    problems.push(`kfp.insecure_skip_tls_verify must be true or false (it is ${JSON.stringify(insecure)}).`);
  }
  const insecureSkipTlsVerify = insecure === true;
  if (caFile && !fileExists(caFile)) problems.push(`kfp.ca_file "${caFile}" does not exist.`);
  if (caFile && insecureSkipTlsVerify) {
    problems.push('kfp.ca_file and kfp.insecure_skip_tls_verify are both set: verify with the CA file, or opt out of verification, not both.');
  }
  if ((caFile || insecureSkipTlsVerify) && baseUrl.startsWith('http:')) {
    problems.push(`kfp.ca_file / kfp.insecure_skip_tls_verify apply to https, but kfp.host is ${baseUrl}.`);
  }

  const timeoutSeconds = positiveNumber(kfp['timeout_seconds'], 'kfp.timeout_seconds', DEFAULT_TIMEOUT_SECONDS, problems);
  const retries = positiveNumber(kfp['retries'], 'kfp.retries', DEFAULT_RETRIES, problems, true);

  if (problems.length) return { problems };
  return {
    problems,
    connection: {
      baseUrl,
      namespace: text('namespace') ?? '',
      ...(token ? { token } : {}),
      ...(cookies ? { cookies } : {}),
      ...(userId ? { userId } : {}),
      userIdHeader,
      ...(caFile ? { caFile } : {}),
      insecureSkipTlsVerify,
      timeoutMs: Math.round(timeoutSeconds * 1000),
      retries: Math.floor(retries),
    },
  };
}

function tokenSource(
  tokenPath: string | undefined,
  environ: Record<string, string | undefined>,
  fileExists: (path: string) => boolean,
  problems: string[],
): TokenSource | undefined {
  const token = environ['KF_PIPELINES_TOKEN'];
  if (token) return { kind: 'env', variable: 'KF_PIPELINES_TOKEN', token: token.trim() };
  const fromEnv = environ['KF_PIPELINES_SA_TOKEN_PATH'];
  if (fromEnv) {
    if (fileExists(fromEnv)) return { kind: 'file', path: fromEnv, origin: 'KF_PIPELINES_SA_TOKEN_PATH' };
    problems.push(`KF_PIPELINES_SA_TOKEN_PATH names ${fromEnv}, which does not exist.`);
    return undefined;
  }
  if (tokenPath) {
    if (fileExists(tokenPath)) return { kind: 'file', path: tokenPath, origin: 'kfp.token_path' };
    problems.push(`kfp.token_path "${tokenPath}" does not exist.`);
    return undefined;
  }
  if (fileExists(IN_CLUSTER_TOKEN_PATH)) return { kind: 'file', path: IN_CLUSTER_TOKEN_PATH, origin: 'the in-cluster default' };
  return undefined;
}

function positiveNumber(value: unknown, name: string, fallback: number, problems: string[], zeroAllowed = false): number {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    problems.push(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number (it is ${JSON.stringify(value)}).`);
    return fallback;
  }
  return value;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** How the backend authenticates, for a log line: never a token or cookie value. */
export function describeAuth(connection: KfpConnection): string {
  const parts: string[] = [];
  if (connection.token?.kind === 'env') parts.push(`bearer token from ${connection.token.variable}`);
  if (connection.token?.kind === 'file') parts.push(`bearer token from ${connection.token.path} (${connection.token.origin})`);
  if (connection.cookies) parts.push('session cookies');
  if (connection.userId) parts.push(`${connection.userIdHeader} header`);
  return parts.length ? parts.join(', ') : 'no credentials';
}
