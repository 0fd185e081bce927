/**
 * The real example pipeline, compiled by compile's own code, run by the local
 * runner with data-loader and trainer in their venvs (the venvs the test
 * target uses; created here when missing, which needs the package index).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileExamplePipeline } from './__fixtures__/example-pipeline';
import type { RunEvent } from './run-pipeline';

jest.setTimeout(15 * 60_000);

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-example-run-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('runs the compiled example pipeline in the components venvs, then takes both tasks from the cache', async () => {
  const runExample = compileExamplePipeline(scratch);
  const runOnce = async (runId: string) => {
    const events: RunEvent[] = [];
    const result = await runExample({ runId, runDir: join(scratch, 'runs', runId), parameters: { rows: 50, epochs: 20 }, onEvent: (event) => events.push(event) });
    return { result, events };
  };

  const { result: first } = await runOnce('first');
  expect(first.error).toBeUndefined();
  expect(first.state).toBe('SUCCEEDED');
  const [loader, trainer] = first.tasks;
  expect(loader.outputs.parameters).toEqual({ row_count: 50 });
  expect(typeof trainer.outputs.parameters.rmse).toBe('number');
  expect(existsSync(trainer.outputs.artifacts.model.path)).toBe(true);
  expect(existsSync(trainer.outputs.artifacts.metrics.path)).toBe(true);
  // the executor output: metrics as the Metrics artifact's metadata (what the KFP UI shows), the same as its file
  const metrics = JSON.parse(readFileSync(trainer.outputs.artifacts.metrics.path, 'utf8'));
  expect(trainer.outputs.artifacts.metrics.metadata).toEqual(metrics);
  expect(metrics.rmse).toBe(trainer.outputs.parameters.rmse);
  expect(Object.keys(metrics).sort()).toEqual(['r2', 'rmse', 'train-rmse']);
  expect(loader.outputs.artifacts.dataset.metadata).toEqual({ rows: 50 });
  // ClassificationMetrics through component-runtime: kfp's metadata shape in the executor output, the same in its file
  const classification = JSON.parse(readFileSync(trainer.outputs.artifacts.classification.path, 'utf8'));
  expect(trainer.outputs.artifacts.classification.metadata).toEqual(classification);
  expect(classification.confusionMatrix.annotationSpecs).toEqual([{ displayName: 'below median' }, { displayName: 'above median' }]);
  expect(classification.confusionMatrix.rows.flatMap((row: { row: number[] }) => row.row).reduce((a: number, b: number) => a + b, 0)).toBe(10); // the 10 validation rows of 50
  expect(classification.confidenceMetrics.at(-1)).toMatchObject({ recall: 1, falsePositiveRate: 1 });
  // a Markdown report: the file is the artifact, no metadata
  expect(readFileSync(trainer.outputs.artifacts.report.path, 'utf8')).toContain('# Linear regression');
  expect(trainer.outputs.artifacts.report.metadata).toEqual({});
  // component logs stay JSON lines, with the run's identity from KFP's placeholders
  const logLines = readFileSync(trainer.logFile, 'utf8').trim().split('\n');
  const records = logLines.map((line) => JSON.parse(line));
  expect(records.length).toBeGreaterThan(0);
  for (const record of records) {
    expect(record).toMatchObject({ run_id: 'first', task: 'trainer', pipeline: 'training-pipeline', run_name: 'training-pipeline-first', component: 'trainer' });
  }

  const { result: second, events } = await runOnce('second');
  expect(second.tasks.map((task) => task.state)).toEqual(['CACHED', 'CACHED']);
  expect(second.tasks[1].outputs.parameters.rmse).toBe(trainer.outputs.parameters.rmse);
  expect(existsSync(second.tasks[1].outputs.artifacts.model.path)).toBe(true);
  expect(second.tasks[1].outputs.artifacts.metrics.metadata).toEqual(trainer.outputs.artifacts.metrics.metadata);
  expect(second.tasks[1].outputs.artifacts.classification.metadata).toEqual(trainer.outputs.artifacts.classification.metadata);
  // the venvs were ready: nothing was installed for the second run
  expect(events.filter((event) => event.kind === 'info')).toEqual([]);
});
