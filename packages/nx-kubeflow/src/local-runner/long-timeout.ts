/**
 * The longest delay Node's setTimeout holds: a longer one fires after 1 ms
 * (with a TimeoutOverflowWarning), so a 30-day task timeout would kill the
 * task at once.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

/** setTimeout for any delay: waits in steps of at most MAX_TIMER_DELAY_MS until the deadline. */
export function setLongTimeout(callback: () => void, delayMs: number, now: () => number = Date.now): LongTimeout {
  const deadline = now() + delayMs;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = deadline - now();
    if (remaining <= 0) {
      timer = undefined;
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_DELAY_MS));
  };
  arm();
  return {
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
