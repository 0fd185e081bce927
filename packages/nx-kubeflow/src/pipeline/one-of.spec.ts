/**
 * dsl.OneOf in pipeline.yaml ({one_of: [{task, output}, ...]} as an argument or a pipeline output): what the
 * reader and checker take and refuse, each at its line and column, all at once. The IR is held to kfp 2.17.3
 * by the differential fixture one_of (conformance-differential.spec.ts); the refusals are kfp's own failures,
 * and a branch left out (kfp compiles it; the run fails when that branch runs).
 */
import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

const component = (name: string, inputs: ComponentSpec['inputs'], outputs: ComponentSpec['outputs']): ComponentSpec => ({ name, inputs, outputs, implementation: { container: { image: name } } });

const COMPONENTS = new Map<string, ComponentSpec>([
  ['trainer', component('trainer', [{ name: 'lr', type: 'Float', default: '0.1' }, { name: 'label', type: 'String', default: '' }, { name: 'data', type: 'Dataset', optional: true }], [{ name: 'score', type: 'Float' }, { name: 'tag', type: 'String' }, { name: 'model', type: 'Model' }])],
]);

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  return [...problems.map(formatProblem), ...(definition ? checkPipeline({ definition, source, components: COMPONENTS }).map(formatProblem) : [])];
}

const BLOCK = `
  gate:
    if: {left: {parameter: t}, operator: '>', right: 0.8}
    then:
      a: {component: trainer}
    elif:
      - if: {left: {parameter: t}, operator: '>', right: 0.3}
        then:
          b: {component: trainer}
    else:
      c: {component: trainer}`;

