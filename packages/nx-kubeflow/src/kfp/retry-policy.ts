/**
 * retryPolicy as kfp writes it (structures.RetryPolicy.to_proto): every field
 * present, kfp's defaults filled in (0s, factor 2.0, 3600s), durations
 * normalised to whole seconds.
 */
import type { RetryPolicy } from './pipeline-model';
import { Double } from './ir-values';
import type { ReportProblem } from './ir-compile-error';

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** normalize_time_string + convert_duration_to_seconds: '1 hour', '2hours', '60s', '1m'. */
export function durationToSeconds(duration: string): number | undefined {
  const parts = duration.replace(/ /g, '').split(/(\D+)/).filter((part) => part !== '');
  if (parts.length !== 2 || !/^\d+$/.test(parts[0])) return undefined;
  const perUnit = SECONDS_PER_UNIT[parts[1][0]];
  return perUnit === undefined ? undefined : Number(parts[0]) * perUnit;
}

export function retryPolicy(retry: RetryPolicy | undefined, report: ReportProblem): Record<string, unknown> | undefined {
  if (!retry) return undefined;
  const duration = (value: string | undefined, fallback: string, field: string) => {
    const seconds = durationToSeconds(value || fallback);
    if (seconds === undefined) report(`retry.${field}`, `${JSON.stringify(value)} is not a duration such as 30s, 5m, 1h, 2d or 1w`);
    return `${seconds ?? 0}s`;
  };
  const policy: Record<string, unknown> = {
    // Python's `x or default`: 0 and empty values fall back too.
    backoffDuration: duration(retry.backoff_duration, '0s', 'backoff_duration'),
    backoffFactor: new Double(retry.backoff_factor || 2.0),
    backoffMaxDuration: duration(retry.backoff_max_duration, '3600s', 'backoff_max_duration'),
  };
  // an int32 zero is proto3's default, which its JSON form leaves out
  if (retry.max_retry_count) policy.maxRetryCount = retry.max_retry_count;
  return policy;
}
