/**
 * Settings whose key says they hold a secret. The `settings` target prints to
 * terminals and CI logs, and DYNACONF_* variables meant for a component's
 * Python side (DYNACONF_WAREHOUSE__PASSWORD) would otherwise be echoed there.
 */
const SECRET_KEY = /(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential|auth)/i;

export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of the settings with the value under every secret-looking key replaced. */
export function redactSecrets<T>(value: T): T {
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
