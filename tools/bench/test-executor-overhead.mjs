#!/usr/bin/env node
// Benchmark: what `nx run <component>:test` costs on top of pytest itself,
// once the venv exists (the everyday case: install happens once, tests many times).
//
//   node tools/bench/test-executor-overhead.mjs [--runs 10] [--warmup 1] [--no-daemon-row] [--diagnose]
//   (or BENCH_RUNS / BENCH_WARMUP; BENCH_KEEP=1 keeps the tree)
//
// --diagnose adds rows that split the overhead: the interpreter probe the
// executor spawns, the executor's own work without Nx, and the graph alone.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage, markdownTable, quote, timeCommand } from './lib/timing.mjs';
import { copyMinimalWorkspace, makeTempDir, nx, nxBin, NX_ENV, removeUnlessKept, runNx, sourceRevision } from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
    'no-daemon-row': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
  },
});
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const COMPONENT = 'bench-exec';

const root = makeTempDir('executor');
let daemonStarted = false;
try {
  console.log(`workspace: ${root}`);
  console.log(`source: ${sourceRevision()}`);
  copyMinimalWorkspace(root);
  nx(root, ['g', 'nx-kubeflow:component', COMPONENT, '--no-interactive']);
  const componentDir = join(root, 'components', COMPONENT);

  // Warm the venv: the first run creates it and pip-installs; that is not what we time.
  const started = Date.now();
  nx(root, ['run', `${COMPONENT}:test`, '--skip-nx-cache']);
  console.log(`first run (venv created and installed): ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const inRoot = (command) => `cd ${quote(root)} && ${command}`;
  const inComponent = (command) => `cd ${quote(componentDir)} && ${command}`;
  const nxEnv = (daemon) =>
    Object.entries({ ...NX_ENV, NX_DAEMON: daemon ? 'true' : 'false' })
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
  const runTest = `run ${COMPONENT}:test --skip-nx-cache`;
  const junit = join(root, 'dist/test-results', COMPONENT, 'junit.xml');
  const cases = [
    {
      name: 'pytest directly',
      command: inComponent('ENV_FOR_DYNACONF=testing .venv/bin/python -m pytest -p no:cacheprovider'),
    },
    {
      // The exact command line the executor spawns, so the rows below differ from it by Nx and the executor only.
      name: 'pytest as the executor calls it',
      command: inComponent(
        `ENV_FOR_DYNACONF=testing PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest --junitxml=${quote(junit)} -o junit_suite_name=${COMPONENT} -p no:cacheprovider`,
      ),
    },
    { name: 'NX_DAEMON=false npx nx run …:test --skip-nx-cache', command: inRoot(`${nxEnv(false)} npx nx ${runTest}`) },
    {
      name: 'NX_DAEMON=false node_modules/.bin/nx run … (no npx)',
      command: inRoot(`${nxEnv(false)} ${quote(nxBin(root))} ${runTest}`),
    },
  ];
  if (flags.diagnose) {
    const alone = join(dirname(fileURLToPath(import.meta.url)), 'lib/executor-alone.cjs');
    cases.push(
      // findPythonInterpreter runs this before every test run ($PYTHON or python3 on PATH).
      {
        name: 'interpreter probe the executor spawns',
        command: `${process.env.PYTHON ? quote(process.env.PYTHON) : 'python3'} -c 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'`,
      },
      {
        name: 'executor code without Nx (node + swc + probe + pytest)',
        command: inRoot(`node -r @swc-node/register ${quote(alone)} ${quote(root)} components/${COMPONENT} ${COMPONENT}`),
      },
      // What the daemon-off run pays every time: building the project graph.
      { name: 'NX_DAEMON=false nx show projects (graph only)', command: inRoot(`${nxEnv(false)} ${quote(nxBin(root))} show projects`) },
    );
  }
  console.log(`before timing: ${loadAverage()}`);
  const rows = cases.map((testCase) => timeCommand(testCase, settings));

  if (!flags['no-daemon-row']) {
    // Timed last, and only once the daemon has built its graph: a daemon computing
    // in the background would slow down whatever else is being timed on this machine.
    const start = runNx(root, ['daemon', '--start'], { NX_DAEMON: 'true' });
    daemonStarted = start.status === 0;
    const ready = daemonStarted && runNx(root, ['show', 'projects'], { NX_DAEMON: 'true' }).status === 0;
    if (ready) {
      rows.push(
        timeCommand({ name: 'NX_DAEMON=true npx nx run …:test --skip-nx-cache', command: inRoot(`${nxEnv(true)} npx nx ${runTest}`) }, settings),
      );
    } else {
      console.log(`Nx daemon did not start, no daemon row:\n${start.stdout}\n${start.stderr}`);
    }
  }
  console.log(`\nWarm venv, ${settings.runs} runs each after ${settings.warmup} warm-up; differences against "pytest directly"\n`);
  console.log(`${markdownTable(rows)}\n\nafter timing: ${loadAverage()}`);
} finally {
  if (daemonStarted) {
    runNx(root, ['daemon', '--stop'], { NX_DAEMON: 'true' });
  }
  removeUnlessKept(root);
}
