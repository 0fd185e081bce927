#!/usr/bin/env node
// Scale (issue 15): compile and run a pipeline of N tasks, and one with an
// N-iteration loop, at several sizes, recording wall time and the peak RSS of
// the Node process of compile and of the run separately (each in a process of
// its own: lib/scale-step.cjs). The tasks are a real component from the
// component generator (component-runtime, dynaconf, JSON logs), run by the
// local runner in its venv, caching off; the venv is made once before timing.
//
//   node tools/bench/scale.mjs [--tasks 125,250,500,1000] [--iterations 25,50,100,200] [--runs 1] [--parallel N] [--compile-only]
//   (or BENCH_TASKS / BENCH_ITERATIONS / BENCH_RUNS / BENCH_PARALLEL; BENCH_KEEP=1 keeps the workspace)
//
// Shapes: "tasks" is a binary tree of N tasks, each passing its output
// parameter to two children (N-1 data edges, up to N/2 tasks ready at once);
// "loop" is one task, a loop over a static list of N items whose body is two
// tasks (item -> a -> b), and a task after the loop: 2N+2 task runs. Growth is
// read from consecutive sizes: the time and RSS ratio per doubling, where
// linear growth gives at most 2 (less, with fixed costs) and quadratic 4.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, copyMinimalWorkspace, makeTempDir, nx, removeUnlessKept, SOURCE_WORKSPACE, sourceRevision } from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    tasks: { type: 'string', default: process.env.BENCH_TASKS ?? '125,250,500,1000' },
    iterations: { type: 'string', default: process.env.BENCH_ITERATIONS ?? '25,50,100,200' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '1' },
    parallel: { type: 'string', default: process.env.BENCH_PARALLEL ?? String(availableParallelism()) },
    'compile-only': { type: 'boolean', default: false },
  },
});
const sizes = (text) => (text ? text.split(',').map(Number).filter((n) => n > 0) : []);
const RUNS = Number(flags.runs);
const PARALLEL = Number(flags.parallel);
const COMPONENT = 'bench-step';
const STEP = join(SOURCE_WORKSPACE, 'tools/bench/lib/scale-step.cjs');

const step = (task) => ({ component: COMPONENT, caching: false, ...task });

/** N tasks, task i fed by task (i-1)/2: a binary tree of data edges. */
function treePipeline(name, count) {
  const tasks = {};
  for (let i = 0; i < count; i++) {
    tasks[`t${i}`] = step(i === 0 ? {} : { arguments: { value: { task: `t${(i - 1) >> 1}`, output: 'result' } } });
  }
  return { pipeline: { name, description: `${count} tasks`, tasks }, taskNames: Object.keys(tasks) };
}

/** A task, a loop of N iterations (item -> a -> b), and a task after the loop. */
function loopPipeline(name, iterations) {
  const tasks = {
    first: step({}),
    'per-item': {
      for_each: Array.from({ length: iterations }, (_, i) => i),
      as: 'i',
      tasks: {
        a: step({ arguments: { value: { item: 'i' } } }),
        b: step({ arguments: { value: { task: 'a', output: 'result' } }, after: ['first'] }),
      },
    },
    last: step({ after: ['b'] }), // after a task inside a loop: waits for every iteration
  };
  return { pipeline: { name, description: `a loop of ${iterations} iterations`, tasks }, taskNames: ['first', 'a', 'b', 'last'] };
}

