#!/usr/bin/env node
// Compile time of a large pipeline (default 200 tasks): the plugin's IR
// compiler against the real kfp SDK compiling the same pipeline, written as
// Python DSL, on the same machine. Both outputs are checked equal first
// (apart from sdkVersion), so the two sides do the same work.
//
//   node tools/bench/ir-compile.mjs            # BENCH_TASKS=200 BENCH_RUNS=5
//
// Rows: a cold process each (what `python pipeline.py` and a compile without
// Nx cost, start-up and imports included), and in-process compile only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { quote, timeCommand } from './lib/timing.mjs';
import { buildPlugin, makeTempDir, SOURCE_WORKSPACE } from './lib/workspace.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}


/** The venv the conformance tests use (tmp/kfp-venv), made here when absent. */
function kfpPython() {
  const python = join(SOURCE_WORKSPACE, 'tmp/kfp-venv/bin/python');
  if (!existsSync(python)) {
    console.log('Creating tmp/kfp-venv with the latest kfp 2.x...');
    run('python3', ['-m', 'venv', join(SOURCE_WORKSPACE, 'tmp/kfp-venv')]);
    run(python, ['-m', 'pip', 'install', '--quiet', 'kfp>=2,<3', 'kfp-kubernetes']);
  }
  return python;
}

const PRODUCER = `name: producer
inputs:
- {name: rows, type: Integer, default: '100'}
- {name: seed, type: Integer}
outputs:
- {name: dataset, type: Dataset}
- {name: row_count, type: Integer}
implementation:
  container:
    image: producer
    command: [python, src/run.py]
    args: [--rows, {inputValue: rows}, --seed, {inputValue: seed}, --dataset, {outputPath: dataset}, --row-count, {outputPath: row_count}]
`;
const TRANSFORMER = `name: transformer
inputs:
- {name: dataset, type: Dataset}
- {name: scale, type: Float, default: '1.0'}
- {name: label, type: String, optional: true}
outputs:
- {name: transformed, type: Dataset}
- {name: metrics, type: Metrics}
implementation:
  container:
    image: transformer
    command: [python, src/run.py]
    args:
    - --dataset
    - {inputPath: dataset}
    - --scale
    - {inputValue: scale}
    - if: {cond: {isPresent: label}, then: [--label, {inputValue: label}]}
    - --out
    - {outputPath: transformed}
    - {concat: [--metrics=, {outputPath: metrics}]}
`;

/** A chain with fan-in every tenth task, and every feature on some tasks. */
function pipelineOf(taskCount) {
  const tasks = [{ name: 'task-0', component: 'producer', arguments: { seed: { kind: 'parameter', parameter: 'seed' } }, after: [] }];
  for (let i = 1; i < taskCount; i++) {
    const task = {
      name: `task-${i}`,
      component: 'transformer',
      arguments: {
        dataset: { kind: 'task-output', task: `task-${i - 1}`, output: i === 1 ? 'dataset' : 'transformed' },
        scale: i % 3 === 0 ? { kind: 'parameter', parameter: 'scale' } : { kind: 'literal', value: 0.5 },
      },
      after: i % 10 === 0 && i >= 5 ? [`task-${i - 5}`] : [],
    };
    if (i % 4 === 0) task.arguments.label = { kind: 'literal', value: `step ${i}` };
    if (i % 7 === 0) task.caching = false;
    if (i % 5 === 0) task.retry = { max_retry_count: 3, backoff_duration: '60s', backoff_factor: 2 };
    if (i % 6 === 0) task.resources = { cpu_limit: '2', memory_limit: '8G' };
    if (i % 9 === 0) task.env = { LOG_LEVEL: 'debug' };
    if (i % 20 === 0) task.secrets = [{ secret_name: 'warehouse', keys: { password: 'DB_PASSWORD' } }];
    tasks.push(task);
  }
  return {
    file: 'bench/pipeline.yaml',
    name: `bench-${taskCount}-tasks`,
    description: 'Benchmark pipeline',
    parameters: [
      { name: 'seed', type: 'Integer', default: 42 },
      { name: 'scale', type: 'Float', default: 2.0 },
    ],
    tasks,
  };
}

const comparable = (file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    const json = doc.toJSON();
    delete json.sdkVersion;
    return json;
  });

