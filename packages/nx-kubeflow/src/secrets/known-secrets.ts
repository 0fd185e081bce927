/**
 * The credentials this process holds (the KFP token and session cookies,
 * registry passwords and tokens, the passwords in pip index URLs), kept so
 * that every line the plugin prints can be cleaned of them, whatever made
 * the line: our own messages, a server's error body that echoes the request
 * headers, an engine's output. Matching by value, not by shape, catches a
 * secret wherever a third party chose to repeat it.
 *
 * Each source registers its values where it reads them (one place per
 * source); printing goes through redactKnownSecrets at the few places that
 * print (the executors' loggers) and where errors become messages.
 */

export const REDACTED = '***';

/**
 * Below this length a value is replaced only where it stands alone (between
 * characters that cannot be part of a token), so that a 3-character password
 * does not blank out every word that contains those letters.
 */
const SHORT = 6;

export class KnownSecrets {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remembers a credential, with the forms it travels in (URL-encoded, JSON-escaped, base64 of user:password is registered by the caller). */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string') return;
    const trimmed = value.trim();
    if (!trimmed) return;
    for (const form of [trimmed, safeEncode(trimmed), JSON.stringify(trimmed).slice(1, -1)]) {
      if (form && !this.values.has(form)) {
        this.values.add(form);
        this.pattern = undefined;
      }
    }
  }

  /** A Cookie header: the whole value and each cookie's value, since a server may quote one cookie alone. */
  addCookieHeader(header: string | undefined | null): void {
    if (typeof header !== 'string') return;
    this.add(header);
    for (const part of header.split(';')) {
      const equals = part.indexOf('=');
      this.add(equals >= 0 ? part.slice(equals + 1) : part);
    }
  }

  /** The credentials inside a URL (`https://user:password@host`, or `https://<token>@host`). */
  addUrlCredentials(url: string | undefined | null): void {
    if (typeof url !== 'string') return;
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^\s/@]+)@/i.exec(url.trim());
    if (!match) return;
    const userinfo = match[1];
    const colon = userinfo.indexOf(':');
    if (colon < 0) {
      this.add(safeDecode(userinfo)); // a bare token as the user name
      return;
    }
    this.add(safeDecode(userinfo.slice(colon + 1)));
  }

  get size(): number {
    return this.values.size;
  }

  /** Length of the longest registered form: how far past a cut a credential that starts before it can reach. */
  get longestLength(): number {
    let longest = 0;
    for (const value of this.values) longest = Math.max(longest, value.length);
    return longest;
  }

  /**
   * Where `text` may be cut, at `at` or before it, so that no credential
   * redact() would hide is split by the cut: one that starts before `at` and
   * ends after it is left out whole (the cut moves to where it starts). Cut
   * there, the kept part redacted holds no piece of one, not even a prefix
   * that redact() could no longer recognise. `text` must reach far enough past
   * `at` to hold any credential that starts before it (longestLength more
   * characters); a bearer or basic credential of unknown length is matched as
   * far as `text` goes.
   */
  cutPoint(text: string, at: number): number {
    if (at >= text.length) return text.length;
    const patterns = [AUTH_SCHEME_VALUE];
    if (this.values.size > 0) patterns.push((this.pattern ??= buildPattern([...this.values])));
    let cut = Math.max(0, at);
    // Moving the cut back for one pattern can put it inside a match of the other (a token after "Bearer "): until it stays put.
    for (let moved = true; moved; ) {
      moved = false;
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          const start = match.index;
          if (start >= cut) break;
          if (start + match[0].length > cut) {
            cut = start;
            moved = true;
            break;
          }
        }
      }
    }
    return cut;
  }

  /**
   * The text with every known credential replaced by ***, and any bearer or
   * basic credential after its scheme (one this process may not hold: a
   * server echoing a proxy's own header, a token cut short).
   */
  redact(text: string): string {
    if (!text) return text;
    let redacted = text.replace(AUTH_SCHEME_VALUE, `$1${REDACTED}`);
    if (this.values.size === 0) return redacted;
    this.pattern ??= buildPattern([...this.values]);
    redacted = redacted.replace(this.pattern, REDACTED);
    return redacted;
  }

  /** For tests: forget everything. */
  clear(): void {
    this.values.clear();
    this.pattern = undefined;
  }
}

/** Longest first, so a cookie header is replaced whole before the cookie value inside it. */
function buildPattern(values: string[]): RegExp {
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const long = sorted.filter((value) => value.length >= SHORT).map(escapeRegExp);
  const short = sorted.filter((value) => value.length < SHORT).map(escapeRegExp);
  const alternatives = long.length ? [long.join('|')] : [];
  if (short.length) alternatives.push(`(?<!${TOKEN_CHAR})(?:${short.join('|')})(?!${TOKEN_CHAR}|=)`);
  return new RegExp(alternatives.map((alternative) => `(?:${alternative})`).join('|'), 'g');
}

/** `Bearer <token>` / `Basic <base64>` as an Authorization header carries them (not `basic /path`, nor *** itself). */
const AUTH_SCHEME_VALUE = /\b((?:[Bb]earer|Basic) +)[A-Za-z0-9][A-Za-z0-9._~+/=-]{7,}/g;

/** A character that may be part of a token, cookie value or base64 text (which may also end in =, but a key before = is not the value). */
const TOKEN_CHAR = '[A-Za-z0-9_\\-.~+/%]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The process's own: every source registers here, every printer redacts with it. */
export const knownSecrets = new KnownSecrets();

export function registerSecret(value: string | undefined | null): void {
  knownSecrets.add(value);
}

export function redactKnownSecrets(text: string): string {
  return knownSecrets.redact(text);
}
