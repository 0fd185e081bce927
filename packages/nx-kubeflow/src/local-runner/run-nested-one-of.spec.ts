/**
 * A nested pipeline whose outputs are dsl.OneOf (`outputs: {v: {one_of: [...]}}` in the pipeline a
 * task runs), in real runs: pipeline.yaml files compiled by compile's own code, run by the local
 * runner with the run modes deploy gives them. kfp folds such an output into the task's component as
 * dag.outputs from the inner condition-branches group's valueFromOneof (or artifactSelectors); the
 * outer pipeline reads it from the task as any output: a task after it, a pipeline output, a task
 * in each iteration of a loop, and dsl.Collected over the loop. The value is the branch that ran;
 * when that branch failed, the nested pipeline failed, and what reads it is skipped, as on KFP. A task
 * inside the nested pipeline reads the dsl.OneOf too.
 * kfp-local-nested-one-of.spec.ts holds the same outcomes to kfp.local's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileNestedWorkspace, runNestedWorkspace, writeNestedWorkspace } from './__fixtures__/nested-pipelines-workspace';
import { readIr } from './ir-reader';
import { parseAllDocuments } from 'yaml';

jest.setTimeout(120_000);

/** `scale` made a chooser: doubles a number above 5 (failing on 13), triples the others; its value and note are the branch's. */
const CHOOSE = `name: scale
parameters:
  number: {type: Integer}
tasks:
  pick:
    if: {left: {parameter: number}, operator: '>', right: 5}
    then:
      big: {component: shell-output, arguments: {script: 'test "$2" -ne 13 || { echo "13 is unlucky" >&2; exit 4; }; echo $(( $2 * 2 )) > "$1"', number: {parameter: number}}}
      big-note: {component: append-text, arguments: {text: big}}
    else:
      small: {component: shell-output, arguments: {script: 'echo $(( $2 * 3 )) > "$1"', number: {parameter: number}}}
      small-note: {component: append-text, arguments: {text: small}}
  inner-use: {component: shell-output, arguments: {script: 'echo $(( $2 + 1000 )) > "$1"', number: {one_of: [{task: big, output: value}, {task: small, output: value}]}}}
outputs:
  value: {one_of: [{task: big, output: value}, {task: small, output: value}]}
  note: {one_of: [{task: big-note, output: result}, {task: small-note, output: result}]}
`;
const OUTER = `name: outer
parameters:
  seed: {type: Integer, default: 7}
  counts: {type: JsonArray, default: [1, 7]}
tasks:
  first:
    pipeline: scale
    arguments: {number: {parameter: seed}}
  use:
    component: shell-output
    arguments: {script: 'echo $(( $2 + 100 )) > "$1"', number: {task: first, output: value}}
  show:
    component: append-text
    arguments: {text: end, source: {task: first, output: note}}
  per-count:
    for_each: {parameter: counts}
    as: n
    tasks:
      each:
        pipeline: scale
        arguments: {number: {item: n}}
      plus-one:
        component: shell-output
        arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: {task: each, output: value}}
  total:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: each, output: value}}
outputs:
  value: {task: first, output: value}
  note: {task: first, output: note}
`;

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-nested-one-of-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

async function run(parameters: Record<string, unknown>) {
  const ran = await runNestedWorkspace(workspace, parameters, { pipelines: { scale: CHOOSE, outer: OUTER } });
  // a branch task given the number first's was is CACHED in the loop (this runner caches by default)
  const values = Object.fromEntries(
    ran.record.tasks.filter((task) => (task.state === 'SUCCEEDED' || task.state === 'CACHED') && 'value' in task.outputs.parameters).map((task) => [task.name, task.outputs.parameters.value]),
  );
  const nested = Object.fromEntries((ran.record.nestedPipelines ?? []).map((entry) => [entry.name, entry]));
  return { ...ran, values, nested };
}

const text = (path: string) => readFileSync(path, 'utf8');

