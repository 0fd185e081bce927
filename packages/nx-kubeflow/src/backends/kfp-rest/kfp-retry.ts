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
 * For a call that creates something: a failed or unanswered create may
 * still have happened on the server, so before each new attempt look for
 * what it would have made (by name, by client token) and take that instead.
 * A conflict (409) means it exists: look it up too. So a retried call never
 * leaves a duplicate.
 */
export async function createOnce<T>(
  policy: RetryPolicy,
  what: string,
  steps: { create: () => Promise<T>; find: () => Promise<T | undefined> },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await steps.create();
    } catch (error) {
      const conflict = error instanceof KfpApiError && error.details.status === 409;
      if (!conflict && (!isRetryable(error) || attempt >= policy.retries)) throw error;
      const found = await withRetries(policy, `looking for ${what} after a failed create`, steps.find);
      if (found !== undefined) {
        policy.onRetry?.(`${what}: ${(error as Error).message}; but the create had happened on the server, so that is used`);
        return found;
      }
      if (conflict || attempt >= policy.retries) throw error;
      const delay = policy.baseDelayMs * 2 ** attempt;
      policy.onRetry?.(`${what} failed (${(error as Error).message}); not created on the server, attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
      await policy.sleep(delay);
    }
  }
}
