/**
 * A nested pipeline over the example's real components, in their venvs (the
 * venvs the test target uses; created here when missing, which needs the
 * package index): `fit` (data-loader, then trainer; its rmse and model as
 * outputs) runs once per seed in a loop of `folds`, cv-summary collects the
 * folds' rmse, and under a condition on the summary `fit` runs again as the
 * final model. Compiled by compile's own code, run modes from deploy's
 * localTaskModes. The pipelines are written under tmp/ of the workspace, as
 * compile reads projects there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localTaskModes } from '../deploy/task-modes';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';
import type { RunRecordData, TaskRecord } from './run-record';

jest.setTimeout(15 * 60_000);

const FIT = `name: fit
description: Load a sample, fit the linear model to it
parameters:
  seed: {type: Integer, default: 42}
  rows: {type: Integer, default: 80}
  learning_rate: {type: Float, default: 0.05}
tasks:
  load:
    component: data-loader
    arguments: {rows: {parameter: rows}, seed: {parameter: seed}}
  train:
    component: trainer
    arguments: {dataset: {task: load, output: dataset}, learning_rate: {parameter: learning_rate}, epochs: 100}
outputs:
  rmse: {task: train, output: rmse}
  model: {task: train, output: model}
`;
const FOLDS = `name: folds
description: fit per seed, the folds' rmse summarised, fit again on more rows when they are good enough
parameters:
  seeds: {type: JsonArray, default: [11, 12]}
  learning_rate: {type: Float, default: 0.05}
tasks:
  per-seed:
    for_each: {parameter: seeds}
    as: seed
    tasks:
      fold:
        pipeline: fit
        arguments: {seed: {item: seed}, learning_rate: {parameter: learning_rate}}
  summarise:
    component: cv-summary
    arguments: {rmse_values: {collect: {task: fold, output: rmse}}}
  gate:
    if: {left: {task: summarise, output: mean_rmse}, operator: '<=', right: 0.5}
    then:
      final:
        pipeline: fit
        arguments: {rows: 120, learning_rate: {parameter: learning_rate}}
`;

let scratch: string;
let irFile: string;
let projects: Record<string, { root: string }>;
beforeAll(() => {
  mkdirSync(join(WORKSPACE_ROOT, 'tmp'), { recursive: true });
  scratch = mkdtempSync(join(WORKSPACE_ROOT, 'tmp', 'nested-example-run-'));
  const root = relative(WORKSPACE_ROOT, scratch);
  for (const [name, text] of Object.entries({ fit: FIT, folds: FOLDS })) {
    mkdirSync(join(scratch, 'pipelines', name), { recursive: true });
    writeFileSync(join(scratch, 'pipelines', name, 'pipeline.yaml'), text);
  }
  projects = {
    folds: { root: `${root}/pipelines/folds` },
    fit: { root: `${root}/pipelines/fit` },
    'data-loader': { root: 'components/data-loader' },
    trainer: { root: 'components/trainer' },
    'cv-summary': { root: 'components/cv-summary' },
    'component-runtime': { root: 'packages/component-runtime' },
  };
  irFile = compilePipelineProject({ workspaceRoot: WORKSPACE_ROOT, projectName: 'folds', projects, env: 'development', outputPath: `${root}/ir` }).outputFile;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(runId: string, parameters: Record<string, unknown>): Promise<{ record: RunRecordData; task: (name: string) => TaskRecord }> {
  const record = await runPipeline({
    ir: { irFile },
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'folds',
    parameters,
    tasks: localTaskModes({ workspaceRoot: WORKSPACE_ROOT, pipelineRoot: projects.folds.root, projects }),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache'),
  });
  const task = (name: string) => {
    const found = record.tasks.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no task ${name} in ${record.tasks.map((candidate) => candidate.name).join(', ')}`);
    return found;
  };
  return { record, task };
}

it('fits each fold in its venvs inside the nested pipeline, summarises their rmse and fits the final model in the nested pipeline under the condition', async () => {
  const { record, task } = await run('good', {});
  expect(record.error).toBeUndefined();
  expect(record.state).toBe('SUCCEEDED');
  const loop = record.loops![0].name;
  const foldRmse = [0, 1].map((index) => task(`${loop}-iteration-${index}/fold/train`).outputs.parameters.rmse as number);
  expect(new Set(foldRmse).size).toBe(2); // two seeds, two samples
  expect(task(`${loop}-iteration-1/fold/load`).outputs.parameters).toEqual({ row_count: 80 }); // fit's default rows
  const summary = task('summarise').outputs;
  expect(summary.parameters.mean_rmse).toBeCloseTo((foldRmse[0] + foldRmse[1]) / 2, 5);
  expect(task('final/load').outputs.parameters).toEqual({ row_count: 120 });
  expect(JSON.parse(readFileSync(task('final/train').outputs.artifacts.model.path, 'utf8'))).toEqual(expect.any(Object));
  expect(record.nestedPipelines!.map(({ name, state }) => ({ name, state }))).toEqual([
    { name: 'final', state: 'SUCCEEDED' },
    { name: `${loop}-iteration-0/fold`, state: 'SUCCEEDED' },
    { name: `${loop}-iteration-1/fold`, state: 'SUCCEEDED' },
  ]);
  const fold = record.nestedPipelines!.find(({ name }) => name === `${loop}-iteration-0/fold`)!;
  expect(fold.outputs!.parameters).toEqual({ rmse: foldRmse[0] });
  expect(fold.outputs!.artifacts.model.path).toBe(task(`${loop}-iteration-0/fold/train`).outputs.artifacts.model.path);
});

it('fails each fold inside its nested pipeline with the component error; the loop, and so the summary and the final fit, do not go on', async () => {
  const { record, task } = await run('bad', { learning_rate: -1 });
  expect(record.state).toBe('FAILED');
  const loop = record.loops![0].name;
  expect(task(`${loop}-iteration-0/fold/load`).state).toMatch(/^(SUCCEEDED|CACHED)$/); // the same samples as before
  expect(task(`${loop}-iteration-0/fold/train`)).toMatchObject({ state: 'FAILED', error: expect.stringContaining('ValueError: learning_rate must be a positive number, got -1.0') });
  expect(record.nestedPipelines!.find(({ name }) => name === `${loop}-iteration-1/fold`)).toMatchObject({ state: 'FAILED', error: expect.stringMatching(new RegExp(`^task "${loop}-iteration-1/fold/train" failed: `)) });
  expect(record.loops![0].state).toBe('FAILED');
  for (const name of ['summarise', 'final/load', 'final/train']) expect(task(name).state).toBe('SKIPPED');
  expect(record.nestedPipelines!.find(({ name }) => name === 'final')!.state).toBe('SKIPPED');
});
