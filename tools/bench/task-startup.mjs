#!/usr/bin/env node
// Benchmark: what one task of a component built on component-runtime costs to
// start, and a chain of such tasks run by nx-kubeflow's local runner against the
// same chain run by kfp.local's SubprocessRunner (install_kfp_package=False).
//
//   node tools/bench/task-startup.mjs [--runs 10] [--warmup 1] [--tasks 20] [--diagnose] [--baseline <git rev>]
//   (or BENCH_RUNS / BENCH_WARMUP / BENCH_TASKS; BENCH_KEEP=1 keeps the tree;
//    BENCH_CACHE: where the kfp venv is kept between runs, default ~/.cache/nx-kubeflow-bench)
//
// --diagnose adds `python -X importtime` of the task's start-up, largest imports first.
// --baseline adds the start-up rows with component-runtime's Python sources as they were at
// that revision (before/after in one session, the same venv and load; PYTHONPATH puts them
// ahead of the editable install).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, markdownTable, quote, timeCommand } from './lib/timing.mjs';
import { buildPlugin, copyMinimalWorkspace, makeTempDir, nx, removeUnlessKept, SOURCE_WORKSPACE, sourceRevision } from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
    tasks: { type: 'string', default: process.env.BENCH_TASKS ?? '20' },
    diagnose: { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const TASKS = Number(flags.tasks);
const COMPONENT = 'bench-task';
const KFP_VERSION = '2.17.3';
const PYTHON = process.env.PYTHON ?? 'python3';
// Bytecode as a user's machine has it: Python writes __pycache__ on the first run of the
// editable sources (component-runtime, the component's src/lib) and reads it from then on.
// A shell that sets PYTHONDONTWRITEBYTECODE (this machine's does) would make every task
// compile them again; --diagnose times that case too.
const DONT_WRITE_BYTECODE = process.env.PYTHONDONTWRITEBYTECODE;
delete process.env.PYTHONDONTWRITEBYTECODE;

/** A venv holding kfp==2.17.3, made once and kept in the cache folder (pip downloads ~40 MB). */
function kfpVenv() {
  const version = execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
  const dir = join(process.env.BENCH_CACHE ?? join(homedir(), '.cache/nx-kubeflow-bench'), `kfp-${KFP_VERSION}-py${version}`);
  const python = join(dir, 'bin/python');
  const hasKfp = () =>
    existsSync(python) && spawnSync(python, ['-c', `import kfp, sys; sys.exit(kfp.__version__ != ${JSON.stringify(KFP_VERSION)})`]).status === 0;
  if (!hasKfp()) {
    console.log(`Making ${dir} (pip install kfp==${KFP_VERSION})...`);
    mkdirSync(dir, { recursive: true });
    execFileSync(PYTHON, ['-m', 'venv', '--clear', dir], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', `kfp==${KFP_VERSION}`], { stdio: 'inherit' });
    if (!hasKfp()) throw new Error(`${dir} does not import kfp ${KFP_VERSION} after pip install`);
  }
  return python;
}

/** component-runtime's package folder as it was at `revision`, written under `dir` (git show, no checkout). */
function baselineRuntime(revision, dir) {
  const git = (...args) => execFileSync('git', ['-C', SOURCE_WORKSPACE, ...args], { encoding: 'utf8' });
  const folder = 'packages/component-runtime/src/component_runtime';
  const short = git('rev-parse', '--short', `${revision}^{commit}`).trim();
  mkdirSync(join(dir, 'component_runtime'), { recursive: true });
  for (const path of git('ls-tree', '--name-only', `${short}:${folder}`).split('\n').filter(Boolean)) {
    writeFileSync(join(dir, 'component_runtime', path), git('show', `${short}:${folder}/${path}`));
  }
  return { dir, revision: short };
}

/** Runs a side once in a fresh process and returns {seconds, cpuSeconds} as it reports them. */
function timeSide(program, args, env = process.env) {
  const result = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const last = result.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** `python -X importtime` lines, the largest cumulative times first (top-level packages only). */
function importTimes(python, args, cwd, env) {
  const result = spawnSync(python, ['-X', 'importtime', ...args], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importtime run failed:\n${result.stderr}`);
  const rows = [];
  for (const line of result.stderr.split('\n')) {
    const match = /^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)/.exec(line);
    if (match && match[3].length <= 3) rows.push({ self: Number(match[1]), cumulative: Number(match[2]), depth: (match[3].length - 1) / 2, name: match[4] });
  }
  return rows.sort((a, b) => b.cumulative - a.cumulative);
}

const root = makeTempDir('task-startup');
try {
  console.log(`workspace: ${root}`);
  console.log(`source: ${sourceRevision()}`);
  if (DONT_WRITE_BYTECODE) console.log(`PYTHONDONTWRITEBYTECODE=${DONT_WRITE_BYTECODE} in this shell: unset for the benchmark's processes`);
  const dist = buildPlugin();
  copyMinimalWorkspace(root);
  nx(root, ['g', 'nx-kubeflow:component', COMPONENT, '--inputs', 'text:String', '--outputs', 'result:String', '--no-interactive']);
  const projectRoot = `components/${COMPONENT}`;
  const componentDir = join(root, projectRoot);
  // The same trivial work as the kfp.local side: the output is the input.
  const libFile = join(componentDir, 'src/lib/bench_task.py');
  const lib = readFileSync(libFile, 'utf8');
  if (!lib.includes('"result": "",')) throw new Error(`${libFile} no longer returns "result": "" as the generator wrote it; update the benchmark`);
  writeFileSync(libFile, lib.replace('"result": "",', '"result": text,'));
  const kfpPython = kfpVenv();
  const chainHelper = join(SOURCE_WORKSPACE, 'tools/bench/lib/run-component-chain.cjs');
  const kfpHelper = join(SOURCE_WORKSPACE, 'tools/bench/lib/kfp_local_chain.py');
  const work = (side, round) => join(root, 'runs', `${side}-${round}`);
  const ours = (round) => timeSide(process.execPath, [chainHelper, dist, root, projectRoot, work('runner', round), String(TASKS)]);
  // The runner as it was before the fork server: every task a fresh interpreter (the before of the same session).
  const fresh = (round) =>
    timeSide(process.execPath, [chainHelper, dist, root, projectRoot, work('fresh', round), String(TASKS)], { ...process.env, NX_KUBEFLOW_PYTHON_FORK_SERVER: '0' });
  const theirs = (round) => timeSide(kfpPython, [kfpHelper, work('kfp', round), String(TASKS)]);

  // The runner's first run makes the component's venv (pip install), as the test target would: not timed.
  const started = Date.now();
  ours('venv');
  console.log(`first chain (venv created and installed): ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // One task's start-up, alone: what the runner starts for each task, without the runner.
  const python = join(componentDir, '.venv/bin/python');
  const taskEnv = {
    ENV_FOR_DYNACONF: 'development',
    PIPELINE_SETTINGS_TOML: '[default]\nlog_level = "INFO"\n\n[development]\nrows = 100\n',
    NX_KUBEFLOW_PIPELINE: 'startup-bench',
  };
  const envPrefix = Object.entries(taskEnv)
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');
  const inComponent = (command) => `cd ${quote(componentDir)} && ${envPrefix} ${command}`;
  const output = join(root, 'runs/alone/result.txt');
  mkdirSync(join(root, 'runs/alone'), { recursive: true });
  const runArgs = ['src/run.py', '--text', 'start', '--result', output];
  const startupCases = [
    { name: 'python -c pass (the venv interpreter, the floor)', command: inComponent(`${quote(python)} -c pass`) },
    { name: 'python -c "import component_runtime"', command: inComponent(`${quote(python)} -c 'import component_runtime'`) },
    { name: `python src/run.py (one task of ${COMPONENT})`, command: inComponent(`${quote(python)} ${runArgs.map(quote).join(' ')}`) },
  ];
  if (flags.baseline) {
    const baseline = baselineRuntime(flags.baseline, join(root, 'baseline'));
    const withBaseline = (args) => inComponent(`PYTHONPATH=${quote(baseline.dir)} ${quote(python)} ${args}`);
    const loaded = execFileSync('sh', ['-c', withBaseline(`-c 'import component_runtime; print(component_runtime.__file__)'`)], { encoding: 'utf8' }).trim();
    if (!loaded.startsWith(baseline.dir)) throw new Error(`the baseline run imported ${loaded}, not the sources in ${baseline.dir}`);
    startupCases.push(
      { name: `python -c "import component_runtime", component-runtime at ${baseline.revision} (baseline)`, command: withBaseline(`-c 'import component_runtime'`) },
      { name: `python src/run.py, component-runtime at ${baseline.revision} (baseline)`, command: withBaseline(runArgs.map(quote).join(' ')) },
    );
  }
  if (flags.diagnose) {
    startupCases.push(
      { name: 'python -c "import dynaconf"', command: inComponent(`${quote(python)} -c 'import dynaconf'`) },
      { name: 'kfp venv: _KFP_RUNTIME=true python -c "import kfp.dsl.executor_main" (what each kfp.local task imports)', command: `_KFP_RUNTIME=true ${quote(kfpPython)} -c 'import kfp.dsl.executor_main'` },
      {
        name: 'python src/run.py with PYTHONDONTWRITEBYTECODE=1 and no __pycache__ for the editable sources',
        command: inComponent(`PYTHONDONTWRITEBYTECODE=1 ${quote(python)} ${runArgs.map(quote).join(' ')}`),
        prepare: `find ${quote(join(root, 'packages/component-runtime/src'))} ${quote(join(componentDir, 'src'))} -name __pycache__ -prune -exec rm -rf {} +`,
      },
    );
  }
  console.log(`before timing: ${loadAverage()}`);
  const startupRows = startupCases.map((testCase) => timeCommand(testCase, settings));
  const written = readFileSync(output, 'utf8');
  if (written !== 'start') throw new Error(`src/run.py wrote ${JSON.stringify(written)} to ${output}, not "start"`);

  // The chains: the sides take turns (the order rotating each round), so a change
  // in the machine's load falls on all alike; each round gives paired ratios.
  const chainRows = { runner: [], kfp: [], fresh: [] };
  const sides = { runner: ours, kfp: theirs, fresh };
  for (let round = 0; round < settings.warmup + settings.runs; round++) {
    const order = ['runner', 'kfp', 'fresh'].map((_, i, all) => all[(i + round) % all.length]);
    const times = {};
    for (const side of order) times[side] = sides[side](round);
    if (round >= settings.warmup) for (const side of order) chainRows[side].push(times[side]);
    process.stdout.write(
      `round ${round + 1}: ${order.map((side) => `${side} ${times[side].seconds.toFixed(3)} s (CPU ${times[side].cpuSeconds.toFixed(3)} s)`).join(', ')}\n`,
    );
  }
  const after = loadAverage();

  console.log(`\nOne task's start-up, ${settings.runs} runs each after ${settings.warmup} warm-up\n`);
  console.log(markdownTable(startupRows));
  const ratios = chainRows.runner.map((run, i) => chainRows.kfp[i].seconds / run.seconds);
  const cpuRatios = chainRows.runner.map((run, i) => chainRows.kfp[i].cpuSeconds / run.cpuSeconds);
  const forkRatios = chainRows.runner.map((run, i) => chainRows.fresh[i].seconds / run.seconds);
  console.log(`\n${TASKS}-task chain, one task at a time, ${settings.runs} rounds after ${settings.warmup} warm-up, sides alternating\n`);
  console.log('| side | median (s) | mean (s) | min … max (s) | per task, median (ms) | CPU, median (s) | CPU per task (ms) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [side, name] of [
    ['runner', 'nx-kubeflow local runner (built), venv mode'],
    ['fresh', 'the same, a fresh interpreter per task (NX_KUBEFLOW_PYTHON_FORK_SERVER=0)'],
    ['kfp', `kfp.local SubprocessRunner(use_venv=False), install_kfp_package=False (kfp ${KFP_VERSION})`],
  ]) {
    const values = chainRows[side].map((run) => run.seconds);
    const cpu = median(chainRows[side].map((run) => run.cpuSeconds));
    console.log(
      `| ${name} | ${median(values).toFixed(3)} | ${mean(values).toFixed(3)} | ${Math.min(...values).toFixed(3)} … ${Math.max(...values).toFixed(3)} | ${((median(values) / TASKS) * 1000).toFixed(1)} | ${cpu.toFixed(3)} | ${((cpu / TASKS) * 1000).toFixed(1)} |`,
    );
  }
  console.log(
    `\nkfp.local / runner, median of the paired rounds: wall ${median(ratios).toFixed(2)}x, CPU ${median(cpuRatios).toFixed(2)}x (goal: at least 2x)`,
  );
  console.log(`fresh interpreters / fork server, median of the paired rounds: wall ${median(forkRatios).toFixed(2)}x`);
  console.log(`after timing: ${after}`);

  if (flags.diagnose) {
    const env = { ...process.env, ...taskEnv };
    console.log('\n`python -X importtime src/run.py`, top-level imports by cumulative time (µs):\n');
    console.log('| module | cumulative (µs) | self (µs) |');
    console.log('| --- | ---: | ---: |');
    for (const row of importTimes(python, runArgs, componentDir, env).filter((row) => row.depth === 0).slice(0, 15)) {
      console.log(`| ${row.name} | ${row.cumulative} | ${row.self} |`);
    }
  }
} finally {
  removeUnlessKept(root);
}
