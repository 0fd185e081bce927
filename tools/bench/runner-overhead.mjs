#!/usr/bin/env node
// The local runner's own overhead per task: a pipeline of N no-op tasks
// (`true`, caching off, one at a time) run from its compiled IR, minus the
// time of spawning the same N processes directly.
//
//   node tools/bench/runner-overhead.mjs      # BENCH_TASKS=100 BENCH_RUNS=5
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildPlugin, makeTempDir, SOURCE_WORKSPACE } from './lib/workspace.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const dist = buildPlugin();

const rows = [];
for (let run = 0; run <= RUNS; run++) {
  const workDir = makeTempDir('runner');
  const result = spawnSync(process.execPath, [join(SOURCE_WORKSPACE, 'tools/bench/lib/run-noop-pipeline.cjs'), dist, workDir, String(TASKS)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  if (run > 0) rows.push(JSON.parse(result.stdout)); // the first is a warm-up
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const overheads = rows.map((row) => ((row.runnerSeconds - row.directSeconds) / TASKS) * 1000);
console.log(`\n${TASKS} no-op tasks, parallel 1, ${RUNS} runs (after one warm-up)\n`);
console.log('| what | mean | min | max |');
console.log('|---|---|---|---|');
for (const [name, values] of [
  ['runner, whole run', rows.map((row) => row.runnerSeconds)],
  ['the same processes spawned directly', rows.map((row) => row.directSeconds)],
]) {
  console.log(`| ${name} | ${mean(values).toFixed(3)} s | ${Math.min(...values).toFixed(3)} s | ${Math.max(...values).toFixed(3)} s |`);
}
console.log(`| runner overhead per task | ${mean(overheads).toFixed(1)} ms | ${Math.min(...overheads).toFixed(1)} ms | ${Math.max(...overheads).toFixed(1)} ms |`);
