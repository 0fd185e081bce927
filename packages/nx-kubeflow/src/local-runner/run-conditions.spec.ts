/**
 * Conditions in a real run: pipeline.yaml text through the real reader and
 * IR compiler, then the local runner with sh-based fixture components.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONDITIONS_PIPELINE as PIPELINE, CONDITIONS_TASKS as TASKS, compiledConditions as compiled } from './__fixtures__/conditions-pipeline';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { runPipeline, type RunEvent } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(60_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-conditions-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(parameters: Record<string, unknown>, ir = compiled()) {
  const runId = `run-${++runs}`;
  const events: RunEvent[] = [];
  const result = await runPipeline({
    ir,
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'branches',
    parameters,
    tasks: Object.fromEntries(TASKS.map((task) => [task, { mode: 'command' as const, projectRoot: fixtureRoot('shell-output') }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', runId), // each run its own cache: tasks run, not CACHED
    parallel: 2,
    onEvent: (event) => events.push(event),
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const states = Object.fromEntries(record.tasks.map((task) => [task.name, task.state]));
  const errors = Object.fromEntries(record.tasks.filter((task) => task.error).map((task) => [task.name, task.error]));
  const conditions = Object.fromEntries((record.conditions ?? []).map((condition) => [condition.name, condition.state]));
  return { result, record, states, errors, conditions, events };
}

// condition-branches-1 wraps If (condition-3), Elif (condition-4) and Else (condition-5); the nested If is condition-2 (kfp swaps the numbers of a branches group and its If).
const ifCondition = "inputs.parameter_values['pipelinechannel--mode'] == 'fast'";

describe('runPipeline: conditions', () => {
  it('runs the If branch, and a nested If, with an upstream value traced into it; the others are SKIPPED and the run SUCCEEDED', async () => {
    const { result, record, states, errors, conditions } = await run({ mode: 'fast' });
    expect(result.state).toBe('SUCCEEDED');
    expect(states).toEqual({ measure: 'SUCCEEDED', 'fast-path': 'SUCCEEDED', 'after-fast': 'SUCCEEDED', big: 'SUCCEEDED', medium: 'SKIPPED', slow: 'SKIPPED', beside: 'SUCCEEDED' });
    expect(record.tasks.find((task) => task.name === 'after-fast')!.outputs.parameters).toEqual({ value: 7 });
    expect(conditions).toEqual({ 'condition-branches-1': 'TRUE', 'condition-3': 'TRUE', 'condition-2': 'TRUE', 'condition-4': 'FALSE', 'condition-5': 'FALSE' });
    expect(record.conditions!.find((condition) => condition.name === 'condition-2')).toMatchObject({
      parent: 'condition-3',
      condition: "int(inputs.parameter_values['pipelinechannel--fast-path-value']) > 5",
      inputs: { 'pipelinechannel--fast-path-value': 7 },
      tasks: ['big'],
    });
    expect(errors).toEqual({
      medium: `condition "condition-4" is false (!(${ifCondition}) && int(inputs.parameter_values['pipelinechannel--measure-value']) < int(inputs.parameter_values['pipelinechannel--limit']))`,
      slow: expect.stringMatching(/^condition "condition-5" is false \(!\(.*\) && !\(.*\)\)$/),
    });
  });

  it('runs the Elif or the Else branch by the parameters, the If branch and its nested If SKIPPED with the If as the reason', async () => {
    const elif = await run({ mode: 'slow', limit: 10 });
    expect(elif.result.state).toBe('SUCCEEDED');
    expect(elif.states).toEqual({ measure: 'SUCCEEDED', 'fast-path': 'SKIPPED', 'after-fast': 'SKIPPED', big: 'SKIPPED', medium: 'SUCCEEDED', slow: 'SKIPPED', beside: 'SUCCEEDED' });
    const ifFalse = `condition "condition-3" is false (${ifCondition})`;
    expect(elif.errors).toMatchObject({ 'fast-path': ifFalse, 'after-fast': ifFalse, big: ifFalse });
    expect(elif.conditions).toEqual({ 'condition-branches-1': 'TRUE', 'condition-3': 'FALSE', 'condition-2': 'SKIPPED', 'condition-4': 'TRUE', 'condition-5': 'FALSE' });
    expect(elif.events).toContainEqual({ kind: 'info', message: `condition condition-3 is false: ${ifCondition}` });

    const otherwise = await run({ mode: 'slow', limit: 3 });
    expect(otherwise.result.state).toBe('SUCCEEDED');
    expect(otherwise.states).toMatchObject({ 'fast-path': 'SKIPPED', medium: 'SKIPPED', slow: 'SUCCEEDED', beside: 'SUCCEEDED' });
  });

  it('skips every branch behind a failed upstream task, naming it; a condition it cannot evaluate fails the run', async () => {
    const failedUpstream = await run({ mode: 'fast' }, compiled(PIPELINE.replace(`arguments: {script: 'echo 7 > "$1"'}`, `arguments: {script: 'exit 3'}`)));
    expect(failedUpstream.result.state).toBe('FAILED');
    expect(failedUpstream.states).toMatchObject({ measure: 'FAILED', 'fast-path': 'SKIPPED', medium: 'SKIPPED', slow: 'SKIPPED', beside: 'SUCCEEDED' });
    expect(failedUpstream.errors['fast-path']).toBe('upstream task "measure" did not succeed');
    expect(failedUpstream.conditions['condition-branches-1']).toBe('SKIPPED');

    const ir = compiled();
    const branches = (ir.pipelineSpec as any).components['comp-condition-branches-1'].dag.tasks;
    branches['condition-3'].triggerPolicy.condition = "int(inputs.parameter_values['pipelinechannel--mode']) > 1";
    const unevaluable = await run({ mode: 'fast' }, ir);
    expect(unevaluable.result.state).toBe('FAILED');
    expect(unevaluable.result.error).toBe(`condition "condition-3" could not be evaluated: int() cannot convert 'fast' (int(inputs.parameter_values['pipelinechannel--mode']) > 1)`);
    expect(unevaluable.conditions).toMatchObject({ 'condition-3': 'FAILED', 'condition-2': 'SKIPPED', 'condition-4': 'FALSE' });
    expect(unevaluable.states).toMatchObject({ 'fast-path': 'SKIPPED', big: 'SKIPPED', beside: 'SUCCEEDED' });
  });
});
