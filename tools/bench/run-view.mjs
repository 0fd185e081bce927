#!/usr/bin/env node
// The run view at scale: 200 runs of a 500-task pipeline (run.json and the IR
// as the local runner writes them, the tasks' states made up), served by the
// built plugin. Times the API answers the page asks for (the runs list, a run
// with its graph laid out by elkjs: the first run, then runs of the same IR, a task) and, where
// chromium is installed, the page itself until every task node is drawn.
//
//   node tools/bench/run-view.mjs      # BENCH_TASKS=500 BENCH_RUN_COUNT=200 BENCH_RUNS=5
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildPlugin, makeTempDir, SOURCE_WORKSPACE } from './lib/workspace.mjs';
import { loadAverage } from './lib/timing.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 500);
const RUN_COUNT = Number(process.env.BENCH_RUN_COUNT ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const dist = buildPlugin();
const require = createRequire(import.meta.url);
const { parseComponentSpecOrThrow } = require(join(dist, 'src/kfp/component-spec.js'));
const { compilePipeline } = require(join(dist, 'src/kfp/ir-compiler.js'));
const { startRunView } = require(join(dist, 'src/ui/index.js'));

// a layered DAG: task i waits for task floor((i - 1) / 3), so the graph is wide and deep like a real one
const componentYaml = 'name: step\ninputs:\n- {name: x, type: Integer, default: "0"}\noutputs:\n- {name: y, type: Integer}\nimplementation:\n  container:\n    image: step\n    command: [sh, -c, \'echo 1 > "$0"\', {outputPath: y}]\n';
const components = new Map([['step', { project: 'step', spec: parseComponentSpecOrThrow(componentYaml, 'step/component.yaml'), image: 'step', usesComponentRuntime: false }]]);
const tasks = Array.from({ length: TASKS }, (_, i) => ({
  name: `step-${i}`,
  component: 'step',
  arguments: i === 0 ? {} : { x: { kind: 'task-output', task: `step-${Math.floor((i - 1) / 3)}`, output: 'y' } },
  after: [],
}));
const { yaml } = compilePipeline({ pipeline: { file: 'bench/pipeline.yaml', name: 'wide', parameters: [], tasks }, components });

const workspace = makeTempDir('run-view');
const states = ['SUCCEEDED', 'SUCCEEDED', 'CACHED', 'FAILED', 'SKIPPED'];
for (let r = 0; r < RUN_COUNT; r++) {
  const runId = `20261130-${String(100000 + r)}-bench`;
  const dir = join(workspace, 'dist/runs/wide', runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pipeline.yaml'), yaml);
  const started = Date.parse('2026-11-30T00:00:00Z') + r * 60_000;
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      pipelineName: 'wide',
      runId,
      state: 'SUCCEEDED',
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(started + 30_000).toISOString(),
      durationMs: 30_000,
      parameters: { seed: r },
      tasks: tasks.map((task, i) => ({
        name: task.name,
        componentName: 'comp-step',
        state: states[(i + r) % states.length],
        durationMs: 100 + i,
        attempts: 1,
        cached: false,
        outputs: { parameters: { y: 1 }, artifacts: {} },
        logFile: join(dir, task.name, 'log.txt'),
        warnings: [],
      })),
    }),
  );
}

const view = await startRunView({ workspaceRoot: workspace, port: 0 });
const timed = async (path) => {
  const started = process.hrtime.bigint();
  const response = await fetch(`${view.url}${path.slice(1)}`);
  const body = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: body.length };
};
const rows = [];
const measure = async (name, pathOf) => {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const result = await timed(pathOf(i));
    samples.push(result.ms);
    bytes = result.bytes;
  }
  rows.push([name, samples, bytes]);
};
const runPath = (i) => `/api/run?pipeline=wide&run=20261130-${String(100000 + i)}-bench`;
console.log(`\n${RUN_COUNT} runs of a ${TASKS}-task pipeline, ${RUNS} samples each; ${loadAverage()}\n`);
await measure('GET /api/runs (every run summarised)', () => '/api/runs');
await measure('GET /api/run, first run (graph laid out by elkjs), then other runs of the same IR', (i) => runPath(i));
await measure('GET /api/run again (layout kept while run.json is unchanged)', (i) => runPath(i));
await measure('GET /api/task (one task)', (i) => `/api/task?pipeline=wide&run=20261130-${String(100000 + i)}-bench&task=step-${i * 7}`);

let chromium;
try {
  chromium = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
} catch {
  chromium = undefined;
}
if (chromium) {
  const { chromium: driver } = require(join(SOURCE_WORKSPACE, 'node_modules/playwright-core'));
  const browser = await driver.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const pageSamples = [];
  const listSamples = [];
  for (let i = 0; i < RUNS; i++) {
    let started = Date.now();
    await page.goto(`${view.url}#/`);
    await page.waitForFunction((count) => document.querySelectorAll('table.runs tbody tr').length === count, RUN_COUNT);
    listSamples.push(Date.now() - started);
    started = Date.now();
    await page.goto(`${view.url}#/run/wide/20261130-${String(100000 + RUNS + i)}-bench`);
    await page.waitForFunction((count) => document.querySelectorAll('.node').length === count, TASKS);
    pageSamples.push(Date.now() - started);
  }
  await browser.close();
  rows.push(['page: the runs list, until every run row is drawn', listSamples, 0]);
  rows.push(['page: a run, until every task node is drawn', pageSamples, 0]);
} else {
  console.log('(no chromium on PATH: page rows left out)\n');
}
await view.close();

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
console.log('| what | mean | min | max | answer size |');
console.log('|---|---|---|---|---|');
for (const [name, samples, bytes] of rows) {
  console.log(`| ${name} | ${mean(samples).toFixed(0)} ms | ${Math.min(...samples).toFixed(0)} ms | ${Math.max(...samples).toFixed(0)} ms | ${bytes ? `${(bytes / 1024).toFixed(0)} KiB` : ''} |`);
}
console.log(`\n${loadAverage()}`);
if (!process.env.BENCH_KEEP) rmSync(workspace, { recursive: true, force: true });
