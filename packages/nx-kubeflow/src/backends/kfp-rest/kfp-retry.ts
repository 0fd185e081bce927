import { KfpApiError } from './kfp-errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first wait; each next one doubles. */
  baseDelayMs: number;
  /** Replaceable so tests do not wait. */
  sleep: (ms: number) => Promise<void>;
  /** A line for the log about a failed attempt and the wait before the next. */
  onRetry?: (message: string) => void;
  /**
   * How long a create that got no answer may still take to land on the
   * server: about one call's deadline (kfp.timeout_seconds). The lookups for
   * a create that must not be sent twice span this long.
   */
  lateWriteMs: number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRetryable(error: unknown): error is KfpApiError {
  return error instanceof KfpApiError && error.retryable;
}

/** For idempotent calls (GET, enable, disable): again after 5xx, timeouts and connection faults, with exponential backoff. */
export async function withRetries<T>(policy: RetryPolicy, what: string, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.retries) throw error;
      const delay = policy.baseDelayMs * 2 ** attempt;
      policy.onRetry?.(`${what} failed (${error.message}); attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
      await policy.sleep(delay);
    }
  }
}

/**
 * Whether sending a create again is safe, and why: a create whose answer
 * was lost may have happened, or may still happen after we gave up waiting.
 */
export type CreateUniqueness =
  /**
   * The server refuses a second one of that name (409): pipeline names per
   * namespace, version names per pipeline, experiment display names per
   * namespace. So a create sent again while the first still lands late
   * makes no second one: one of the two is refused, and the lookup after a
   * 409 finds the other. After any retryable failure it is looked up once,
   * then sent again.
   */
  | { nameUniqueOnServer: true }
  /**
   * Nothing on the server stops a second one (runs, recurring runs): the
   * display name is only our token to find it by. Sent again only when the
   * failure settles that it was not made: the request never left, or the
   * API server answered and a lookup right after finds nothing. After an
   * unknown outcome (no answer, a gateway's timeout) it is never sent again:
   * it is looked for over policy.lateWriteMs, and when still absent the
   * error says it may yet appear and to check `where` (e.g. experiment
   * "nightly") in the KFP UI.
   */
  | { nameUniqueOnServer: false; where: string };

export interface CreateSteps<T> {
  create: () => Promise<T>;
  /** What the create would have made (by name, by client token); undefined when absent. */
  find: () => Promise<T | undefined>;
}

/**
 * For a call that creates something: a failed or unanswered create may
 * still have happened on the server, so before each new attempt look for
 * what it would have made and take that instead. A conflict (409) means it
 * exists: look it up too. See CreateUniqueness for when a create is sent
 * again at all.
 */
export async function createOnce<T>(policy: RetryPolicy, what: string, steps: CreateSteps<T> & CreateUniqueness): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await steps.create();
    } catch (error) {
      const conflict = error instanceof KfpApiError && error.details.status === 409;
      if (!conflict && !isRetryable(error)) throw error;
      const failed = error as KfpApiError;
      if (!steps.nameUniqueOnServer && failed.outcomeUnknown) return findLateCreate(policy, what, steps.where, steps.find, failed);
      if (!failed.neverSent) {
        const found = await withRetries(policy, `looking for ${what} after a failed create`, steps.find);
        if (found !== undefined) {
          policy.onRetry?.(`${what}: ${failed.message}; but the create had happened on the server, so that is used`);
          return found;
        }
      }
      if (conflict || attempt >= policy.retries) throw error;
      const delay = policy.baseDelayMs * 2 ** attempt;
      const why = failed.neverSent
        ? 'it never reached the server'
        : failed.outcomeUnknown
          ? 'not on the server (yet); sending it again is safe, the server refuses a second of that name'
          : 'not created on the server';
      policy.onRetry?.(`${what} failed (${failed.message}); ${why}: attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
      await policy.sleep(delay);
    }
  }
}

/** Waits between the looks for a late create: doubling, summing to windowMs. */
export function lateLookupWaits(windowMs: number): number[] {
  return [1, 2, 4, 8].map((share) => Math.round((windowMs * share) / 15));
}

/** After a create of unknown outcome that must not be sent again: look for it a few times; take it or say where to check. */
async function findLateCreate<T>(policy: RetryPolicy, what: string, where: string, find: () => Promise<T | undefined>, failure: KfpApiError): Promise<T> {
  const waits = lateLookupWaits(policy.lateWriteMs);
  const window = `${waits.reduce((sum, wait) => sum + wait, 0) / 1000}s`;
  const check = `Check the KFP UI (${where}) for ${what} before deploying again: deploying again makes another one.`;
  policy.onRetry?.(`${what}: ${failure.message} It may have been created on the server, or may still be, so it is not sent again; looking for it by name for up to ${window}`);
  for (let look = 1; ; look++) {
    let found: T | undefined;
    try {
      found = await withRetries(policy, `looking for ${what} after an unanswered create`, find);
    } catch (lookupError) {
      throw new KfpApiError(
        `${what} in ${where}: ${failure.message} It was sent once and may have been created, or may still be; looking for it failed (${(lookupError as Error).message}). ${check}`,
        failure.details,
      );
    }
    if (found !== undefined) {
      policy.onRetry?.(`${what}: found on the server (look ${look} of ${waits.length + 1}): the unanswered create had happened, so that is used`);
      return found;
    }
    if (look > waits.length) break;
    await policy.sleep(waits[look - 1]);
  }
  throw new KfpApiError(
    `${what} in ${where}: ${failure.message} It was sent once and not again (nothing on the server stops a second one), and not found by name within ${window}, ` +
      `but it may still appear on the server. ${check}`,
    failure.details,
  );
}
