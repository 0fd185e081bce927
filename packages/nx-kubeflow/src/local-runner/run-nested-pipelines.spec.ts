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
import { formatRunSummary } from '../deploy/run-summary';
import { localTaskModes } from '../deploy/task-modes';
import { NESTED_PROJECTS, NESTED_TASKS, OUTER_PIPELINE, PREPARE_PIPELINE, runNestedWorkspace, writeNestedWorkspace } from './__fixtures__/nested-pipelines-workspace';
import type { RunEvent } from './run-pipeline';

jest.setTimeout(120_000);

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-nested-run-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

async function run(
  parameters: Record<string, unknown> = {},
  options: { pipelines?: { outer?: string; prepare?: string }; cacheDir?: string; signal?: AbortSignal; onEvent?: (event: RunEvent) => void } = {},
) {
  const events: RunEvent[] = [];
  const ran = await runNestedWorkspace(workspace, parameters, {
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  const task = (name: string) => {
    const found = ran.record.tasks.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no task ${name} in ${ran.record.tasks.map((candidate) => candidate.name).join(', ')}`);
    return found;
  };
  const nested = Object.fromEntries((ran.record.nestedPipelines ?? []).map((n) => [n.name, n.state]));
  return { ...ran, task, nested, events };
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
    const { result, record, task, states, nested, events } = await run();
    // progress lines and the summary name them as the run does
    expect(events).toContainEqual(expect.objectContaining({ kind: 'task-state', task: 'prepare/scaled/double', state: 'RUNNING' }));
    expect(formatRunSummary({ runId: result.runId, state: result.state, tasks: result.tasks })).toMatch(/^prepare\/scaled\/double +SUCCEEDED /m);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      start: 'SUCCEEDED',
      'prepare/plus-one': 'SUCCEEDED',
      'prepare/annotate': 'SUCCEEDED',
      'prepare/scaled/double': 'SUCCEEDED',
      'prepare/scaled/note': 'SUCCEEDED',
      use: 'SUCCEEDED',
      show: 'SUCCEEDED',
      tidy: 'SUCCEEDED',
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
    expect(task('tidy').outputs.parameters).toEqual({ value: 12 });
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
    // no output of a pipeline that failed: not to the run, not to ignore_upstream_failure's task, which takes its default
    expect(record.outputs).toEqual({ parameters: {}, artifacts: {} });
    expect(task('tidy')).toMatchObject({ state: 'SUCCEEDED', outputs: { parameters: { value: 0 } } });
    expect(Date.parse(task('tidy').startedAt!)).toBeGreaterThanOrEqual(Date.parse(task('prepare/scaled/note').finishedAt!));
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

  it('runs a loop inside a nested pipeline, its iterations named <task>/<loop>-iteration-<i>/<inner task>, its Collected list handed out', async () => {
    const prepare = `name: prepare
parameters:
  seed: {type: Integer, default: 5}
  source: {type: Dataset}
tasks:
  per-item:
    for_each: [1, 2]
    as: i
    tasks:
      add: {component: shell-output, arguments: {script: 'echo $(( $2 + 10 )) > "$1"', number: {item: i}}}
  sum:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: add, output: value}}
  annotate:
    component: append-text
    arguments: {text: inner, source: {parameter: source}}
outputs:
  value: {task: sum, output: value}
  text: {task: annotate, output: result}
`;
    const outer = OUTER_PIPELINE.slice(0, OUTER_PIPELINE.indexOf('  per-count:')) + 'outputs:\n  value: {task: prepare, output: value}\n';
    const { result, record, task, states } = await run({}, { pipelines: { outer, prepare } });
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    const loop = record.loops![0].name;
    expect(loop).toMatch(/^prepare\/for-loop-\d+$/);
    expect(states).toMatchObject({ [`${loop}-iteration-0/add`]: 'SUCCEEDED', [`${loop}-iteration-1/add`]: 'SUCCEEDED', 'prepare/sum': 'SUCCEEDED' });
    expect(existsSync(join(result.runDir, `${loop}-iteration-1/add/outputs/parameters/value`))).toBe(true);
    expect(task('prepare/sum').outputs.parameters.value).toBe(23);
    expect(task('use').outputs.parameters.value).toBe(123);
    expect(record.outputs!.parameters).toEqual({ value: 23 });
  });

  it('stops the tasks inside on Ctrl-C: the running one CANCELLED, the waiting ones SKIPPED, the nested pipelines and the run CANCELLED', async () => {
    const controller = new AbortController();
    const prepare = PREPARE_PIPELINE.replace(`script: 'echo $(( $2 + 1 )) > "$1"'`, `script: 'sleep 30'`);
    const outer = OUTER_PIPELINE.slice(0, OUTER_PIPELINE.indexOf('  per-count:'));
    const { result, record, states, nested } = await run({}, {
      pipelines: { outer, prepare },
      onEvent: (event) => {
        if (event.kind === 'task-state' && event.task === 'prepare/plus-one' && event.state === 'RUNNING') controller.abort();
      },
      signal: controller.signal,
    });
    expect(result.state).toBe('CANCELLED');
    expect(states).toMatchObject({ start: 'SUCCEEDED', 'prepare/plus-one': 'CANCELLED', 'prepare/scaled/double': 'SKIPPED', 'prepare/scaled/note': 'SKIPPED', use: 'SKIPPED', show: 'SKIPPED' });
    expect(record.tasks.find((t) => t.name === 'prepare/scaled/double')!.error).toBe('the run was interrupted before it started');
    expect(nested).toEqual({ prepare: 'CANCELLED', 'prepare/scaled': 'CANCELLED' });
  });
  it('runs an exit handler inside a nested pipeline: its exit task runs after a failure inside, and the nested pipeline fails', async () => {
    const prepare = `name: prepare
parameters:
  seed: {type: Integer, default: 5}
  source: {type: Dataset}
tasks:
  plus-one:
    component: shell-output
    arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: {parameter: seed}}
  watch:
    exit_task:
      cleanup: {component: shell-output, arguments: {script: 'echo 2 > "$1"'}}
    tasks:
      scaled:
        pipeline: scale
        arguments: {number: {parameter: seed}}
outputs:
  value: {task: plus-one, output: value}
`;
    const outer = OUTER_PIPELINE.slice(0, OUTER_PIPELINE.indexOf('  show:'));
    const { result, record, states, nested } = await run({ seed: 13 }, { pipelines: { outer, prepare } });
    expect(result.state).toBe('FAILED');
    expect(states).toMatchObject({ 'prepare/plus-one': 'SUCCEEDED', 'prepare/scaled/double': 'FAILED', 'prepare/cleanup': 'SUCCEEDED', use: 'SKIPPED' });
    expect(record.exitHandlers).toMatchObject([{ name: expect.stringMatching(/^prepare\/exit-handler-\d+$/), exitTask: 'prepare/cleanup', state: 'FAILED' }]);
    expect(nested).toEqual({ 'prepare/scaled': 'FAILED', prepare: 'FAILED' });
  });
});

