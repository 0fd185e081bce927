/**
 * A task's timeout, as pipeline.yaml says it and kfp-kubernetes writes it.
 *
 * kfp-kubernetes' set_timeout(task, seconds) takes an int of seconds and
 * writes the pod's activeDeadlineSeconds (an int64, so its JSON form is text:
 * '3600'). pipeline.yaml takes that int, or the same time as a whole number
 * and one unit (90s, 30m, 2h, 1d), which reads better for long tasks.
 * Kubernetes refuses a pod whose activeDeadlineSeconds is not 1 to 2^31 - 1
 * (ValidatePodSpec), so nothing else is taken: a timeout that would only fail
 * on the cluster fails at compile. 0, which set_timeout takes as "none", is
 * refused too: leaving the key out says that.
 */

/** Kubernetes' limit for a pod's activeDeadlineSeconds (math.MaxInt32), about 68 years. */
export const MAX_TIMEOUT_SECONDS = 2147483647;

/** The units a duration may end in, in seconds. */
export const TIMEOUT_UNITS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export type TaskTimeout = { seconds: number } | { problem: string };

const DURATION = /^([1-9][0-9]*)([smhd])$/;
const FORMS = 'a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d';

/** pipeline.yaml's `timeout` value as seconds, or why it is no timeout. */
export function taskTimeout(value: unknown): TaskTimeout {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { problem: `must be ${FORMS} (got ${shown(value)}).` };
    return inRange(value, shown(value));
  }
  if (typeof value === 'string') {
    const duration = DURATION.exec(value);
    if (duration) return inRange(Number(duration[1]) * TIMEOUT_UNITS[duration[2] as keyof typeof TIMEOUT_UNITS], shown(value));
    if (/^0+[smhd]?$/.test(value)) return { problem: zero() };
    const hint = /^\d+$/.test(value) ? ` Write ${value} unquoted for seconds, or ${Number(value)}s.` : /^\d+\.\d+[smhd]$/.test(value) ? ' Use a smaller unit for a fraction (90m, not 1.5h).' : '';
    return { problem: `must be ${FORMS} (got ${JSON.stringify(value)}).${hint}` };
  }
  return { problem: `must be ${FORMS} (got ${shown(value)}).` };
}

/** As the user wrote it, near enough: NaN and Infinity are no JSON. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function zero(): string {
  return 'must be 1 second or more; for no timeout, leave the key out (the task then gets deploy.task_timeout_seconds, if the settings give one).';
}

function inRange(seconds: number, text: string): TaskTimeout {
  if (seconds === 0) return { problem: zero() };
  if (seconds < 0) return { problem: `must be positive (got ${text}).` };
  if (seconds > MAX_TIMEOUT_SECONDS) {
    return { problem: `${text} is more than ${MAX_TIMEOUT_SECONDS} seconds (about 68 years), the most Kubernetes takes for a pod's activeDeadlineSeconds.` };
  }
  return { seconds };
}
