/**
 * The executor input and output on the local runner, as kfp.local has them:
 * `{{$}}` is the executor input JSON, KFP's runtime placeholders resolve to the
 * run's identity, and what a task writes to its executor output file gives its
 * artifacts' metadata (passed on to the next task's executor input) and output
 * parameters that have no file. A plain component (executor-output fixture)
 * writes only that file, as kfp's own Python executor does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandModes, fixtureIr, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';

jest.setTimeout(60_000);

const tasks: FixtureTask[] = [
  { name: 'a', component: 'executor-output' },
  { name: 'b', component: 'executor-output', arguments: { upstream: { kind: 'task-output', task: 'a', output: 'report' } } },
];

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-executor-io-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const run = (runId: string, fixture: FixtureTask[] = tasks) =>
  runPipeline({ ir: fixtureIr(fixture), runDir: join(scratch, 'runs', runId), runId, pipelineName: 'fixture', tasks: commandModes(fixture), workspaceRoot: WORKSPACE_ROOT, cacheDir: join(scratch, 'cache') });

const received = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { executor_input: any; identity: string[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

it('gives {{$}} and the runtime placeholders, and takes metadata and parameters from the executor output', async () => {
  const result = await run('r1');
  expect(result.error).toBeUndefined();
  expect(result.state).toBe('SUCCEEDED');
  const [a, b] = result.tasks;
  const outputsOf = (task: string) => join(scratch, 'runs', 'r1', task, 'outputs');

  // parameters only in the executor output; metadata on the artifact, as kfp.local reports them
  expect(a.outputs.parameters).toEqual({ count: 1 });
  expect(a.outputs.artifacts.report.metadata).toEqual({ score: 1, task: 'a' });
  expect(b.outputs.parameters).toEqual({ count: 2 });
  expect(b.outputs.artifacts.report.metadata).toEqual({ score: 2, task: 'b' });

  const first = received(a.outputs.artifacts.report.path);
  expect(first.identity).toEqual(['fixture-r1', 'r1', 'a']);
  expect(first.executor_input).toEqual({
    inputs: { parameterValues: { bad: false }, artifacts: {} },
    outputs: {
      parameters: { count: { outputFile: join(outputsOf('a'), 'parameters', 'count') } },
      artifacts: {
        report: { artifacts: [{ name: 'report', type: { schemaTitle: 'system.Metrics', schemaVersion: '0.0.1' }, uri: join(outputsOf('a'), 'artifacts', 'report'), metadata: {} }] },
      },
      outputFile: join(outputsOf('a'), 'executor_output.json'),
    },
  });
  // the upstream artifact arrives with the metadata its producer gave it
  expect(received(b.outputs.artifacts.report.path).executor_input.inputs.artifacts).toEqual({
    upstream: { artifacts: [{ name: 'report', type: { schemaTitle: 'system.Metrics', schemaVersion: '0.0.1' }, uri: a.outputs.artifacts.report.uri, metadata: { score: 1, task: 'a' } }] },
  });
  expect(a.warnings).toEqual([]);

  // from the cache, the metadata comes back with the outputs
  const again = await run('r2');
  expect(again.tasks.map((task) => task.state)).toEqual(['CACHED', 'CACHED']);
  expect(again.tasks[1].outputs.artifacts.report.metadata).toEqual({ score: 2, task: 'b' });
  expect(again.tasks[1].outputs.parameters).toEqual({ count: 2 });
});

it('fails a task whose executor output gives a parameter of the wrong type, naming the file', async () => {
  const result = await run('bad', [{ name: 'a', component: 'executor-output', arguments: { bad: { kind: 'literal', value: true } } }]);
  expect(result.state).toBe('FAILED');
  expect(result.tasks[0].error).toContain(`the executor output ${join(scratch, 'runs', 'bad', 'a', 'outputs', 'executor_output.json')}: output parameter "count" (NUMBER_INTEGER) is "three", not a whole number`);
});