describe('one_of (dsl.OneOf)', () => {
  it('reads one_of as an argument and as a pipeline output, and the checker takes it', () => {
    const text = `name: p
parameters:
  t: {type: Float, default: 0.5}
tasks:${BLOCK}
  use: {component: trainer, arguments: {lr: {one_of: [{task: a, output: score}, {task: b, output: score}, {task: c, output: score}]}}}
outputs:
  best: {one_of: [{task: c, output: model}, {task: a, output: model}, {task: b, output: model}]}
`;
    const { definition, problems } = readPipeline(text, FILE);
    expect(problems).toEqual([]);
    expect(definition!.tasks.find((task) => task.name === 'use')!.arguments.lr).toEqual({
      kind: 'one-of',
      of: [{ task: 'a', output: 'score' }, { task: 'b', output: 'score' }, { task: 'c', output: 'score' }],
    });
    expect(definition!.outputs).toEqual([{ name: 'best', oneOf: [{ task: 'c', output: 'model' }, { task: 'a', output: 'model' }, { task: 'b', output: 'model' }] }]);
    expect(check(text)).toEqual([]);
  });

  it('refuses a branch left out, two entries of one branch, mixed and different types, a block without else, an unknown output and a type the input cannot take, all at once', () => {
    expect(
      check(`name: p
parameters:
  t: {type: Float, default: 0.5}
tasks:${BLOCK}
  solo:
    if: {left: {parameter: t}, operator: '>', right: 0.1}
    then:
      d: {component: trainer}
  e: {component: trainer}
  left-out: {component: trainer, arguments: {lr: {one_of: [{task: a, output: score}, {task: c, output: score}]}}}
  twice: {component: trainer, arguments: {lr: {one_of: [{task: a, output: score}, {task: a, output: tag}, {task: b, output: score}, {task: c, output: score}]}}}
  mixed: {component: trainer, arguments: {lr: {one_of: [{task: a, output: score}, {task: b, output: model}, {task: c, output: tag}]}}}
  no-else: {component: trainer, arguments: {lr: {one_of: [{task: d, output: score}, {task: e, output: score}]}}}
  unknown: {component: trainer, arguments: {lr: {one_of: [{task: a, output: nope}, {task: b, output: score}, {task: c, output: score}]}}}
  wrong-input: {component: trainer, arguments: {data: {one_of: [{task: a, output: score}, {task: b, output: score}, {task: c, output: score}]}}}
`),
    ).toEqual([
      `${FILE}:20:59: task "left-out", arguments.lr.one_of: gives no output for elif 1 of "gate": when that branch runs there is no value to take (KFP fails the run); give one output per branch.`,
      `${FILE}:21:90: task "twice", arguments.lr.one_of[1].task: task "a" is under the same branch of "gate" as entry 1 ("a"): give one output per branch (both would have a value when that branch runs).`,
      `${FILE}:21:101: task "twice", arguments.lr.one_of[1].output: output "a.tag" is String, the first entry's Float: kfp requires every output given to dsl.OneOf to be of one type.`,
      `${FILE}:22:101: task "mixed", arguments.lr.one_of[1].output: mixes parameters and artifacts: kfp requires every output given to dsl.OneOf to be of one type ("Found a mix of parameters and artifacts").`,
      `${FILE}:22:127: task "mixed", arguments.lr.one_of[2].output: output "c.tag" is String, the first entry's Float: kfp requires every output given to dsl.OneOf to be of one type.`,
      `${FILE}:23:92: task "no-else", arguments.lr.one_of[1].task: task "e" is at the top level, not directly under a branch of an if/elif/else: one_of takes, per branch of one if/elif/else block, the output of a task directly under that branch (dsl.OneOf).`,
      `${FILE}:24:77: task "unknown", arguments.lr.one_of[0].output: unknown output "nope" of task "a"; its outputs: score, tag, model.`,
      `${FILE}:25:55: task "wrong-input", arguments.data: one_of cannot feed input "data": a parameter (Float) cannot feed an artifact input (system.Dataset).`,
    ]);
  });

  it('refuses a block without else, entries of two blocks, a reader inside the block or outside its scope, and a pipeline output of a block inside a loop', () => {
    expect(
      check(`name: p
parameters:
  t: {type: Float, default: 0.5}
tasks:${BLOCK}
  solo:
    if: {left: {parameter: t}, operator: '>', right: 0.1}
    then:
      d: {component: trainer}
  two:
    if: {left: {parameter: t}, operator: '>', right: 0.1}
    then:
      f: {component: trainer}
    else:
      g: {component: trainer}
  per-item:
    for_each: [1, 2]
    as: i
    tasks:
      inner:
        if: {left: {item: i}, operator: '>', right: 1}
        then:
          h: {component: trainer}
        else:
          k: {component: trainer}
      inside: {component: trainer, arguments: {lr: {one_of: [{task: h, output: score}, {task: k, output: score}]}}}
  no-else: {component: trainer, arguments: {lr: {one_of: [{task: d, output: score}, {task: d, output: score}]}}}
  across: {component: trainer, arguments: {lr: {one_of: [{task: f, output: score}, {task: k, output: score}]}}}
  outside: {component: trainer, arguments: {lr: {one_of: [{task: h, output: score}, {task: k, output: score}]}}}
  reads-own:
    if: {left: {parameter: t}, operator: '>', right: 0.1}
    then:
      m: {component: trainer}
    else:
      n: {component: trainer, arguments: {lr: {one_of: [{task: m, output: score}, {task: n, output: score}]}}}
outputs:
  looped: {one_of: [{task: h, output: score}, {task: k, output: score}]}
`),
    ).toEqual([
      `${FILE}:44:90: task "n", arguments.lr: cycle: n -> n (each task waits for the next, through data or after).`,
      `${FILE}:36:58: task "no-else", arguments.lr.one_of: if/elif/else "solo" has no else, so no branch may run and nothing is there to take (kfp: "dsl.OneOf must include an output from a task in a dsl.Else group to ensure at least one output is available at runtime"); add an else branch.`,
      `${FILE}:36:92: task "no-else", arguments.lr.one_of[1].task: task "d" is under the same branch of "solo" as entry 1 ("d"): give one output per branch (both would have a value when that branch runs).`,
      `${FILE}:37:91: task "across", arguments.lr.one_of[1].task: task "k" is under if/elif/else "inner", the first entry's under "two": every entry of one_of comes from a branch of the same block.`,
      `${FILE}:38:58: task "outside", arguments.lr.one_of: if/elif/else "inner" is inside loop "per-item", which task "outside" is outside of (kfp: "Illegal task dependency across DSL context managers"); read it inside that scope.`,
      `${FILE}:44:56: task "n", arguments.lr.one_of: task "n" is inside if/elif/else "reads-own" itself: one_of is read after the block, by a task outside it.`,
      `${FILE}:46:20: outputs.looped.one_of: if/elif/else "inner" is inside loop "per-item": a pipeline output must come from the top level (kfp: "Pipeline outputs may only be returned from the top level of the pipeline function scope").`,
    ]);
  });
});
