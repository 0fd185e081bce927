// Runs a chain of N tasks of one generated component (each task's `text`
// input is the previous task's `result` output) with the plugin's built local
// runner, in the component's own venv, one at a time, and prints the wall
// time of runPipeline alone as JSON (Node start-up, requiring the runner and
// compiling the IR are outside the figure, as kfp.local's imports are on the
// other side), and the CPU time of this process and its task processes meanwhile.
// Usage: node run-component-chain.cjs <dist> <workspace> <component-project-root> <work-dir> <tasks>
const { mkdirSync, readFileSync } = require('node:fs');
const { basename, join } = require('node:path');

const [dist, workspaceRoot, projectRoot, workDir, taskCountText] = process.argv.slice(2);
const taskCount = Number(taskCountText);
const { parseComponentSpecOrThrow } = require(join(dist, 'src/kfp/component-spec.js'));
const { compilePipeline } = require(join(dist, 'src/kfp/ir-compiler.js'));
const { runPipeline } = require(join(dist, 'src/local-runner/index.js'));

const project = basename(projectRoot);
const componentFile = join(projectRoot, 'component.yaml');
const spec = parseComponentSpecOrThrow(readFileSync(join(workspaceRoot, componentFile), 'utf8'), componentFile);
const components = new Map([[project, { project, spec, image: `${project}:bench`, usesComponentRuntime: true }]]);
const tasks = Array.from({ length: taskCount }, (_, i) => ({
  name: `step-${i}`,
  component: project,
  arguments: { text: i === 0 ? { kind: 'literal', value: 'start' } : { kind: 'task-output', task: `step-${i - 1}`, output: 'result' } },
  after: [],
  caching: false,
}));
// As `nx run <pipeline>:compile` gives a component-runtime component: the pipeline's settings
// text (PIPELINE_SETTINGS_TOML) and the environment, so each task reads three TOML layers.
const { documents } = compilePipeline({
  pipeline: { file: 'bench/pipeline.yaml', name: 'startup-bench', parameters: [], tasks },
  components,
  settingsEnv: 'development',
  pipelineSettingsToml: '[default]\nlog_level = "INFO"\n\n[development]\nrows = 100\n',
});

// CPU seconds of the task processes this process has waited for (Linux: /proc/self/stat cutime + cstime).
const { childrenCpuSeconds } = require('./children-cpu.cjs');

let freshInterpreters;

async function main() {
  mkdirSync(workDir, { recursive: true });
  const cpuStarted = process.cpuUsage();
  const childrenStarted = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = await runPipeline({
    ir: { pipelineSpec: documents[0], platformSpec: documents[1] },
    runDir: join(workDir, 'run'),
    runId: 'bench',
    pipelineName: 'startup-bench',
    tasks: Object.fromEntries(tasks.map((task) => [task.name, { mode: 'venv', projectRoot }])),
    workspaceRoot,
    parallel: 1,
    cacheDir: join(workDir, 'cache'),
    onEvent: (event) => {
      if (event.kind !== 'info') return;
      process.stderr.write(`${event.message}\n`);
      // the fork server could not be used: the figure would not be the runner's as users get it
      if (/start as fresh interpreters/.test(event.message)) freshInterpreters = event.message;
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const own = process.cpuUsage(cpuStarted);
  const cpuSeconds = (own.user + own.system) / 1e6 + (childrenCpuSeconds() - childrenStarted);
  if (result.state !== 'SUCCEEDED') {
    throw new Error(`the chain ended ${result.state}: ${result.error ?? ''} (run folder ${join(workDir, 'run')})`);
  }
  if (freshInterpreters && process.env.NX_KUBEFLOW_PYTHON_FORK_SERVER !== '0') throw new Error(`the chain did not use the fork server: ${freshInterpreters}`);
  console.log(JSON.stringify({ seconds, cpuSeconds }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