function measure(kind, jobFile, dist) {
  const result = spawnSync(process.execPath, [STEP, kind, dist, jobFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${kind} failed (${jobFile}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const workspace = makeTempDir('scale');
try {
  console.log(`workspace: ${workspace}\nsource: ${sourceRevision()}\nparallel: ${PARALLEL}, runs per size: ${RUNS}`);
  const dist = buildPlugin();
  copyMinimalWorkspace(workspace);
  nx(workspace, ['g', 'nx-kubeflow:component', COMPONENT, '--inputs', 'value:Integer=0', '--outputs', 'result:Integer', '--no-interactive']);
  const projects = { [COMPONENT]: { root: `components/${COMPONENT}` }, 'component-runtime': { root: 'packages/component-runtime' } };

  const cases = [
    ...sizes(flags.tasks).map((n) => ({ shape: 'tasks', size: n, ...treePipeline(`scale-tasks-${n}`, n) })),
    ...sizes(flags.iterations).map((n) => ({ shape: 'loop', size: n, ...loopPipeline(`scale-loop-${n}`, n) })),
  ];
  for (const c of cases) {
    c.project = c.pipeline.name;
    projects[c.project] = { root: `pipelines/${c.project}` };
    mkdirSync(join(workspace, 'pipelines', c.project), { recursive: true });
    writeFileSync(join(workspace, 'pipelines', c.project, 'pipeline.yaml'), JSON.stringify(c.pipeline, null, 1) + '\n');
  }
  const jobOf = (c, run) => {
    const outputPath = `dist/pipelines/${c.project}`;
    const job = {
      workspaceRoot: workspace,
      project: c.project,
      projects,
      outputPath,
      irFile: join(workspace, outputPath, 'pipeline.yaml'),
      runDir: join(workspace, 'dist/runs', c.project, `run-${run}`),
      runId: `run-${run}`,
      progressFile: join(workspace, 'dist/runs', c.project, `progress-${run}.txt`),
      cacheDir: join(workspace, 'dist/cache'),
      parallel: PARALLEL,
      tasks: Object.fromEntries(c.taskNames.map((name) => [name, { mode: 'venv', projectRoot: `components/${COMPONENT}` }])),
    };
    const file = join(workspace, 'dist', `${c.project}-job-${run}.json`);
    mkdirSync(join(workspace, 'dist/runs', c.project), { recursive: true });
    writeFileSync(file, JSON.stringify(job));
    return file;
  };

  const COMPILE_ONLY = flags['compile-only'];
  // The component's venv (pip install of component-runtime and dynaconf) is made by a first, untimed run.
  if (!COMPILE_ONLY) console.log('Making the component venv (one untimed 1-task run)...');
  const seed = { shape: 'tasks', size: 1, ...treePipeline('scale-seed', 1) };
  seed.project = 'scale-seed';
  projects[seed.project] = { root: 'pipelines/scale-seed' };
  mkdirSync(join(workspace, 'pipelines/scale-seed'), { recursive: true });
  writeFileSync(join(workspace, 'pipelines/scale-seed/pipeline.yaml'), JSON.stringify(seed.pipeline) + '\n');
  if (!COMPILE_ONLY) {
    measure('compile', jobOf(seed, 0), dist);
    measure('run', jobOf(seed, 0), dist);
  }

  const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');
  console.log(`load average before: ${load()}`);
  const results = new Map(cases.map((c) => [c, { compile: [], run: [] }]));
  for (let run = 1; run <= RUNS; run++) {
    for (const c of cases) {
      const job = jobOf(c, run);
      const compiled = measure('compile', job, dist);
      const expectedTasks = c.shape === 'tasks' ? c.size : 2 * c.size + 2;
      // --compile-only: zeros stand for the run's figures
      const ran = COMPILE_ONLY ? { seconds: 0, cpuSeconds: 0, maxRssKb: 0, tasks: expectedTasks, succeeded: expectedTasks, runJsonBytes: 0 } : measure('run', job, dist);
      if (ran.tasks !== expectedTasks || ran.succeeded !== expectedTasks) {
        throw new Error(`${c.project}: expected ${expectedTasks} succeeded tasks, the run had ${ran.succeeded} of ${ran.tasks}`);
      }
      results.get(c).compile.push(compiled);
      results.get(c).run.push(ran);
      console.log(
        `${c.project} run ${run}: compile ${compiled.seconds.toFixed(3)} s (CPU ${compiled.cpuSeconds.toFixed(2)} s), ${(compiled.maxRssKb / 1024).toFixed(0)} MB; ` +
          `run ${ran.seconds.toFixed(1)} s (runner CPU ${ran.cpuSeconds.toFixed(1)} s), ${(ran.maxRssKb / 1024).toFixed(0)} MB (${ran.tasks} tasks, run.json ${(ran.runJsonBytes / 1024).toFixed(0)} KiB)`,
      );
    }
  }
  console.log(`load average after: ${load()}`);

  for (const shape of ['tasks', 'loop']) {
    const rows = cases.filter((c) => c.shape === shape);
    if (!rows.length) continue;
    const unit = shape === 'tasks' ? 'tasks' : 'iterations';
    console.log(`\n| ${unit} | task runs | IR | compile (s) | compile CPU (s) | compile peak RSS (MB) | run (s) | run, ms per task | runner CPU (s) | run peak RSS (MB) | run.json | × per doubling: compile CPU / runner CPU | × RSS per doubling (compile / run) |`);
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    let previous;
    for (const c of rows) {
      const r = results.get(c);
      const figures = {
        compileS: median(r.compile.map((x) => x.seconds)),
        compileCpu: median(r.compile.map((x) => x.cpuSeconds)),
        runCpu: median(r.run.map((x) => x.cpuSeconds)),
        compileMb: median(r.compile.map((x) => x.maxRssKb)) / 1024,
        runS: median(r.run.map((x) => x.seconds)),
        runMb: median(r.run.map((x) => x.maxRssKb)) / 1024,
        tasks: r.run[0].tasks,
        irKb: r.compile[0].irBytes / 1024,
        runJsonKb: r.run[0].runJsonBytes / 1024,
      };
      // Ratios scaled to a doubling, so sizes that are not powers of two read the same way.
      const perDoubling = (now, before) => (previous ? (now / before) ** (1 / Math.log2(c.size / previous.size)) : undefined);
      const show = (value) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(2));
      console.log(
        `| ${c.size} | ${figures.tasks} | ${figures.irKb.toFixed(0)} KiB | ${figures.compileS.toFixed(3)} | ${figures.compileCpu.toFixed(2)} | ${figures.compileMb.toFixed(0)} | ${figures.runS.toFixed(1)} | ${((figures.runS * 1000) / figures.tasks).toFixed(0)} | ${figures.runCpu.toFixed(1)} | ${figures.runMb.toFixed(0)} | ${figures.runJsonKb.toFixed(0)} KiB | ` +
          `${show(perDoubling(figures.compileCpu, previous?.compileCpu))} / ${show(perDoubling(figures.runCpu, previous?.runCpu))} | ${show(perDoubling(figures.compileMb, previous?.compileMb))} / ${show(perDoubling(figures.runMb, previous?.runMb))} |`,
      );
      previous = { ...figures, size: c.size };
    }
  }
  console.log(`\nnode ${process.version}, ${availableParallelism()} cores, ${execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim()}`);
} finally {
  removeUnlessKept(workspace);
}
