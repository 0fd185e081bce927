/**
 * The control-flow example, pipelines/cross-validation, compiled by compile's
 * own code and run by the local runner with its components in their venvs
 * (the venvs the test target uses; created here when missing, which needs the
 * package index): folds in a loop, their rmse collected, a deploy condition
 * with an else branch, all inside an exit handler whose notifier gets the
 * final status - also when a fold fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';
import type { RunRecordData, TaskRecord } from './run-record';

jest.setTimeout(15 * 60_000);

const COMPONENT_OF: Record<string, string> = {
  'load-fold': 'data-loader',
  'train-fold': 'trainer',
  summarise: 'cv-summary',
  'load-full': 'data-loader',
  deploy: 'trainer',
  'report-rejection': 'threshold-report',
  notify: 'notifier',
};

const projects = {
  'cross-validation': { root: 'pipelines/cross-validation' },
  ...Object.fromEntries([...new Set(Object.values(COMPONENT_OF))].map((component) => [component, { root: `components/${component}` }])),
  'component-runtime': { root: 'packages/component-runtime' },
};

let scratch: string;
let irFile: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-cross-validation-run-'));
  irFile = compilePipelineProject({
    workspaceRoot: WORKSPACE_ROOT,
    projectName: 'cross-validation',
    projects,
    env: 'development',
    outputPath: relative(WORKSPACE_ROOT, join(scratch, 'pipeline')),
  }).outputFile;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Small samples and few epochs keep it quick; the folds' tasks are cached from one run to the next. */
async function run(runId: string, parameters: Record<string, unknown>): Promise<{ record: RunRecordData; task: (name: string) => TaskRecord }> {
  const record = await runPipeline({
    ir: { irFile },
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'cross-validation',
    parameters: { rows: 80, full_rows: 120, epochs: 100, ...parameters },
    tasks: Object.fromEntries(Object.entries(COMPONENT_OF).map(([task, component]) => [task, { mode: 'venv' as const, projectRoot: `components/${component}` }])),
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

const report = (task: TaskRecord) => readFileSync(task.outputs.artifacts.report.path, 'utf8');

it('trains each fold, summarises them and deploys when the mean rmse is low enough, then notifies SUCCEEDED', async () => {
  const { record, task } = await run('deploys', {});

  expect(record.error).toBeUndefined();
  expect(record.state).toBe('SUCCEEDED');
  const [loop] = record.loops!;
  expect(loop.parallelism).toBe(2);
  expect(loop.iterations.map(({ item, state }) => ({ item, state }))).toEqual([
    { item: { fold: 1, seed: 11 }, state: 'SUCCEEDED' },
    { item: { fold: 2, seed: 12 }, state: 'SUCCEEDED' },
    { item: { fold: 3, seed: 13 }, state: 'SUCCEEDED' },
  ]);
  // each fold drew its own sample: three different errors, collected in item order
  const foldRmse = [0, 1, 2].map((index) => task(`${loop.name}-iteration-${index}/train-fold`).outputs.parameters.rmse as number);
  expect(new Set(foldRmse).size).toBe(3);
  const summary = task('summarise').outputs;
  // rounded to cv-summary's digits setting (6)
  const metrics = summary.artifacts.summary.metadata as Record<string, number>;
  expect(metrics.folds).toBe(3);
  expect(metrics.min_rmse).toBeCloseTo(Math.min(...foldRmse), 5);
  expect(metrics.max_rmse).toBeCloseTo(Math.max(...foldRmse), 5);
  const mean = foldRmse.reduce((sum, value) => sum + value, 0) / 3;
  expect(summary.parameters.mean_rmse).toBeCloseTo(mean, 5);
  expect(mean).toBeLessThan(0.5); // noise 0.1: a fitted model is near it, so the gate (max_rmse 0.5) opens

  expect(task('load-full').outputs.parameters).toEqual({ row_count: 120 });
  expect(task('deploy').state).toBe('SUCCEEDED');
  expect(task('report-rejection').state).toBe('SKIPPED');
  expect(record.exitHandlers).toMatchObject([{ exitTask: 'notify', state: 'SUCCEEDED' }]);
  expect(task('notify').state).toBe('SUCCEEDED');
  expect(report(task('notify'))).toMatch(/^# SUCCEEDED: cross-validation of the linear model\n[\s\S]*\| tasks \| exit-handler-1 \|\n$/);
});

it('reports instead of deploying when the mean rmse is above max_rmse', async () => {
  const { record, task } = await run('rejects', { max_rmse: 0.01 });

  expect(record.state).toBe('SUCCEEDED');
  expect(task(`${record.loops![0].name}-iteration-0/train-fold`).state).toBe('CACHED'); // the same folds as before
  expect(task('deploy').state).toBe('SKIPPED');
  expect(task('load-full').state).toBe('SKIPPED');
  expect(task('report-rejection').state).toBe('SUCCEEDED');
  expect(report(task('report-rejection'))).toMatch(/^# Quality gate not passed\n\nThe mean validation rmse is \*\*0\.\d+\*\*; the gate needs at most \*\*0\.01\*\*\./);
  expect(report(task('notify'))).toMatch(/^# SUCCEEDED: /);
});

it('still notifies, with FAILED and the error, when the folds fail', async () => {
  const { record, task } = await run('fails', { learning_rate: -1 });

  expect(record.state).toBe('FAILED');
  expect(record.loops![0].state).toBe('FAILED');
  for (const name of ['summarise', 'load-full', 'deploy', 'report-rejection']) expect(task(name).state).toBe('SKIPPED');
  expect(record.exitHandlers).toMatchObject([{ exitTask: 'notify', state: 'FAILED' }]);
  expect(task('notify').state).toBe('SUCCEEDED');
  const text = report(task('notify'));
  expect(text).toMatch(/^# FAILED: cross-validation of the linear model\n/);
  expect(text).toContain('| error | task "for-loop-2-iteration-0/train-fold" failed: exit code 1: ValueError: learning_rate must be a positive number, got -1.0 |');
  // the notifier logged it at ERROR, with the state as a field
  const records = readFileSync(task('notify').logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  expect(records).toContainEqual(expect.objectContaining({ severity: 'ERROR', state: 'FAILED', task: 'notify' }));
});
