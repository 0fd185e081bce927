import { redactKnownSecrets } from './known-secrets';

/**
 * What the executors print, cleaned of every credential the process holds:
 * the one place their log lines and error messages pass before reaching a
 * terminal or a CI log.
 */
export function redactedLine(line: string): string {
  return redactKnownSecrets(line);
}

/** An error as the line a user reads: its message (its stack where asked), with no credential in it. */
export function redactedErrorMessage(error: unknown, withStack = false): string {
  const text = error instanceof Error ? (withStack && error.stack ? error.stack : error.message) : String(error);
  return redactKnownSecrets(text);
}

/** A log function that redacts before it hands the line on. */
export function redactingLog(log: (line: string) => void): (line: string) => void {
  return (line) => log(redactKnownSecrets(line));
}
