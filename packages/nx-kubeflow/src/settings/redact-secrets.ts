/**
 * What the `settings` target must not print. It writes to terminals and CI
 * logs, and settings hold secrets in three shapes: under a key that says so
 * (DYNACONF_WAREHOUSE__PASSWORD, kfp.cookies, aws.access_key_id), inside a URL
 * (image.pip_index_url = "https://__token__:pypi-...@pypi.example.com/simple")
 * and as `name=value` inside a string (a libpq DSN "host=db password=...", a
 * query string "?token=...", a JDBC "Password=...;").
 *
 * A key is split into words (at `_`, `-`, `.`, spaces and camelCase humps).
 * Short secret words count only as whole words, so `keyboard_layout`, `monkey`,
 * `passes`, `max_tokens`, `tokenizer` and `author` stay visible; long ones
 * (`password`, `secret`, `credential`, `cookie`) count anywhere in the key,
 * so `sslpassword` and `DBPASSWORD` are hidden. Where a key is ambiguous the
 * mask wins (`pass_rate` is hidden); `--show-secrets` shows everything.
 */

/** Whole words that name a secret. `keys`, `tokens` and `passes` are plurals of counts and lists, not secrets. */
const SECRET_WORDS = new Set([
  'key', 'pass', 'pwd', 'passwd', 'passphrase', 'token', 'auth', 'authorization', 'bearer', 'jwt',
  'apikey', 'privatekey', 'accesskey', 'secretkey', 'credential', 'credentials', 'cookie', 'cookies',
]);

/** Unambiguous spellings, matched anywhere in the key (`secretary` is the one English word to step around). */
const SECRET_PARTS = /passw(or)?d|secret(?!ar)|credential|cookie|api[-_]?key|private[-_]?key|access[-_]?key/i;

/** `key` in these is a data key (a column, a sort or cache key, an AWS key pair's name), not a secret. */
const DATA_KEY_BEFORE = new Set(['primary', 'foreign', 'sort', 'partition', 'join', 'cache', 'group', 'hash', 'range', 'lookup', 'row', 'composite', 'unique', 'dedup', 'index', 'distribution']);
const DATA_KEY_AFTER = new Set(['column', 'columns', 'col', 'cols', 'field', 'fields', 'name', 'names']);

/** `scheme://userinfo@`: the user part alone can be the token (https://<token>@github.com). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** `name=value` inside a string: a libpq DSN, a query string, a JDBC or ODBC connection string. */
const NAME_EQUALS_VALUE = /(^|[^A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]*)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s;&,'"]+)/g;

/** An HTTP credential quoted in a string: `Bearer <token>`, `Authorization: Basic <base64>`. */
const HTTP_CREDENTIAL = /\b(Bearer\s+|Authorization:\s*[A-Za-z]+\s+)[A-Za-z0-9._~+/-]+=*/gi;

export const REDACTED = '***';

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

export function isSecretKey(key: string): boolean {
  if (SECRET_PARTS.test(key)) return true;
  const words = wordsOf(key);
  return words.some((word, i) => {
    if (!SECRET_WORDS.has(word)) return false;
    if (word !== 'key') return true;
    return !DATA_KEY_BEFORE.has(words[i - 1] ?? '') && !DATA_KEY_AFTER.has(words[i + 1] ?? '');
  });
}

/** The text with the credentials of every URL in it replaced: https://***@host/... */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** The text with every secret it carries replaced: URL credentials, `password=...` and the like, bearer tokens. */
export function redactSecretsInText(text: string): string {
  return redactUrlCredentials(text)
    .replace(NAME_EQUALS_VALUE, (whole, before: string, name: string, equals: string) =>
      isSecretKey(name) ? `${before}${name}${equals}${REDACTED}` : whole,
    )
    .replace(HTTP_CREDENTIAL, `$1${REDACTED}`);
}

/** A copy of the settings with the value under every secret-looking key, and every secret inside a string, replaced. */
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return redactSecretsInText(value) as T;
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
