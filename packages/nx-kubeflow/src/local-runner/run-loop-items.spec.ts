/**
 * Loop items in conditions and loops over loop items, in a real run: pipeline.yaml text through
 * the real reader, checker and IR compiler (the IR kfp 2.17.3 writes for these forms, held to it
 * by the differential fixture loop_items_in_conditions), then the local runner with the sh-based
 * shell-lists component.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runYaml } from './__fixtures__/yaml-run';

jest.setTimeout(90_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-loop-items-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(text: string, tasks: string[], parameters: Record<string, unknown> = {}) {
  const { result, record, states, outputs } = await runYaml({ text, tasks: Object.fromEntries(tasks.map((task) => [task, 'shell-lists'])), scratch, runId: `run-${++runs}`, parameters });
  return { result, record, states, values: outputs('value'), lists: outputs('list') };
}

const ECHO = 'echo "$2" > "$1"; echo "$3" > "$4"';

describe('runPipeline: loop items in conditions, loops over loop items', () => {
  it('opens If/Elif/Else on a listed item once per iteration: the branch that matches runs, the others are SKIPPED', async () => {
    const text = `
name: loop-items
tasks:
  per-fold:
    for_each: [1, 2, 3]
    as: fold
    tasks:
      gate:
        if: {left: {item: fold}, operator: '==', right: 1}
        then:
          first: {component: shell-lists, arguments: {script: '${ECHO}', number: {item: fold}}}
        elif:
          - if: {left: 2, operator: '<', right: {item: fold}}
            then:
              late: {component: shell-lists, arguments: {script: '${ECHO}', number: {item: fold}}}
        else:
          middle: {component: shell-lists, arguments: {script: '${ECHO}', number: {item: fold}}}
`;
    const { result, record, states, values } = await run(text, ['first', 'late', 'middle']);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      'for-loop-2-iteration-0/first': 'SUCCEEDED',
      'for-loop-2-iteration-0/late': 'SKIPPED',
      'for-loop-2-iteration-0/middle': 'SKIPPED',
      'for-loop-2-iteration-1/first': 'SKIPPED',
      'for-loop-2-iteration-1/late': 'SKIPPED',
      'for-loop-2-iteration-1/middle': 'SUCCEEDED',
      'for-loop-2-iteration-2/first': 'SKIPPED',
      'for-loop-2-iteration-2/late': 'SUCCEEDED',
      'for-loop-2-iteration-2/middle': 'SKIPPED',
    });
    expect(values).toEqual({ 'for-loop-2-iteration-0/first': 1, 'for-loop-2-iteration-1/middle': 2, 'for-loop-2-iteration-2/late': 3 });
    expect(Object.fromEntries(record.conditions!.map((condition) => [condition.name, condition.state]))).toMatchObject({
      'for-loop-2-iteration-0/condition-4': 'TRUE',
      'for-loop-2-iteration-1/condition-4': 'FALSE',
      'for-loop-2-iteration-1/condition-6': 'TRUE',
      'for-loop-2-iteration-2/condition-5': 'TRUE',
    });
  });

  it('reads a field of a listed item in a condition and loops over another field of it, per outer iteration', async () => {
    const text = `
name: loop-items
tasks:
  per-rate:
    for_each: [{lr: 0.05, folds: [1, 2]}, {lr: 0.5, folds: [3]}]
    as: rate
    tasks:
      high-rate:
        if: {left: {item: rate, field: lr}, operator: '>=', right: 0.1}
        then:
          announce: {component: shell-lists, arguments: {script: '${ECHO}', number: 1}}
      per-rate-fold:
        for_each: {item: rate, field: folds}
        as: rate_fold
        tasks:
          train: {component: shell-lists, arguments: {script: 'echo $(( $2 * 10 )) > "$1"', number: {item: rate_fold}}}
`;
    const { result, record, states, values } = await run(text, ['announce', 'train']);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      'for-loop-2-iteration-0/announce': 'SKIPPED',
      'for-loop-2-iteration-1/announce': 'SUCCEEDED',
      'for-loop-2-iteration-0/for-loop-4-iteration-0/train': 'SUCCEEDED',
      'for-loop-2-iteration-0/for-loop-4-iteration-1/train': 'SUCCEEDED',
      'for-loop-2-iteration-1/for-loop-4-iteration-0/train': 'SUCCEEDED',
    });
    expect(values).toMatchObject({
      'for-loop-2-iteration-0/for-loop-4-iteration-0/train': 10,
      'for-loop-2-iteration-0/for-loop-4-iteration-1/train': 20,
      'for-loop-2-iteration-1/for-loop-4-iteration-0/train': 30,
    });
    expect(record.loops!.filter((loop) => loop.name.endsWith('for-loop-4')).map((loop) => [loop.name, loop.iterations.map((iteration) => iteration.item)])).toEqual([
      ['for-loop-2-iteration-0/for-loop-4', [1, 2]],
      ['for-loop-2-iteration-1/for-loop-4', [3]],
    ]);
  });

  it('loops over a field of a parameter\'s items, with conditions on an outer field against the inner item, and hands fields to tasks', async () => {
    const text = `
name: loop-items
parameters:
  settings: {type: JsonArray, default: []}
tasks:
  per-setting:
    for_each: {parameter: settings}
    as: setting
    tasks:
      mode-gate:
        if: {left: {item: setting, field: mode}, operator: '==', right: fast}
        then:
          fast: {component: shell-lists, arguments: {script: 'echo "$3" > "$4"', numbers: {item: setting, field: folds}}}
        else:
          slow: {component: shell-lists, arguments: {script: '${ECHO}', number: 0}}
      per-setting-fold:
        for_each: {item: setting, field: folds}
        as: setting_fold
        tasks:
          fold-gate:
            if: {left: {item: setting, field: mode}, operator: '!=', right: {item: setting_fold}}
            then:
              fold: {component: shell-lists, arguments: {script: 'printf ''["%s"]'' "$2" > "$4"', number: {item: setting_fold}}}
`;
    const settings = [{ mode: 'fast', folds: ['fast', 'slow'] }, { mode: 'slow', folds: ['fast'] }];
    const { result, record, states, lists } = await run(text, ['fast', 'slow', 'fold'], { settings });
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      'for-loop-1-iteration-0/fast': 'SUCCEEDED',
      'for-loop-1-iteration-0/slow': 'SKIPPED',
      'for-loop-1-iteration-1/fast': 'SKIPPED',
      'for-loop-1-iteration-1/slow': 'SUCCEEDED',
      'for-loop-1-iteration-0/for-loop-5-iteration-0/fold': 'SKIPPED',
      'for-loop-1-iteration-0/for-loop-5-iteration-1/fold': 'SUCCEEDED',
      'for-loop-1-iteration-1/for-loop-5-iteration-0/fold': 'SUCCEEDED',
    });
    expect(lists).toMatchObject({
      'for-loop-1-iteration-0/fast': ['fast', 'slow'],
      'for-loop-1-iteration-0/for-loop-5-iteration-1/fold': ['slow'],
      'for-loop-1-iteration-1/for-loop-5-iteration-0/fold': ['fast'],
    });
    expect(record.tasks.find((task) => task.name === 'for-loop-1-iteration-0/for-loop-5-iteration-0/fold')!.error).toBe(
      `condition "for-loop-1-iteration-0/for-loop-5-iteration-0/condition-6" is false (inputs.parameter_values['pipelinechannel--settings-loop-item-subvar-mode'] != inputs.parameter_values['pipelinechannel--settings-loop-item-subvar-folds-loop-item'])`,
    );
  });

  it('loops over an outer item that is a list, and over a field of an output\'s items, comparing an inner field with an outer one', async () => {
    const text = `
name: loop-items
tasks:
  prepare:
    component: shell-lists
    arguments:
      script: |
        printf '%s' '[{"label": "a", "parts": [{"kind": "a"}, {"kind": "b"}]}, {"label": "c", "parts": [{"kind": "c"}]}]' > "$4"
  per-row:
    for_each: [[1, 2], [3]]
    as: row
    tasks:
      per-cell:
        for_each: {item: row}
        as: cell
        tasks:
          cell: {component: shell-lists, arguments: {script: 'echo $(( $2 + 100 )) > "$1"', number: {item: cell}}}
  per-listed:
    for_each: {task: prepare, output: list}
    as: listed
    tasks:
      per-part:
        for_each: {item: listed, field: parts}
        as: part
        tasks:
          part-gate:
            if: {left: {item: part, field: kind}, operator: '==', right: {item: listed, field: label}}
            then:
              matched: {component: shell-lists, arguments: {script: 'echo 1 > "$1"'}}
`;
    const { result, record, states, values } = await run(text, ['prepare', 'cell', 'matched']);
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(values).toMatchObject({
      'for-loop-2-iteration-0/for-loop-3-iteration-0/cell': 101,
      'for-loop-2-iteration-0/for-loop-3-iteration-1/cell': 102,
      'for-loop-2-iteration-1/for-loop-3-iteration-0/cell': 103,
    });
    expect(states).toMatchObject({
      'for-loop-4-iteration-0/for-loop-5-iteration-0/matched': 'SUCCEEDED',
      'for-loop-4-iteration-0/for-loop-5-iteration-1/matched': 'SKIPPED',
      'for-loop-4-iteration-1/for-loop-5-iteration-0/matched': 'SUCCEEDED',
    });
    expect(Object.keys(states).filter((task) => task.endsWith('/cell') || task.endsWith('/matched'))).toHaveLength(6);
  });

  it('fails the iteration whose item lacks the field a condition or an inner loop reads, naming the field and the item', async () => {
    const text = `
name: loop-items
parameters:
  settings: {type: JsonArray, default: []}
tasks:
  per-setting:
    for_each: {parameter: settings}
    as: setting
    tasks:
      mode-gate:
        if: {left: {item: setting, field: mode}, operator: '==', right: fast}
        then:
          fast: {component: shell-lists, arguments: {script: 'echo 1 > "$1"'}}
`;
    const { result, record, states } = await run(text, ['fast'], { settings: [{ mode: 'fast' }, { other: 1 }] });
    expect(result.state).toBe('FAILED');
    expect(states).toEqual({ 'for-loop-1-iteration-0/fast': 'SUCCEEDED' });
    expect(record.loops![0].error).toBe(
      'loop "for-loop-1": 1 of 2 iteration(s) failed; iteration 1 (item {"other":1}): condition of group "condition-2" input "pipelinechannel--settings-loop-item-subvar-mode" reads field "mode" of item {"other":1}, which has no such field',
    );
  });
});
