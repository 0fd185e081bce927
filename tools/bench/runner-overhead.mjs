#!/usr/bin/env node
// The local runner's own overhead per task: a pipeline of N no-op tasks
// (`true`, caching off, one at a time) run from its compiled IR, minus the
// time of spawning the same N processes directly.
//
//   node tools/bench/runner-overhead.mjs      # BENCH_TASKS=100 BENCH_RUNS=5
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, NX_ENV, SOURCE_WORKSPACE } from './lib/workspace.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const built = spawnSync('npx', ['nx', 'run', 'nx-kubeflow:build', '--outputStyle=static'], { cwd: SOURCE_WORKSPACE, env: { ...process.env, ...NX_ENV }, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
const dist = join(SOURCE_WORKSPACE, 'dist/packages/nx-kubeflow');
// The built package resolves its dependencies as an installed one would (yaml 2, not the root's yaml 1).
if (!existsSync(join(dist, 'node_modules'))) symlinkSync(join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules'), join(dist, 'node_modules'), 'dir');

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
