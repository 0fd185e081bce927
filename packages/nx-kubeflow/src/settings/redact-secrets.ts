/**
 * What the `settings` target must not print. It writes to terminals and CI
 * logs, and settings hold secrets in two shapes: under a key that says so
 * (DYNACONF_WAREHOUSE__PASSWORD, kfp.cookies) and inside a URL
 * (image.pip_index_url = "https://__token__:pypi-...@pypi.example.com/simple").
 */
const SECRET_KEY = /(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential|auth|cookie)/i;

/** `scheme://userinfo@`: the user part alone can be the token (https://<token>@github.com). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The text with the credentials of every URL in it replaced: https://***@host/... */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** A copy of the settings with the value under every secret-looking key, and every URL's credentials, replaced. */
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return redactUrlCredentials(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretKey(key) ? REDACTED : redactSecrets(item)]),
  ) as T;
}

/** Whether a leaf path such as `WAREHOUSE.password` passes through a secret-looking key. */
export function isSecretPath(path: string): boolean {
  return path.split('.').some(isSecretKey);
}