describe('runPipeline: a nested pipeline whose outputs are dsl.OneOf', () => {
  it('reads them to the branch tasks inside, through the condition-branches group', () => {
    writeNestedWorkspace(workspace, { scale: CHOOSE, outer: OUTER });
    const irFile = join(workspace, 'dist/outer/pipeline.yaml');
    const documents = parseAllDocuments(compileNestedWorkspace(workspace, irFile)).map((document) => document.toJS());
    const ir = readIr({ pipelineSpec: documents[0] });
    const first = ir.groups.find((group) => group.name === 'first')!;
    expect(first.outputs).toEqual({
      value: { kind: 'parameter', task: 'first/condition-branches-1', output: 'pipelinechannel--condition-branches-1-oneof-1' },
      note: { kind: 'artifact', task: 'first/condition-branches-1', output: 'pipelinechannel--condition-branches-1-oneof-2' },
    });
    expect(ir.groups.find((group) => group.name === 'first/condition-branches-1')!.oneOfOutputs).toEqual({
      'pipelinechannel--condition-branches-1-oneof-1': { kind: 'parameter', candidates: [{ task: 'first/big', output: 'value' }, { task: 'first/small', output: 'value' }] },
      'pipelinechannel--condition-branches-1-oneof-2': { kind: 'artifact', candidates: [{ task: 'first/big-note', output: 'result' }, { task: 'first/small-note', output: 'result' }] },
    });
    // an output naming a group output that is no dsl.OneOf, or of the other kind, is refused, naming both
    const broken = structuredClone(documents[0]);
    const outputs = broken.components['comp-first'].dag.outputs;
    outputs.parameters.value.valueFromParameter.outputParameterKey = 'pipelinechannel--condition-branches-1-oneof-9';
    expect(() => readIr({ pipelineSpec: broken })).toThrow(
      'Cannot run this IR locally: output "value" of the nested pipeline of task "first" comes from group "first/condition-branches-1", which has no dsl.OneOf output "pipelinechannel--condition-branches-1-oneof-9" (a condition group hands on nothing else)',
    );
    outputs.parameters.value.valueFromParameter.outputParameterKey = 'pipelinechannel--condition-branches-1-oneof-2';
    expect(() => readIr({ pipelineSpec: broken })).toThrow(
      'output "value" of the nested pipeline of task "first" is a parameter, and the dsl.OneOf "pipelinechannel--condition-branches-1-oneof-2" of group "first/condition-branches-1" it comes from is not',
    );
  });

  it('hands on the branch that ran: to a task after it, as pipeline outputs, in each iteration of a loop and collected over it', async () => {
    for (const [seed, branch, value] of [[7, 'big', 14], [2, 'small', 6]] as const) {
      const { result, record, states, values, nested } = await run({ seed });
      expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
      const other = branch === 'big' ? 'small' : 'big';
      expect([states[`first/${branch}`], states[`first/${branch}-note`], states[`first/${other}`], states[`first/${other}-note`]]).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
      expect(nested.first.state).toBe('SUCCEEDED');
      expect(nested.first.outputs!.parameters).toEqual({ value });
      expect(values.use).toBe(value + 100);
      // inside the nested pipeline too, a task after the block reads the branch's value
      expect(values['first/inner-use']).toBe(value + 1000);
      expect(text(record.tasks.find((task) => task.name === 'show')!.outputs.artifacts.result.path)).toBe(`p:${branch}\np:end\n`);
      expect(record.outputs!.parameters).toEqual({ value });
      expect(text(record.outputs!.artifacts.note.path)).toBe(`p:${branch}\n`);
      // counts [1, 7]: 1 is tripled, 7 doubled, in each iteration; collected in iteration order
      const loop = record.loops![0].name;
      expect([values[`${loop}-iteration-0/plus-one`], values[`${loop}-iteration-1/plus-one`]]).toEqual([4, 15]);
      expect([values[`${loop}-iteration-0/each/small`], values[`${loop}-iteration-1/each/big`]]).toEqual([3, 14]);
      expect([states[`${loop}-iteration-0/each/big`], states[`${loop}-iteration-1/each/small`]]).toEqual(['SKIPPED', 'SKIPPED']);
      expect(values.total).toBe(3 + 14);
    }
  });

  it('fails the nested pipeline when the branch that ran failed; what reads its output is skipped, the run fails', async () => {
    const { result, states, nested, record } = await run({ seed: 13, counts: [13, 2] });
    expect(result.state).toBe('FAILED');
    expect(states).toMatchObject({ 'first/big': 'FAILED', 'first/small': 'SKIPPED', use: 'SKIPPED', show: 'SKIPPED', total: 'SKIPPED' });
    expect(nested.first).toMatchObject({ state: 'FAILED', error: expect.stringMatching(/^task "first\/big" failed: /) });
    expect(nested.first.outputs).toBeUndefined();
    const loop = record.loops![0].name;
    // the other iteration's branch ran and handed on its value
    expect([states[`${loop}-iteration-0/plus-one`], states[`${loop}-iteration-1/plus-one`]]).toEqual(['SKIPPED', 'SUCCEEDED']);
    expect(record.outputs?.parameters ?? {}).toEqual({});
  });
});