const dir = makeTempDir('ir-compile');
const dist = buildPlugin();
const python = kfpPython();
for (const [name, text] of [['producer', PRODUCER], ['transformer', TRANSFORMER]]) {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'component.yaml'), text);
}
const job = {
  out: join(dir, 'plugin.yaml'),
  pipeline: pipelineOf(TASKS),
  components: Object.fromEntries(
    ['producer', 'transformer'].map((name) => [name, { file: join(dir, name, 'component.yaml'), image: `registry.example.com/${name}:1`, usesComponentRuntime: false }]),
  ),
  settingsEnv: 'development',
};
const jobFile = join(dir, 'job.json');
writeFileSync(jobFile, JSON.stringify(job));
writeFileSync(join(dir, 'jobs.json'), JSON.stringify([{ ...job, out: join(dir, 'kfp.yaml') }]));

// The DSL file the kfp side runs: what the reference compiler generates, made runnable on its own.
const dslFile = join(dir, 'pipeline_dsl.py');
const source = run(python, ['-c', `import json, sys; sys.path.insert(0, ${JSON.stringify(join(SOURCE_WORKSPACE, 'tools/kfp-reference'))}); import compile_reference as c; print(c.generate_source(json.load(open(${JSON.stringify(join(dir, 'jobs.json'))}))[0]))`]);
writeFileSync(dslFile, `_out = ${JSON.stringify(join(dir, 'kfp.yaml'))}\n${source}`);

console.log(`Checking both compile the ${TASKS}-task pipeline to the same IR...`);
run(process.execPath, [join(SOURCE_WORKSPACE, 'tools/bench/lib/compile-with-plugin.cjs'), dist, jobFile]);
run(python, [dslFile]);
if (JSON.stringify(comparable(join(dir, 'plugin.yaml'))) !== JSON.stringify(comparable(join(dir, 'kfp.yaml')))) {
  throw new Error(`The plugin and kfp compiled different IR; compare ${dir}/plugin.yaml and ${dir}/kfp.yaml`);
}
console.log('Same IR (apart from sdkVersion).');

const cold = [
  timeCommand({ name: 'plugin, cold node process', command: `${quote(process.execPath)} ${quote(join(SOURCE_WORKSPACE, 'tools/bench/lib/compile-with-plugin.cjs'))} ${quote(dist)} ${quote(jobFile)}` }, { runs: RUNS, warmup: 1 }),
  timeCommand({ name: 'kfp SDK, cold python process', command: `${quote(python)} ${quote(dslFile)}` }, { runs: RUNS, warmup: 1 }),
];
const pluginInProcess = JSON.parse(
  run(process.execPath, [join(SOURCE_WORKSPACE, 'tools/bench/lib/compile-with-plugin.cjs'), dist, jobFile], { env: { ...process.env, BENCH_REPEAT: String(RUNS + 1) } }),
).compile_s.slice(1);
const kfpInProcess = JSON.parse(run(python, [join(SOURCE_WORKSPACE, 'tools/bench/lib/kfp_compile_in_process.py'), dslFile, join(dir, 'kfp.yaml'), String(RUNS + 1)]));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

console.log(`\n${TASKS} tasks, ${RUNS} runs each (after one warm-up)\n`);
console.log('| what | mean | min | max |');
console.log('|---|---|---|---|');
for (const row of cold) console.log(`| ${row.name} | ${row.mean.toFixed(3)} s | ${row.min.toFixed(3)} s | ${row.max.toFixed(3)} s |`);
const inProcessRows = [
  ['plugin, compile only (in process)', pluginInProcess],
  [`kfp SDK, define + compile (in process, after ${kfpInProcess.import_s.toFixed(2)} s of imports)`, kfpInProcess.compile_s.slice(1)],
];
for (const [name, values] of inProcessRows) {
  console.log(`| ${name} | ${mean(values).toFixed(3)} s | ${Math.min(...values).toFixed(3)} s | ${Math.max(...values).toFixed(3)} s |`);
}
console.log(`\nratio kfp / plugin: cold ${(cold[1].mean / cold[0].mean).toFixed(1)}x, in process ${(mean(inProcessRows[1][1]) / mean(pluginInProcess)).toFixed(1)}x`);
