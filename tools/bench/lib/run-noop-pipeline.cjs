// Runs N no-op tasks with the plugin's built local runner, one at a time, and
// the same N processes spawned directly, and prints both wall times as JSON.
// Usage: node run-noop-pipeline.cjs <dist> <work-dir> <tasks>
const { spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [dist, workDir, taskCountText] = process.argv.slice(2);
const taskCount = Number(taskCountText);
const { parseComponentSpecOrThrow } = require(join(dist, 'src/kfp/component-spec.js'));
const { compilePipeline } = require(join(dist, 'src/kfp/ir-compiler.js'));
const { runPipeline } = require(join(dist, 'src/local-runner/index.js'));

const COMMAND = ['true'];
const componentYaml = `name: noop\nimplementation:\n  container:\n    image: noop\n    command: [${COMMAND.join(', ')}]\n`;
const components = new Map([
  ['noop', { project: 'noop', spec: parseComponentSpecOrThrow(componentYaml, 'noop/component.yaml'), image: 'noop', usesComponentRuntime: false }],
]);
const tasks = Array.from({ length: taskCount }, (_, i) => ({ name: `noop-${i}`, component: 'noop', arguments: {}, after: [], caching: false }));
const { documents } = compilePipeline({
  pipeline: { file: 'bench/pipeline.yaml', name: 'noop-bench', parameters: [], tasks },
  components,
});

async function main() {
  mkdirSync(workDir, { recursive: true });
  const runnerStarted = process.hrtime.bigint();
  const result = await runPipeline({
    ir: { pipelineSpec: documents[0], platformSpec: documents[1] },
    runDir: join(workDir, 'run'),
    runId: 'bench',
    pipelineName: 'noop-bench',
    tasks: Object.fromEntries(tasks.map((task) => [task.name, { mode: 'command' }])),
    workspaceRoot: workDir,
    parallel: 1,
    cacheDir: join(workDir, 'cache'),
  });
  const runnerSeconds = Number(process.hrtime.bigint() - runnerStarted) / 1e9;
  if (result.state !== 'SUCCEEDED') throw new Error(`the no-op run ended ${result.state}: ${result.error}`);

  const directStarted = process.hrtime.bigint();
  for (let i = 0; i < taskCount; i++) spawnSync(COMMAND[0], COMMAND.slice(1), { stdio: 'ignore' });
  const directSeconds = Number(process.hrtime.bigint() - directStarted) / 1e9;
  writeFileSync(join(workDir, 'result.json'), JSON.stringify({ runnerSeconds, directSeconds }));
  console.log(JSON.stringify({ runnerSeconds, directSeconds }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
