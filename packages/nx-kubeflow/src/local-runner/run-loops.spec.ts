/**
 * Loops in a real run: pipeline.yaml text through the real reader, checker
 * and IR compiler, then the local runner with the sh-based shell-lists
 * component.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadComponentSpec } from '../kfp/component-spec';
import { compilePipeline } from '../kfp/ir-compiler';
import type { ResolvedComponent } from '../kfp/pipeline-model';
import { checkPipeline } from '../pipeline/check-pipeline';
import { formatProblem } from '../pipeline/pipeline-problems';
import { readPipeline } from '../pipeline/read-pipeline';
import { FIXTURES_DIR, fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import type { IrDocuments } from './ir-reader';
import { runPipeline, type RunEvent } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(90_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-loops-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function compile(text: string): IrDocuments {
  const { definition, source, problems } = readPipeline(text, 'loops/pipeline.yaml');
  const spec = loadComponentSpec(join(FIXTURES_DIR, 'shell-lists', 'component.yaml'));
  expect(problems.map(formatProblem)).toEqual([]);
  expect(checkPipeline({ definition: definition!, source, components: new Map([['shell-lists', spec]]) }).map(formatProblem)).toEqual([]);
  const components = new Map<string, ResolvedComponent>([['shell-lists', { project: 'shell-lists', spec, image: spec.implementation.container.image, usesComponentRuntime: false }]]);
  return { pipelineSpec: compilePipeline({ pipeline: definition!, components }).documents[0] };
}

async function run(text: string, tasks: string[], parameters: Record<string, unknown> = {}, parallel = 4, signal?: AbortSignal, onEvent?: (event: RunEvent) => void) {
  const runId = `run-${++runs}`;
  const result = await runPipeline({
    signal,
    onEvent,
    ir: compile(text),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'loops',
    parameters,
    tasks: Object.fromEntries(tasks.map((task) => [task, { mode: 'command' as const, projectRoot: fixtureRoot('shell-lists') }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', runId),
    parallel,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const states = Object.fromEntries(record.tasks.map((task) => [task.name, task.state]));
  const values = Object.fromEntries(record.tasks.map((task) => [task.name, task.outputs.parameters.value]));
  return { result, record, states, values };
}

const PIPELINE = `
name: loops
parameters:
  counts: {type: JsonArray, default: [1, 2, 3]}
tasks:
  list:
    component: shell-lists
    arguments: {script: 'echo "[10, 20]" > "$4"'}
  per-count:
    for_each: {parameter: counts}
    as: n
    parallelism: 2
    tasks:
      double:
        component: shell-lists
        arguments: {script: 'echo $(( $2 * 2 )) > "$1"', number: {item: n}}
      plus-one:
        component: shell-lists
        arguments: {script: 'test "$2" -ne 4 || exit 3; echo $(( $2 + 1 )) > "$1"', number: {task: double, output: value}}
  per-size:
    for_each: [{size: 5}, {size: 7}]
    as: s
    tasks:
      sized: {component: shell-lists, arguments: {script: 'echo "$2" > "$1"', number: {item: s, field: size}}}
  per-listed:
    for_each: {task: list, output: list}
    as: x
    tasks:
      listed: {component: shell-lists, arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: {item: x}}}
  total:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: plus-one, output: value}}
  listed-total:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: listed, output: value}}
`;
const TASKS = ['list', 'double', 'plus-one', 'sized', 'listed', 'total', 'listed-total'];

describe('runPipeline: loops', () => {
  it('runs each item as an iteration in its own folder, with item fields and items of a parameter and of an output; Collected values arrive as lists', async () => {
    const { result, record, states, values } = await run(PIPELINE, TASKS, { counts: [1, 3, 5] });
    expect([result.state, record.error, record.loops]).toEqual(['SUCCEEDED', undefined, expect.anything()]);
    expect(states).toEqual({
      list: 'SUCCEEDED',
      total: 'SUCCEEDED',
      'listed-total': 'SUCCEEDED',
      'for-loop-1-iteration-0/double': 'SUCCEEDED',
      'for-loop-1-iteration-0/plus-one': 'SUCCEEDED',
      'for-loop-1-iteration-1/double': 'SUCCEEDED',
      'for-loop-1-iteration-1/plus-one': 'SUCCEEDED',
      'for-loop-1-iteration-2/double': 'SUCCEEDED',
      'for-loop-1-iteration-2/plus-one': 'SUCCEEDED',
      'for-loop-3-iteration-0/sized': 'SUCCEEDED',
      'for-loop-3-iteration-1/sized': 'SUCCEEDED',
      'for-loop-4-iteration-0/listed': 'SUCCEEDED',
      'for-loop-4-iteration-1/listed': 'SUCCEEDED',
    });
    expect(values).toMatchObject({
      'for-loop-1-iteration-2/plus-one': 11,
      'for-loop-3-iteration-0/sized': 5,
      'for-loop-3-iteration-1/sized': 7,
      'for-loop-4-iteration-1/listed': 21,
      total: 3 + 7 + 11,
      'listed-total': 11 + 21,
    });
    expect(existsSync(join(result.runDir, 'for-loop-1-iteration-1', 'plus-one', 'outputs', 'parameters', 'value'))).toBe(true);
    expect(record.loops).toEqual([
      {
        name: 'for-loop-1',
        state: 'SUCCEEDED',
        parallelism: 2,
        iterations: [0, 1, 2].map((index) => ({ index, item: [1, 3, 5][index], state: 'SUCCEEDED', tasks: ['double', 'plus-one'].map((task) => `for-loop-1-iteration-${index}/${task}`) })),
        outputs: { 'pipelinechannel--plus-one-value': [3, 7, 11] },
      },
      { name: 'for-loop-3', state: 'SUCCEEDED', iterations: expect.any(Array) },
      { name: 'for-loop-4', state: 'SUCCEEDED', iterations: [0, 1].map((index) => expect.objectContaining({ index, item: [10, 20][index] })), outputs: { 'pipelinechannel--listed-value': [11, 21] } },
    ]);
  });

  it('fails the loop when an iteration fails (the others run to their end) and skips what waits for it, naming the loop', async () => {
    const { result, record, states } = await run(PIPELINE, TASKS, { counts: [1, 2, 3] });
    expect(result.state).toBe('FAILED');
    expect(states).toMatchObject({
      'for-loop-1-iteration-0/plus-one': 'SUCCEEDED',
      'for-loop-1-iteration-1/plus-one': 'FAILED',
      'for-loop-1-iteration-2/plus-one': 'SUCCEEDED',
      total: 'SKIPPED',
      'listed-total': 'SUCCEEDED',
    });
    const loop = record.loops!.find((candidate) => candidate.name === 'for-loop-1')!;
    expect(loop.state).toBe('FAILED');
    expect(loop.iterations.map((iteration) => iteration.state)).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    expect(loop.error).toMatch(/^loop "for-loop-1": 1 of 3 iteration\(s\) failed; iteration 1 \(item 2\)/);
    expect(record.tasks.find((task) => task.name === 'total')!.error).toBe(loop.error);
  });

  it('runs at most parallelism iterations at once, and at most `parallel` task processes in the run', async () => {
    const log = join(scratch, 'order.log');
    const text = (parallelism: number) => `
name: loops
tasks:
  per-item:
    for_each: [1, 2, 3, 4]
    as: i
    parallelism: ${parallelism}
    tasks:
      step: {component: shell-lists, arguments: {script: 'echo "start $2" >> ${log}; sleep 0.4; echo "end $2" >> ${log}; echo 0 > "$1"', number: {item: i}}}
`;
    const mostAtOnce = () => {
      let now = 0;
      let most = 0;
      for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
        now += line.startsWith('start') ? 1 : -1;
        most = Math.max(most, now);
      }
      rmSync(log);
      return most;
    };
    expect((await run(text(1), ['step'])).result.state).toBe('SUCCEEDED');
    expect(mostAtOnce()).toBe(1);
    expect((await run(text(3), ['step'])).result.state).toBe('SUCCEEDED');
    expect(mostAtOnce()).toBe(3);
    expect((await run(text(3), ['step'], {}, 2)).result.state).toBe('SUCCEEDED');
    expect(mostAtOnce()).toBe(2);
  });

  it('opens a condition inside a loop once per iteration, on that iteration\'s values; Collected takes the iterations that ran', async () => {
    const text = `
name: loops
tasks:
  per-item:
    for_each: [1, 4, 2, 5]
    as: i
    tasks:
      measure: {component: shell-lists, arguments: {script: 'echo "$2" > "$1"', number: {item: i}}}
      big-only:
        if: {left: {task: measure, output: value}, operator: '>', right: 3}
        then:
          big: {component: shell-lists, arguments: {script: 'echo $(( $2 * 10 )) > "$1"', number: {item: i}}}
  bigs:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: big, output: value}}
`;
    const { result, record, states, values } = await run(text, ['measure', 'big', 'bigs']);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toMatchObject({
      'for-loop-2-iteration-0/big': 'SKIPPED',
      'for-loop-2-iteration-1/big': 'SUCCEEDED',
      'for-loop-2-iteration-2/big': 'SKIPPED',
      'for-loop-2-iteration-3/big': 'SUCCEEDED',
      bigs: 'SUCCEEDED',
    });
    expect(values.bigs).toBe(90);
    expect(record.loops![0].outputs).toEqual({ 'pipelinechannel--big-value': [40, 50] });
    expect(record.loops![0].iterations.map((iteration) => iteration.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(Object.fromEntries(record.conditions!.map((condition) => [condition.name, condition.state]))).toEqual({
      'for-loop-2-iteration-0/condition-3': 'FALSE',
      'for-loop-2-iteration-1/condition-3': 'TRUE',
      'for-loop-2-iteration-2/condition-3': 'FALSE',
      'for-loop-2-iteration-3/condition-3': 'TRUE',
    });
    expect(record.tasks.find((task) => task.name === 'for-loop-2-iteration-0/big')!.error).toBe(
      `condition "for-loop-2-iteration-0/condition-3" is false (int(inputs.parameter_values['pipelinechannel--measure-value']) > 3)`,
    );
  });

  it('runs a loop inside a loop per outer iteration, with the outer item and the outer iteration\'s outputs; Collected lists nest', async () => {
    const text = `
name: loops
parameters:
  seeds: {type: JsonArray, default: [1, 2]}
tasks:
  outer:
    for_each: [10, 20]
    as: base
    tasks:
      prepare: {component: shell-lists, arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: {item: base}}}
      inner:
        for_each: {parameter: seeds}
        as: seed
        tasks:
          add: {component: shell-lists, arguments: {script: 'echo $(( $2 * 100 + $3 )) > "$1"', number: {task: prepare, output: value}, numbers: {item: seed}}}
          tag: {component: shell-lists, arguments: {script: 'echo "$2" > "$1"', number: {item: base}}}
      per-base:
        component: shell-lists
        arguments:
          script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
          numbers: {collect: {task: add, output: value}}
  everything:
    component: shell-lists
    arguments:
      script: 'echo "$3" > "$4"; echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: add, output: value}}
`;
    const { result, record, values } = await run(text, ['prepare', 'add', 'tag', 'per-base', 'everything']);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(values).toEqual({
      'for-loop-2-iteration-0/prepare': 11,
      'for-loop-2-iteration-0/per-base': 1101 + 1102,
      'for-loop-2-iteration-1/prepare': 21,
      'for-loop-2-iteration-1/per-base': 2101 + 2102,
      'for-loop-2-iteration-0/for-loop-3-iteration-0/add': 1101,
      'for-loop-2-iteration-0/for-loop-3-iteration-0/tag': 10,
      'for-loop-2-iteration-0/for-loop-3-iteration-1/add': 1102,
      'for-loop-2-iteration-0/for-loop-3-iteration-1/tag': 10,
      'for-loop-2-iteration-1/for-loop-3-iteration-0/add': 2101,
      'for-loop-2-iteration-1/for-loop-3-iteration-0/tag': 20,
      'for-loop-2-iteration-1/for-loop-3-iteration-1/add': 2102,
      'for-loop-2-iteration-1/for-loop-3-iteration-1/tag': 20,
      everything: 1101 + 1102 + 2101 + 2102,
    });
    expect(record.tasks.find((task) => task.name === 'everything')!.outputs.parameters.list).toEqual([
      [1101, 1102],
      [2101, 2102],
    ]);
    expect(record.loops!.map((loop) => [loop.name, loop.state])).toEqual([
      ['for-loop-2', 'SUCCEEDED'],
      ['for-loop-2-iteration-0/for-loop-3', 'SUCCEEDED'],
      ['for-loop-2-iteration-1/for-loop-3', 'SUCCEEDED'],
    ]);
    expect(existsSync(join(result.runDir, 'for-loop-2-iteration-1', 'for-loop-3-iteration-0', 'add', 'outputs', 'parameters', 'value'))).toBe(true);
  });

  it('stops a loop on Ctrl-C: the running iteration CANCELLED, the waiting ones SKIPPED, the loop and the run CANCELLED', async () => {
    const controller = new AbortController();
    const text = `
name: loops
tasks:
  per-item:
    for_each: [1, 2, 3]
    as: i
    parallelism: 1
    tasks:
      step: {component: shell-lists, arguments: {script: 'sleep 30', number: {item: i}}}
  after-loop: {component: shell-lists, arguments: {script: 'true'}, after: [step]}
`;
    const { result, record, states } = await run(text, ['step', 'after-loop'], {}, 4, controller.signal, (event) => {
      if (event.kind === 'task-state' && event.state === 'RUNNING') controller.abort();
    });
    expect(result.state).toBe('CANCELLED');
    expect(states).toEqual({
      'after-loop': 'SKIPPED',
      'for-loop-2-iteration-0/step': 'CANCELLED',
      'for-loop-2-iteration-1/step': 'SKIPPED',
      'for-loop-2-iteration-2/step': 'SKIPPED',
    });
    expect(record.tasks.find((task) => task.name === 'for-loop-2-iteration-1/step')!.error).toBe('the run was interrupted before it started');
    expect(record.loops![0]).toMatchObject({ state: 'CANCELLED', iterations: [{ state: 'CANCELLED' }, { state: 'CANCELLED' }, { state: 'CANCELLED' }] });
  });
});
