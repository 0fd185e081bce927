// Times shell commands with hyperfine when it is on PATH (it corrects for the
// shell's own start-up and handles warm-up and prepare steps), else with a
// plain loop here. Either way every case ends as the same summary row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import childrenCpu from './children-cpu.cjs';

const { childrenCpuSeconds } = childrenCpu;

export const quote = (text) => `'${String(text).replace(/'/g, `'\\''`)}'`;

export function hasHyperfine() {
  return process.env.BENCH_NO_HYPERFINE !== '1' && spawnSync('hyperfine', ['--version']).status === 0;
}

/**
 * @param {{name: string, command: string, prepare?: string}} testCase shell commands
 * @param {{runs: number, warmup: number}} settings
 * @returns {{name, runs, mean, stdev, median, min, max, cpu}} seconds; cpu: user + system,
 *   mean per run, which moves less than wall time when other work shares the machine (hyperfine's;
 *   without it, the loop's from /proc/self/stat, `sh -c` included; undefined where there is no /proc)
 */
export function timeCommand(testCase, { runs, warmup }) {
  const { times, cpu } = hasHyperfine() ? withHyperfine(testCase, runs, warmup) : withLoop(testCase, runs, warmup);
  return { name: testCase.name, ...summarize(times), cpu };
}

function withHyperfine({ name, command, prepare }, runs, warmup) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hyperfine-'));
  const exportFile = join(dir, 'result.json');
  const args = ['--runs', String(runs), '--warmup', String(warmup), '--style', 'basic', '--export-json', exportFile];
  if (prepare) args.push('--prepare', prepare);
  args.push('--command-name', name, command);
  const result = spawnSync('hyperfine', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`hyperfine failed for "${name}": ${command}`);
  const { times, user, system } = JSON.parse(readFileSync(exportFile, 'utf8')).results[0];
  rmSync(dir, { recursive: true, force: true });
  return { times, cpu: user + system };
}

function withLoop({ name, command, prepare }, runs, warmup) {
  const sh = (script) => {
    const result = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`"${name}" failed (exit ${result.status}): ${script}\n${result.stderr}`);
  };
  const times = [];
  let cpuTotal = 0;
  for (let i = 0; i < warmup + runs; i++) {
    if (prepare) sh(prepare);
    const cpuBefore = childrenCpuSeconds();
    const start = process.hrtime.bigint();
    sh(command);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (i >= warmup) {
      times.push(seconds);
      cpuTotal += childrenCpuSeconds() - cpuBefore;
    }
  }
  const cpu = Number.isNaN(cpuTotal) ? undefined : cpuTotal / runs;
  console.log(`${name}: ${runs} runs, mean ${summarize(times).mean.toFixed(3)} s`);
  return { times, cpu };
}

function summarize(times) {
  const n = times.length;
  const mean = times.reduce((a, b) => a + b, 0) / n;
  const stdev = n > 1 ? Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...times].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { runs: n, mean, stdev, median, min: sorted[0], max: sorted[n - 1] };
}

/** A Markdown table of results, with each row's difference from the first (the baseline). */
export function markdownTable(rows) {
  const ms = (seconds) => (seconds * 1000).toFixed(0);
  const base = rows[0];
  const lines = [
    '| case | runs | mean ± stdev (ms) | median (ms) | min … max (ms) | vs first row | CPU user+sys (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const delta = row === base ? '—' : `${row.mean >= base.mean ? '+' : '−'}${ms(Math.abs(row.mean - base.mean))} ms (×${(row.mean / base.mean).toFixed(2)})`;
    lines.push(
      `| ${row.name} | ${row.runs} | ${ms(row.mean)} ± ${ms(row.stdev)} | ${ms(row.median)} | ${ms(row.min)} … ${ms(row.max)} | ${delta} | ${row.cpu === undefined ? '—' : ms(row.cpu)} |`,
    );
  }
  return lines.join('\n');
}

/** Other work on the machine skews timings; print this next to every result. */
export const loadAverage = () => `load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`;
