/**
 * Exit handlers and ignore_upstream_failure in real runs: pipeline.yaml text
 * through the real reader, checker and IR compiler, then the local runner with
 * sh-based fixture components (shell-output, status-report).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileExits, EXIT_TASKS } from './__fixtures__/exit-handlers-pipeline';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import type { IrDocuments } from './ir-reader';
import { runPipeline } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(60_000);

const TASKS = EXIT_TASKS;
const compiled = (): IrDocuments => compileExits().documents;

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-exit-handlers-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(parameters: Record<string, unknown>) {
  const runId = `run-${++runs}`;
  const result = await runPipeline({
    ir: compiled(),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'exits',
    parameters,
    tasks: Object.fromEntries(Object.entries(TASKS).map(([task, component]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(component) }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', runId),
    parallel: 2,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const task = (name: string) => record.tasks.find((candidate) => candidate.name === name)!;
  const states = Object.fromEntries(record.tasks.map((t) => [t.name, t.state]));
  const report = (name: string) => JSON.parse(String(task(name).outputs.parameters.report));
  return { result, record, task, states, report, runId };
}

describe('runPipeline: exit handlers and ignore_upstream_failure', () => {
  it('runs the exit task after its handler succeeded, with the final status SUCCEEDED; ignore_upstream_failure tasks take the upstream values', async () => {
    const { result, record, states, report, task, runId } = await run({});
    expect(result.state).toBe('SUCCEEDED');
    expect(states).toEqual(Object.fromEntries(Object.keys(TASKS).map((name) => [name, 'SUCCEEDED'])));
    expect(report('notify')).toEqual({ state: 'SUCCEEDED', pipelineJobResourceName: `exits-${runId}`, pipelineTaskName: 'exit-handler-1', error: {} });
    expect(Date.parse(task('notify').startedAt!)).toBeGreaterThanOrEqual(Date.parse(task('after-train').finishedAt!));
    expect(record.exitHandlers).toEqual([{ name: 'exit-handler-1', exitTask: 'notify', state: 'SUCCEEDED', tasks: ['train', 'after-train'] }]);
    expect(record.conditions).toBeUndefined();
    expect(report('report-risky')).toEqual({ state: 'SUCCEEDED', pipelineJobResourceName: `exits-${runId}`, pipelineTaskName: 'risky', error: {} });
    expect(task('tidy').outputs.parameters).toEqual({ value: 9 });
  });

  it('runs the exit task after a failure inside its handler, with the final status FAILED naming the task; ignore_upstream_failure tasks run behind a failed upstream with their defaults; the run is FAILED', async () => {
    const { result, record, states, report, task, runId } = await run({ train_script: 'echo boom >&2; exit 3', risky_script: 'exit 4' });
    expect(result.state).toBe('FAILED');
    expect(states).toEqual({
      prepare: 'SUCCEEDED',
      notify: 'SUCCEEDED',
      train: 'FAILED',
      'after-train': 'SKIPPED',
      risky: 'FAILED',
      tidy: 'SUCCEEDED',
      'report-risky': 'SUCCEEDED',
      'behind-risky': 'SKIPPED',
    });
    const notified = report('notify');
    expect(notified).toEqual({ state: 'FAILED', pipelineJobResourceName: `exits-${runId}`, pipelineTaskName: 'exit-handler-1', error: { message: expect.stringMatching(/^task "train" failed: /) } });
    expect(record.exitHandlers![0]).toMatchObject({ name: 'exit-handler-1', state: 'FAILED', error: notified.error.message });
    expect(report('report-risky')).toEqual({ state: 'FAILED', pipelineJobResourceName: `exits-${runId}`, pipelineTaskName: 'risky', error: { message: task('risky').error } });
    // number: risky produced nothing, so the component default ('0')
    expect(task('tidy').outputs.parameters).toEqual({ value: 0 });
    expect(task('behind-risky').error).toBe('upstream task "risky" did not succeed');
  });

  it('runs the exit task when its handler never opened (a task it waits for failed), with the final status FAILED and why', async () => {
    const ir = compiled();
    const tasks = (ir.pipelineSpec as { root: { dag: { tasks: Record<string, { dependentTasks?: string[] }> } } }).root.dag.tasks;
    // make the handler itself wait for risky (as kfp writes it when a task inside uses an outer task)
    tasks['exit-handler-1'].dependentTasks = ['prepare', 'risky'];
    const runId = `run-${++runs}`;
    const result = await runPipeline({
      ir,
      runDir: join(scratch, 'runs', runId),
      runId,
      pipelineName: 'exits',
      parameters: { risky_script: 'exit 4' },
      tasks: Object.fromEntries(Object.entries(TASKS).map(([task, component]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(component) }])),
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache', runId),
      parallel: 2,
    });
    const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
    const notify = record.tasks.find((task) => task.name === 'notify')!;
    expect(notify.state).toBe('SUCCEEDED');
    expect(JSON.parse(String(notify.outputs.parameters.report))).toMatchObject({ state: 'FAILED', error: { message: 'upstream task "risky" did not succeed' } });
    expect(record.exitHandlers![0]).toMatchObject({ state: 'SKIPPED', error: 'upstream task "risky" did not succeed' });
    expect(record.tasks.filter((task) => ['train', 'after-train'].includes(task.name)).map((task) => task.state)).toEqual(['SKIPPED', 'SKIPPED']);
  });
});
