/**
 * dsl.OneOf ({one_of: [...]}) in a real run: pipeline.yaml through the real reader, checker and IR compiler
 * (held to kfp 2.17.3 by the differential fixture one_of), then the local runner with the sh-based
 * shell-lists component, importers and read-artifact: the reader takes the output of the branch that ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURES_DIR, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { compileYaml, runYaml } from './__fixtures__/yaml-run';
import { readIr } from './ir-reader';

jest.setTimeout(90_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-one-of-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(text: string, tasks: Record<string, string>, parameters: Record<string, unknown> = {}) {
  const { result, record, states, outputs } = await runYaml({ text, tasks, scratch, runId: `run-${++runs}`, parameters });
  return { result, record, states, values: { ...outputs('value'), ...outputs('text') } };
}

const ONE_OF = '{one_of: [{task: big, output: value}, {task: middle, output: value}, {task: small, output: value}]}';
const PIPELINE = `
name: one-of
parameters:
  n: {type: Integer, default: 5}
tasks:
  gate:
    if: {left: {parameter: n}, operator: '>', right: 10}
    then:
      big: {component: shell-lists, arguments: {script: 'test "$2" -ne 99 || exit 3; echo $(( $2 * 100 )) > "$1"', number: {parameter: n}}}
    elif:
      - if: {left: {parameter: n}, operator: '>', right: 3}
        then:
          middle: {component: shell-lists, arguments: {script: 'echo $(( $2 * 10 )) > "$1"', number: {parameter: n}}}
    else:
      small: {component: shell-lists, arguments: {script: 'echo "$2" > "$1"', number: {parameter: n}}}
  use: {component: shell-lists, arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: ${ONE_OF}}}
  after-use: {component: shell-lists, arguments: {script: 'echo 0 > "$1"'}, after: [use]}
  per-item:
    for_each: [[1], [2]]
    as: i
    tasks:
      inside: {component: shell-lists, arguments: {script: 'echo $(( $2 + $(echo "$3" | tr -d "[] ") )) > "$1"', number: ${ONE_OF}, numbers: {item: i}}}
outputs:
  chosen: ${ONE_OF}
`;
const TASKS = Object.fromEntries(['big', 'middle', 'small', 'use', 'after-use', 'inside'].map((task) => [task, 'shell-lists']));

describe('runPipeline: one_of (dsl.OneOf)', () => {
  it('hands on the output of the branch that ran, to a task beside the block, to tasks in a loop and as a pipeline output', async () => {
    for (const [n, branch, value] of [[5, 'middle', 50], [1, 'small', 1], [12, 'big', 1200]] as const) {
      const { result, record, states, values } = await run(PIPELINE, TASKS, { n });
      expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
      expect(Object.fromEntries(['big', 'middle', 'small'].map((task) => [task, states[task]]))).toEqual(
        Object.fromEntries(['big', 'middle', 'small'].map((task) => [task, task === branch ? 'SUCCEEDED' : 'SKIPPED'])),
      );
      expect(values).toMatchObject({ use: value + 1, 'for-loop-6-iteration-0/inside': value + 1, 'for-loop-6-iteration-1/inside': value + 2 });
      expect(record.outputs!.parameters).toEqual({ chosen: value });
    }
  });

  it('skips what reads the output when the branch that ran failed, naming that task', async () => {
    const { result, record, states } = await run(PIPELINE, TASKS, { n: 99 });
    expect(result.state).toBe('FAILED');
    expect(states).toMatchObject({ big: 'FAILED', middle: 'SKIPPED', small: 'SKIPPED', use: 'SKIPPED', 'after-use': 'SKIPPED', 'for-loop-6-iteration-0/inside': 'SKIPPED', 'for-loop-6-iteration-1/inside': 'SKIPPED' });
    const use = record.tasks.find((task) => task.name === 'use')!;
    expect(use.error).toBe('upstream task "big" did not succeed (the branch of "condition-branches-1" that ran; its output is this task\'s dsl.OneOf input)');
    expect(record.outputs?.parameters ?? {}).toEqual({});
  });

  it('reads each dsl.OneOf output to its branch tasks, and refuses one it cannot trace, naming the group and the output', () => {
    const documents = compileYaml(PIPELINE, ['shell-lists']);
    const ir = readIr(documents);
    const candidates = [{ task: 'big', output: 'value' }, { task: 'middle', output: 'value' }, { task: 'small', output: 'value' }];
    expect(ir.groups.find((group) => group.name === 'condition-branches-1')!.oneOfOutputs).toEqual({ 'pipelinechannel--condition-branches-1-oneof-1': { kind: 'parameter', candidates } });
    const use = ir.tasks.find((task) => task.name === 'use')!;
    expect([use.dependsOn, use.afterCompletionOf]).toEqual([['condition-branches-1', 'big', 'middle', 'small'], ['big', 'middle', 'small']]);
    expect(ir.loops!.find((loop) => loop.name === 'for-loop-6')!.afterCompletionOf).toEqual(['big', 'middle', 'small']);
    expect(ir.outputs.chosen).toEqual({ kind: 'parameter', task: 'condition-branches-1', output: 'pipelinechannel--condition-branches-1-oneof-1' });
    const broken = JSON.parse(JSON.stringify(documents.pipelineSpec));
    delete broken.components['comp-condition-3'].dag.outputs;
    expect(() => readIr({ pipelineSpec: broken })).toThrow(
      'Cannot run this IR locally: task "condition-branches-1" output "pipelinechannel--condition-branches-1-oneof-1": branch "condition-3" does not surface "pipelinechannel--middle-value" from one of its tasks',
    );
  });

  it('takes the artifact of the branch that ran, inside a loop per iteration', async () => {
    const data = join(FIXTURES_DIR, 'imported', 'data.txt');
    const text = `
name: one-of
tasks:
  per-size:
    for_each: [1, 5]
    as: size
    tasks:
      pick:
        if: {left: {item: size}, operator: '<', right: 3}
        then:
          by-path: {importer: {artifact_uri: '${relative(WORKSPACE_ROOT, data)}', type: Dataset}}
        else:
          by-uri: {importer: {artifact_uri: '${pathToFileURL(data).href}', type: Dataset}}
      read: {component: read-artifact, arguments: {source: {one_of: [{task: by-path, output: artifact}, {task: by-uri, output: artifact}]}}}
`;
    const { result, record, states, values } = await run(text, { read: 'read-artifact' });
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      'for-loop-2-iteration-0/by-path': 'SUCCEEDED',
      'for-loop-2-iteration-0/by-uri': 'SKIPPED',
      'for-loop-2-iteration-0/read': 'SUCCEEDED',
      'for-loop-2-iteration-1/by-path': 'SKIPPED',
      'for-loop-2-iteration-1/by-uri': 'SUCCEEDED',
      'for-loop-2-iteration-1/read': 'SUCCEEDED',
    });
    const text0 = readFileSync(data, 'utf8');
    expect(values).toEqual({ 'for-loop-2-iteration-0/read': text0, 'for-loop-2-iteration-1/read': text0 });
  });
});
