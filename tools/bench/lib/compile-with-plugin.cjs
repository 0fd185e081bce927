// One cold compile by the plugin's built library, as `nx run <p>:compile` does
// it minus Nx: load the component specs, compile the pipeline, write the IR.
// Usage: node compile-with-plugin.cjs <dist> <job.json>
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [dist, jobFile] = process.argv.slice(2);
const { parseComponentSpecOrThrow } = require(join(dist, 'src/kfp/component-spec.js'));
const { compilePipeline } = require(join(dist, 'src/kfp/ir-compiler.js'));

const job = JSON.parse(readFileSync(jobFile, 'utf8'));
const components = new Map(
  Object.entries(job.components).map(([project, component]) => [
    project,
    {
      project,
      spec: parseComponentSpecOrThrow(readFileSync(component.file, 'utf8'), component.file),
      image: component.image,
      usesComponentRuntime: component.usesComponentRuntime,
    },
  ]),
);
const compile = () =>
  compilePipeline({ pipeline: job.pipeline, components, settingsEnv: job.settingsEnv, pipelineSettingsToml: job.pipelineSettingsToml });

// BENCH_REPEAT=n: compile n times in this process and print each time (after imports and spec loading).
const repetitions = Number(process.env.BENCH_REPEAT ?? 1);
const compileSeconds = [];
let compiled;
for (let i = 0; i < repetitions; i++) {
  const started = process.hrtime.bigint();
  compiled = compile();
  compileSeconds.push(Number(process.hrtime.bigint() - started) / 1e9);
}
writeFileSync(job.out, compiled.yaml);
if (process.env.BENCH_REPEAT) console.log(JSON.stringify({ compile_s: compileSeconds }));
