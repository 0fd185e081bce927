#!/usr/bin/env node
// Benchmark (issue 15): what nx-kubeflow's targets cost next to plain Nx targets
// doing the same work, in a user's workspace (the published package installed in
// node_modules, as graph-inference.mjs builds it). Side by side, in rounds:
//
//   test:    `nx:run-commands` running the executor's exact pytest command against
//            `nx run <component>:test` (same inputs, outputs, cache), uncached
//            (--skip-nx-cache) and cached (a cache hit), daemon off and on;
//   compile/deploy: an Nx no-op target (nx:noop, and nx:run-commands `true`)
//            against `compile --skip-nx-cache` and `deploy --run=false` to the
//            embedded backend (kfp.host = "local": compile, write the IR, publish
//            the version to dist/kfp-local; no cluster, no run), daemon off and on.
//
//   node tools/bench/target-overhead.mjs [--runs 10] [--warmup 1] [--no-daemon] [--source] [--rows test|pipeline|all]
//   (or BENCH_RUNS / BENCH_WARMUP; BENCH_KEEP=1 keeps the trees)
//
// --source times the same rows in this repository's own setup too (the plugin
// loaded from its TypeScript source), to show what that setup adds.
// --rows test times only the test rows (with the venv task alone against
// run-commands `true`); --rows pipeline only compile and deploy.
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadAverage, markdownTable, quote } from './lib/timing.mjs';
import { pairedDifferenceMs, timeInRounds } from './lib/rounds.mjs';
import {
  buildPlugin,
  copyMinimalWorkspace,
  makeTempDir,
  nx,
  nxBin,
  NX_ENV,
  readJson,
  removeUnlessKept,
  runNx,
  SOURCE_WORKSPACE,
  sourceRevision,
  writeJson,
} from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
    'no-daemon': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    rows: { type: 'string', default: 'all' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  // the usage is this file's opening comment
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(lines.slice(1, lines.findIndex((line, index) => index > 0 && !line.startsWith('//'))).map((line) => line.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
if (!['test', 'pipeline', 'all'].includes(flags.rows)) {
  console.error(`--rows must be test, pipeline or all, not ${flags.rows}`);
  process.exit(2);
}
const timeTest = flags.rows !== 'pipeline';
const timePipeline = flags.rows !== 'test';
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const COMPONENT = 'bench-exec';
const PIPELINE = 'bench-pipe';
/** Issue 15: each plugin target within this of its plain Nx counterpart. */
const BUDGET_MS = 100;

const sourceTree = makeTempDir('targets-source');
const installedTree = makeTempDir('targets-installed');
const packDir = makeTempDir('targets-pack');
const daemons = [];
try {
  console.log(`source tree: ${sourceTree}\ninstalled tree: ${installedTree}\nsource: ${sourceRevision()}`);
  copyMinimalWorkspace(sourceTree);
  nx(sourceTree, ['g', 'nx-kubeflow:component', COMPONENT, '--no-interactive']);
  nx(sourceTree, ['g', 'nx-kubeflow:pipeline', PIPELINE, `--components=${COMPONENT}`, '--no-interactive']);

  const tarball = JSON.parse(execFileSync('npm', ['pack', buildPlugin(), '--json', '--pack-destination', packDir], { cwd: packDir, encoding: 'utf8' }))[0].filename;
  makeUserWorkspace(installedTree, sourceTree, join(packDir, tarball));

  const trees = [['installed', installedTree], ...(flags.source ? [['source', sourceTree]] : [])];
  for (const [, tree] of trees) {
    addPlainTargets(tree);
    // the venv, made once: not what is timed
    nx(tree, ['run', `${COMPONENT}:test`, '--skip-nx-cache']);
    // fill the cache for the cached rows; the pipeline's first deploy publishes its version
    nx(tree, ['run', `${COMPONENT}:test`]);
    nx(tree, ['run', `${COMPONENT}:pytest-rc`]);
    if (timePipeline) nx(tree, ['run', `${PIPELINE}:deploy`, '--run=false']);
  }

  const results = [];
  for (const daemon of flags['no-daemon'] ? [false] : [false, true]) {
    for (const [label, tree] of trees) {
      if (daemon) {
        // started only now, and its graph built, so a daemon computing in the background slows nothing else
        const started = runNx(tree, ['daemon', '--start'], { NX_DAEMON: 'true' }).status === 0;
        if (!started || runNx(tree, ['show', 'projects'], { NX_DAEMON: 'true' }).status !== 0) {
          console.log(`Nx daemon did not start in the ${label} tree: no daemon rows`);
          continue;
        }
        daemons.push(tree);
      }
      const run = (args) => `cd ${quote(tree)} && ${nxEnv(daemon)} ${quote(nxBin(tree))} run ${args}`;
      const suffix = `${label}, daemon ${daemon ? 'on' : 'off'}`;
      console.log(`\ntiming (${suffix}): ${loadAverage()}`);
      const test = !timeTest ? undefined : timeInRounds(
        [
          { name: `run-commands pytest, uncached (${suffix})`, command: run(`${COMPONENT}:pytest-rc --skip-nx-cache`) },
          { name: `${COMPONENT}:test, uncached (${suffix})`, command: run(`${COMPONENT}:test --skip-nx-cache`) },
          { name: `run-commands pytest, cache hit (${suffix})`, command: run(`${COMPONENT}:pytest-rc`) },
          { name: `${COMPONENT}:test, cache hit (${suffix})`, command: run(`${COMPONENT}:test`) },
          // the share of the venv task test depends on (never cached: it checks the venv is up to date)
          { name: `${COMPONENT}:test --exclude-task-dependencies, uncached (${suffix})`, command: run(`${COMPONENT}:test --skip-nx-cache --exclude-task-dependencies`) },
          { name: `${COMPONENT}:test --exclude-task-dependencies, cache hit (${suffix})`, command: run(`${COMPONENT}:test --exclude-task-dependencies`) },
          // the venv task alone (up to date: the shell answers from the stamp its last full check left, venv-fresh-shell.ts)
          { name: `run-commands true (${suffix})`, command: run(`${COMPONENT}:true-rc`) },
          { name: `${COMPONENT}:venv, up to date (${suffix})`, command: run(`${COMPONENT}:venv`) },
        ],
        settings,
      );
      const pipeline = !timePipeline ? undefined : timeInRounds(
        [
          { name: `nx:noop (${suffix})`, command: run(`${PIPELINE}:noop`) },
          { name: `run-commands true (${suffix})`, command: run(`${PIPELINE}:true-rc`) },
          { name: `${PIPELINE}:compile --skip-nx-cache (${suffix})`, command: run(`${PIPELINE}:compile --skip-nx-cache`) },
          { name: `${PIPELINE}:deploy --run=false, local backend (${suffix})`, command: run(`${PIPELINE}:deploy --run=false`) },
        ],
        settings,
      );
      results.push({ suffix, test, pipeline });
      console.log(`after: ${loadAverage()}`);
    }
  }

  console.log(`\n${settings.runs} rounds after ${settings.warmup} warm-up, cases in turn within each round; "paired" = median over rounds of (row − the plain target)\n`);
  for (const { suffix, test, pipeline } of results) {
    if (test) {
      console.log(`### test (${suffix})\n\n${markdownTable(test)}\n`);
      verdict(`test uncached vs run-commands`, test[1], test[0]);
      verdict(`test cache hit vs run-commands cache hit`, test[3], test[2]);
      verdict(`test without its venv task, uncached, vs run-commands`, test[4], test[0]);
      verdict(`test without its venv task, cache hit, vs run-commands cache hit`, test[5], test[2]);
      verdict(`venv task alone vs run-commands true`, test[7], test[6]);
    }
    if (pipeline) {
      console.log(`\n### compile and deploy (${suffix})\n\n${markdownTable(pipeline)}\n`);
      verdict(`compile vs nx:noop`, pipeline[2], pipeline[0]);
      verdict(`deploy vs nx:noop`, pipeline[3], pipeline[0]);
      verdict(`compile vs run-commands true`, pipeline[2], pipeline[1]);
      verdict(`deploy vs run-commands true`, pipeline[3], pipeline[1]);
    }
    console.log('');
  }
  console.log(`after timing: ${loadAverage()}`);
} finally {
  for (const tree of daemons) runNx(tree, ['daemon', '--stop'], { NX_DAEMON: 'true' });
  for (const tree of [sourceTree, installedTree]) removeUnlessKept(tree);
  rmSync(packDir, { recursive: true, force: true });
}

function nxEnv(daemon) {
  return Object.entries({ ...NX_ENV, NX_DAEMON: daemon ? 'true' : 'false' })
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

function verdict(label, row, baseline) {
  const paired = pairedDifferenceMs(row, baseline);
  console.log(`- ${label}: ${paired >= 0 ? '+' : ''}${paired.toFixed(0)} ms paired (means ${((row.mean - baseline.mean) * 1000).toFixed(0)} ms): ${paired <= BUDGET_MS ? 'within' : 'NOT within'} +${BUDGET_MS} ms`);
}

/**
 * The plain Nx targets beside the inferred ones, in project.json (Nx merges
 * them into the inferred project): pytest exactly as the test executor runs
 * it, with the test target's inputs, outputs and cache; no-ops for the pipeline.
 */
function addPlainTargets(tree) {
  const test = JSON.parse(nx(tree, ['show', 'project', COMPONENT, '--json'])).targets.test;
  const junitDir = `dist/test-results/${COMPONENT}-rc`;
  writeJson(join(tree, 'components', COMPONENT, 'project.json'), {
    targets: {
      'pytest-rc': {
        executor: 'nx:run-commands',
        cache: true,
        inputs: test.inputs,
        outputs: [`{workspaceRoot}/${junitDir}`],
        options: {
          cwd: `components/${COMPONENT}`,
          command:
            `ENV_FOR_DYNACONF=testing PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest ` +
            `--junitxml=../../${junitDir}/junit.xml -o junit_suite_name=${COMPONENT} -p no:cacheprovider`,
        },
      },
      'true-rc': { executor: 'nx:run-commands', cache: false, options: { command: 'true' } },
    },
  });
  writeJson(join(tree, 'pipelines', PIPELINE, 'project.json'), {
    targets: {
      noop: { executor: 'nx:noop', cache: false },
      'true-rc': { executor: 'nx:run-commands', cache: false, options: { command: 'true' } },
    },
  });
}

/**
 * A user's workspace: the source tree's nx.json, .gitignore, components,
 * pipelines and component-runtime, a package.json of its own (no npm
 * workspaces), and the packed plugin unpacked in node_modules/nx-kubeflow with
 * its unhoisted dependencies nested, as npm installs it.
 */
function makeUserWorkspace(tree, from, tarball) {
  for (const file of ['nx.json', '.gitignore']) cpSync(join(from, file), join(tree, file));
  writeJson(join(tree, 'package.json'), {
    name: 'bench-user-workspace',
    private: true,
    devDependencies: {
      nx: readJson(join(SOURCE_WORKSPACE, 'node_modules/nx/package.json')).version,
      'nx-kubeflow': readJson(join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/package.json')).version,
    },
  });
  for (const folder of ['packages/component-runtime', 'components', 'pipelines']) {
    cpSync(join(from, folder), join(tree, folder), { recursive: true, filter: (path) => !/[/\\](\.venv|__pycache__|[^/\\]*\.egg-info)$/.test(path) });
  }
  const modules = join(tree, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(SOURCE_WORKSPACE, 'node_modules'))) {
    if (entry !== 'nx-kubeflow') symlinkSync(join(SOURCE_WORKSPACE, 'node_modules', entry), join(modules, entry));
  }
  const installed = join(modules, 'nx-kubeflow');
  mkdirSync(installed);
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  mkdirSync(join(installed, 'node_modules'));
  const nested = join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules');
  for (const entry of readdirSync(nested)) symlinkSync(join(nested, entry), join(installed, 'node_modules', entry));
  execFileSync('git', ['init', '-q'], { cwd: tree });
}
