/**
 * Nested pipelines in real runs: pipeline.yaml files (an outer pipeline
 * running `prepare`, which runs `scale`; `scale` in a loop, under a condition
 * and in an exit handler) compiled by compile's own code, run by the local
 * runner with the run modes deploy gives them (localTaskModes), the
 * components as they stand (sh, and Python's append-text).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTaskModes } from '../deploy/task-modes';
import { compileNestedWorkspace, NESTED_PROJECTS, NESTED_TASKS, OUTER_PIPELINE, writeNestedWorkspace } from './__fixtures__/nested-pipelines-workspace';
import { runPipeline, type RunEvent } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(120_000);

let workspace: string;
let runs = 0;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-nested-run-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

async function run(
  parameters: Record<string, unknown> = {},
  options: { pipelines?: { outer?: string; prepare?: string }; cacheDir?: string; signal?: AbortSignal; onEvent?: (event: RunEvent) => void } = {},
) {
  writeNestedWorkspace(workspace, options.pipelines);
  const irFile = join(workspace, 'dist/outer/pipeline.yaml');
  compileNestedWorkspace(workspace, irFile);
  const runId = `run-${++runs}`;
  const events: RunEvent[] = [];
  const result = await runPipeline({
    ir: { irFile },
    runDir: join(workspace, 'runs', runId),
    runId,
    pipelineName: 'outer',
    parameters,
    tasks: localTaskModes({ workspaceRoot: workspace, pipelineRoot: 'pipelines/outer', projects: NESTED_PROJECTS }),
    workspaceRoot: workspace,
    cacheDir: options.cacheDir ?? join(workspace, 'cache', runId),
    parallel: 2,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    signal: options.signal,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const task = (name: string) => {
    const found = record.tasks.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no task ${name} in ${record.tasks.map((candidate) => candidate.name).join(', ')}`);
    return found;
  };
  const states = Object.fromEntries(record.tasks.map((t) => [t.name, t.state]));
  const nested = Object.fromEntries((record.nestedPipelines ?? []).map((n) => [n.name, n.state]));
  return { result, record, task, states, nested, events, irFile };
}

const text = (path: string) => readFileSync(path, 'utf8');

describe('runPipeline: nested pipelines', () => {
  it('gives deploy a run mode for every task inside, named <task>/<inner task>', () => {
    writeNestedWorkspace(workspace);
    const modes = localTaskModes({ workspaceRoot: workspace, pipelineRoot: 'pipelines/outer', projects: NESTED_PROJECTS });
    expect(Object.keys(modes).sort()).toEqual(Object.keys(NESTED_TASKS).sort());
    expect(modes['prepare/scaled/double']).toEqual({ mode: 'command', projectRoot: 'components/shell-output' });
  });

  it('runs the tasks inside as tasks of the run, each in its folder; inputs go in (defaults too), parameters and artifacts come out', async () => {
    const { result, record, task, states, nested } = await run();
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      start: 'SUCCEEDED',
      'prepare/plus-one': 'SUCCEEDED',
      'prepare/annotate': 'SUCCEEDED',
      'prepare/scaled/double': 'SUCCEEDED',
      'prepare/scaled/note': 'SUCCEEDED',
      use: 'SUCCEEDED',
      show: 'SUCCEEDED',
      total: 'SUCCEEDED',
      'big/double': 'SUCCEEDED',
      'big/note': 'SUCCEEDED',
      'small/double': 'SKIPPED',
      'small/note': 'SKIPPED',
      'guarded/double': 'SUCCEEDED',
      'guarded/note': 'SUCCEEDED',
      report: 'SUCCEEDED',
      ...Object.fromEntries([0, 1, 2].flatMap((i) => ['double', 'note'].map((t) => [`for-loop-1-iteration-${i}/scale-each/${t}`, 'SUCCEEDED']))),
    });
    // seed 5 + 1, doubled two levels down, plus 100 outside
    expect(task('prepare/plus-one').outputs.parameters).toEqual({ value: 6 });
    expect(task('prepare/scaled/double').outputs.parameters).toEqual({ value: 12 });
    expect(task('use').outputs.parameters).toEqual({ value: 112 });
    // the inner pipeline's default label; the artifact went in (start's) and came out (annotate's)
    expect(text(task('prepare/scaled/note').outputs.artifacts.result.path)).toBe('p:scaled\n');
    expect(text(task('show').outputs.artifacts.result.path)).toBe('p:start\np:inner\np:end\n');
    expect(task('show').outputs.artifacts.result.path).toBe(join(result.runDir, 'show/outputs/artifacts/result'));
    expect(task('prepare/annotate').outputs.artifacts.result.path).toBe(join(result.runDir, 'prepare/annotate/outputs/artifacts/result'));
    expect(existsSync(join(result.runDir, 'prepare/scaled/double/log.txt'))).toBe(true);
    // each iteration its own: the items doubled, collected in item order
    expect([0, 1, 2].map((i) => task(`for-loop-1-iteration-${i}/scale-each/double`).outputs.parameters.value)).toEqual([2, 4, 6]);
    expect(task('total').outputs.parameters.value).toBe(12);
    expect(existsSync(join(result.runDir, 'for-loop-1-iteration-1/scale-each/double/outputs/parameters/value'))).toBe(true);
    // 112 > 110: the If branch ran its pipeline with the label given, the Else branch's is SKIPPED, which fails nothing
    expect(text(task('big/note').outputs.artifacts.result.path)).toBe('p:big\n');
    expect(task('big/double').outputs.parameters.value).toBe(100);
    expect(task('small/double').error).toMatch(/^condition "condition-\d+" is false/);
    expect(nested).toEqual({
      'prepare/scaled': 'SUCCEEDED',
      prepare: 'SUCCEEDED',
      big: 'SUCCEEDED',
      small: 'SKIPPED',
      guarded: 'SUCCEEDED',
      'for-loop-1-iteration-0/scale-each': 'SUCCEEDED',
      'for-loop-1-iteration-1/scale-each': 'SUCCEEDED',
      'for-loop-1-iteration-2/scale-each': 'SUCCEEDED',
    });
    const prepare = record.nestedPipelines!.find((n) => n.name === 'prepare')!;
    expect(prepare).toMatchObject({ pipeline: 'comp-prepare', tasks: ['prepare/annotate', 'prepare/plus-one', 'prepare/scaled/double', 'prepare/scaled/note'] });
    expect(prepare.outputs).toEqual({ parameters: { value: 12 }, artifacts: { text: { path: join(result.runDir, 'prepare/annotate/outputs/artifacts/result'), uri: join(result.runDir, 'prepare/annotate/outputs/artifacts/result') } } });
    // the pipeline's own outputs, from the tasks inside that made them
    expect(record.outputs).toEqual({ parameters: { value: 12 }, artifacts: { text: prepare.outputs!.artifacts.text } });
    expect(record.exitHandlers).toMatchObject([{ exitTask: 'report', state: 'SUCCEEDED', tasks: ['guarded/double', 'guarded/note'] }]);
  });

  it('fails the task when a task inside fails: what waits for it is SKIPPED, the rest of its pipeline and of the run goes on, the run is FAILED', async () => {
    // seed 12: plus-one makes 13, which scale's double refuses
    const { result, record, task, states, nested } = await run({ seed: 12 });
    expect(result.state).toBe('FAILED');
    expect(task('prepare/scaled/double')).toMatchObject({ state: 'FAILED', error: expect.stringContaining('13 is unlucky') });
    expect(states).toMatchObject({ 'prepare/plus-one': 'SUCCEEDED', 'prepare/scaled/note': 'SUCCEEDED', 'prepare/annotate': 'SUCCEEDED', use: 'SKIPPED', show: 'SKIPPED', 'big/double': 'SKIPPED', 'small/double': 'SKIPPED', total: 'SUCCEEDED', report: 'SUCCEEDED' });
    expect(nested).toMatchObject({ 'prepare/scaled': 'FAILED', prepare: 'FAILED', big: 'SKIPPED', small: 'SKIPPED', guarded: 'SUCCEEDED' });
    const prepare = record.nestedPipelines!.find((n) => n.name === 'prepare')!;
    expect(prepare.error).toMatch(/^task "prepare\/scaled\/double" failed: /);
    expect(prepare.outputs).toBeUndefined();
    expect(task('use').error).toMatch(/^nested pipeline "prepare" did not succeed: task "prepare\/scaled\/double" failed: /);
    expect(record.error).toBe(task('prepare/scaled/double').error!.split('\n')[0]);
    // no output of a pipeline that failed
    expect(record.outputs).toEqual({ parameters: {}, artifacts: {} });
  });

  it('fails one iteration of the loop and the loop, and the exit handler around a failed pipeline, whose exit task still runs', async () => {
    const { result, record, task, nested } = await run({ counts: [1, 13], guard: 13 });
    expect(result.state).toBe('FAILED');
    expect(task('for-loop-1-iteration-1/scale-each/double').state).toBe('FAILED');
    expect(task('for-loop-1-iteration-0/scale-each/double').state).toBe('SUCCEEDED');
    expect(nested).toMatchObject({ 'for-loop-1-iteration-0/scale-each': 'SUCCEEDED', 'for-loop-1-iteration-1/scale-each': 'FAILED', guarded: 'FAILED' });
    expect(record.loops![0]).toMatchObject({ state: 'FAILED', iterations: [{ state: 'SUCCEEDED' }, { state: 'FAILED' }] });
    expect(task('total').state).toBe('SKIPPED');
    expect(record.exitHandlers).toMatchObject([{ state: 'FAILED', error: expect.stringMatching(/^task "guarded\/double" failed: /) }]);
    expect(task('report').state).toBe('SUCCEEDED');
  });

  it('takes the tasks inside from the cache on a second run; the nested pipeline itself has nothing to cache', async () => {
    const cacheDir = join(workspace, 'shared-cache');
    await run({}, { cacheDir });
    const { result, task } = await run({}, { cacheDir });
    expect(result.state).toBe('SUCCEEDED');
    for (const name of ['prepare/plus-one', 'prepare/scaled/double', 'for-loop-1-iteration-2/scale-each/double']) expect([name, task(name).state]).toEqual([name, 'CACHED']);
    expect(task('use').outputs.parameters).toEqual({ value: 112 });
  });

  it('says once that a nested pipeline task\'s retry and caching option are not applied, as on KFP', async () => {
    const outer = OUTER_PIPELINE.replace('    pipeline: prepare\n', '    pipeline: prepare\n    retry: {max_retry_count: 2}\n    caching: false\n');
    const { result, events } = await run({}, { pipelines: { outer } });
    expect(result.state).toBe('SUCCEEDED');
    const warnings = events.filter((event) => event.kind === 'warning').map((event) => event.message);
    expect(warnings).toEqual([
      expect.stringMatching(/^task "prepare" runs a pipeline with retry \(max_retry_count 2\), which is not applied: neither KFP \(kubeflow\/pipelines#11288\) nor kfp.local/),
      expect.stringMatching(/^task "prepare" runs a pipeline with caching off, which does not reach the tasks inside/),
    ]);
  });

});

