// Cases timed in turn: each round runs every case once, so a change in the
// machine's load (other work on the same 2 vCPUs) falls on all of them alike,
// and each round gives paired differences. Used by graph-inference.mjs and target-overhead.mjs.
import { timeCommand } from './timing.mjs';

/**
 * Rows as timeCommand gives them, plus `times` (seconds, one per round) for
 * paired comparisons; `warmup` untimed rounds first.
 */
export function timeInRounds(cases, { runs, warmup }) {
  const samples = cases.map(() => ({ times: [], cpu: [] }));
  for (let round = 0; round < warmup + runs; round++) {
    cases.forEach((testCase, index) => {
      const { mean, cpu } = timeCommand(testCase, { runs: 1, warmup: 0 });
      if (round < warmup) return;
      samples[index].times.push(mean);
      if (cpu !== undefined) samples[index].cpu.push(cpu);
    });
  }
  return cases.map(({ name }, index) => {
    const { times, cpu } = samples[index];
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const stdev = times.length > 1 ? Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / (times.length - 1)) : 0;
    return {
      name,
      runs: times.length,
      mean,
      stdev,
      median: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      cpu: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined,
      times,
    };
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median over the rounds of (row - baseline), in ms: the paired difference. */
export function pairedDifferenceMs(row, baseline) {
  return median(row.times.map((time, round) => (time - baseline.times[round]) * 1000));
}
