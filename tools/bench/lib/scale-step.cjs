// One measured step of tools/bench/scale.mjs, in a Node process of its own so
// its peak RSS (process.resourceUsage().maxRSS) is that step's alone:
//   node scale-step.cjs compile <dist> <job.json>   compile's own code (read, check, compile, write the IR)
//   node scale-step.cjs run <dist> <job.json>       the local runner on that IR, venv mode, progress lines formatted
// Prints one JSON line: seconds, maxRssKb and what the step made (for the checks).
const { readFileSync, statSync, writeSync, openSync, closeSync } = require('node:fs');
const { join } = require('node:path');

const [step, dist, jobFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, 'utf8'));

async function compileStep() {
  const { compilePipelineProject } = require(join(dist, 'src/pipeline/compile-pipeline-project.js'));
  const started = process.hrtime.bigint();
  const compiled = compilePipelineProject({
    workspaceRoot: job.workspaceRoot,
    projectName: job.project,
    projects: job.projects,
    env: 'development',
    outputPath: job.outputPath,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, irBytes: compiled.yaml.length, outputFile: compiled.outputFile };
}

async function runStep() {
  const { runPipeline } = require(join(dist, 'src/local-runner/index.js'));
  const { formatTaskStateChange } = require(join(dist, 'src/deploy/run-summary.js'));
  // The progress lines deploy prints, written where they cost what printing costs but fill no terminal.
  const progress = openSync(job.progressFile, 'w');
  let lines = 0;
  const started = process.hrtime.bigint();
  const result = await runPipeline({
    ir: { irFile: job.irFile },
    runDir: job.runDir,
    runId: job.runId,
    pipelineName: job.project,
    tasks: job.tasks,
    workspaceRoot: job.workspaceRoot,
    parallel: job.parallel,
    cacheDir: job.cacheDir,
    onEvent: (event) => {
      const line = event.kind === 'task-state' ? formatTaskStateChange(job.runId, event) : `${event.kind}: ${event.message}`;
      writeSync(progress, `${line}\n`);
      lines++;
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(progress);
  if (result.state !== 'SUCCEEDED') throw new Error(`the run ended ${result.state}: ${result.error ?? ''}\n${JSON.stringify(result.tasks.filter((t) => t.state !== 'SUCCEEDED').slice(0, 3), null, 2)}`);
  const succeeded = result.tasks.filter((task) => task.state === 'SUCCEEDED').length;
  return { seconds, tasks: result.tasks.length, succeeded, loops: (result.loops ?? []).length, progressLines: lines, runJsonBytes: statSync(result.recordFile).size };
}

(step === 'compile' ? compileStep() : runStep())
  .then((result) => {
    // CPU time of this Node process (not its task processes), module loading included: steadier than wall time on a busy machine
    const usage = process.resourceUsage();
    console.log(JSON.stringify({ ...result, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKb: usage.maxRSS }));
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
