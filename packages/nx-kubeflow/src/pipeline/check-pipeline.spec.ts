import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

const component = (name: string, inputs: ComponentSpec['inputs'], outputs: ComponentSpec['outputs']): ComponentSpec => ({
  name,
  inputs,
  outputs,
  implementation: { container: { image: name } },
});

const COMPONENTS = new Map<string, ComponentSpec>([
  [
    'data-loader',
    component('data-loader', [{ name: 'rows', type: 'Integer', default: '200' }], [
      { name: 'dataset', type: 'Dataset' },
      { name: 'row_count', type: 'Integer' },
    ]),
  ],
  [
    'trainer',
    component(
      'trainer',
      [
        { name: 'dataset', type: 'Dataset' },
        { name: 'learning_rate', type: 'Float', default: '0.05' },
        { name: 'notes', type: 'String', optional: true },
      ],
      [
        { name: 'model', type: 'Model' },
        { name: 'rmse', type: 'Float' },
      ],
    ),
  ],
  ['inspector', component('inspector', [{ name: 'thing', type: 'Artifact' }], [])],
  ['untyped', component('untyped', [{ name: 'thing' }], [{ name: 'out' }])],
]);

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  expect(problems.map(formatProblem)).toEqual([]);
  return checkPipeline({ definition: definition!, source, components: COMPONENTS }).map(formatProblem);
}

describe('checkPipeline', () => {
  it('accepts a well-wired pipeline, including generic artifact inputs and optional inputs', () => {
    expect(
      check(`name: p
parameters:
  rate: {type: Float, default: 0.1}
tasks:
  load: {component: data-loader, arguments: {rows: 10}}
  train:
    component: trainer
    arguments:
      dataset: {task: load, output: dataset}
      learning_rate: {parameter: rate}
  inspect: {component: inspector, arguments: {thing: {task: train, output: model}}, after: [load]}
`),
    ).toEqual([]);
  });

  it('checks that each pipeline output names a task and one of its outputs', () => {
    expect(
      check(`name: p
tasks:
  load: {component: data-loader}
outputs:
  rows: {task: load, output: row_count}
  data: {task: load, output: dataset}
  model: {task: train, output: model}
  count: {task: load, output: rows}
`),
    ).toEqual([
      `${FILE}:7:17: outputs.model.task: unknown task "train"; tasks in this pipeline: load.`,
      `${FILE}:8:31: outputs.count.output: unknown output "rows" of task "load" (component "data-loader"); its outputs: dataset, row_count.`,
    ]);
  });

  it('accepts conditions on outputs and parameters, with branch tasks using outer values and each other', () => {
    expect(
      check(`name: p
parameters:
  rate: {type: Float, default: 0.1}
tasks:
  load: {component: data-loader}
  gate:
    if: {left: {task: load, output: row_count}, operator: '>', right: 100}
    then:
      train: {component: trainer, arguments: {dataset: {task: load, output: dataset}, learning_rate: {parameter: rate}}}
      inspect: {component: inspector, arguments: {thing: {task: train, output: model}}}
    elif:
      - if: {left: {parameter: rate}, operator: '<', right: {task: load, output: row_count}}
        then:
          peek: {component: inspector, arguments: {thing: {task: load, output: dataset}}, after: [load]}
`),
    ).toEqual([]);
  });

  it('refuses what kfp refuses of conditions: dependencies into a branch, artifacts and mismatched types compared, outputs of the block itself', () => {
    expect(
  check(`name: p
parameters:
  rate: {type: Float, default: 0.1}
  label: {type: String, default: x}
  blob: {type: JsonObject, default: {}}
tasks:
  load: {component: data-loader}
  gate:
    if: {left: {task: load, output: dataset}, operator: '==', right: {parameter: label}}
    then:
      train: {component: trainer, arguments: {dataset: {task: load, output: dataset}}}
    else:
      again: {component: data-loader}
      check:
        if: {left: {task: again, output: row_count}, operator: '>', right: {parameter: label}}
        then:
          inspect: {component: inspector, arguments: {thing: {task: train, output: model}}}
  after-gate: {component: inspector, arguments: {thing: {task: train, output: model}}, after: [again]}
  blobs:
    if: {left: {parameter: blob}, operator: '==', right: {task: load, output: nope}}
    then:
      t2: {component: data-loader}
outputs:
  model: {task: train, output: model}
`)
).toMatchInlineSnapshot(`
[
  "pipelines/p/pipeline.yaml:17:69: task "inspect", arguments.thing: task "train" is inside condition "gate (branch 1)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).",
  "pipelines/p/pipeline.yaml:18:64: task "after-gate", arguments.thing: task "train" is inside condition "gate (branch 1)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).",
  "pipelines/p/pipeline.yaml:18:96: task "after-gate", after[0]: task "again" is inside condition "gate (branch 2)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).",
  "pipelines/p/pipeline.yaml:24:17: outputs.model.task: task "train" is inside condition "gate (branch 1)": a pipeline output must come from a task that always runs (kfp needs dsl.OneOf for this, which pipeline.yaml does not have yet).",
  "pipelines/p/pipeline.yaml:9:16: tasks.gate.if.left: output "load.dataset" is an artifact (system.Dataset): a condition compares String, Integer, Float or Boolean values only.",
  "pipelines/p/pipeline.yaml:15:13: tasks.gate.else.check.if: compares Integer with String: both sides must have the same type (or be Integer and Float).",
  "pipelines/p/pipeline.yaml:20:16: tasks.blobs.if.left: pipeline parameter "blob" is a JsonObject: a condition compares String, Integer, Float or Boolean values only.",
  "pipelines/p/pipeline.yaml:20:79: tasks.blobs.if.right: unknown output "nope" of task "load" (component "data-loader"); its outputs: dataset, row_count.",
]
`);
  });

  it('reports every wiring problem at once, with position, task and field', () => {
    const problems = check(`name: p
parameters:
  rate: {type: Integer}
  label: {type: String}
tasks:
  load: {component: data-loadr}
  train:
    component: trainer
    arguments:
      dataset: {task: eval, output: model}
      learning_rate: {parameter: rate}
      notes: {parameter: missing}
      extra: 1
  score:
    component: trainer
    arguments:
      dataset: {task: train, output: rmse}
      learning_rate: {task: train, output: model}
    after: [nowhere]
  fit:
    component: trainer
    arguments:
      dataset: {task: train, output: nope}
      learning_rate: fast
  peek:
    component: inspector
    arguments:
      thing: {parameter: label}
  wrong:
    component: trainer
    arguments:
      dataset: {task: load2, output: x}
      learning_rate: 1
  load2: {component: data-loader}
  model-check: {component: trainer, arguments: {dataset: {task: load2, output: row_count}}}
  ds: {component: trainer, arguments: {dataset: {task: train, output: model}}}
`);
    expect(problems).toEqual([
      expect.stringMatching(/^pipelines\/p\/pipeline\.yaml:6:21: task "load", component: unknown component "data-loadr": .*Components in this workspace: data-loader, inspector, trainer, untyped\.$/),
      'pipelines/p/pipeline.yaml:10:23: task "train", arguments.dataset.task: unknown task "eval"; tasks in this pipeline: load, train, score, fit, peek, wrong, load2, model-check, ds.',
      'pipelines/p/pipeline.yaml:11:34: task "train", arguments.learning_rate.parameter: pipeline parameter "rate" cannot feed input "learning_rate": type Integer does not match the input\'s type Float.',
      'pipelines/p/pipeline.yaml:12:26: task "train", arguments.notes.parameter: unknown pipeline parameter "missing"; declared parameters: rate, label.',
      'pipelines/p/pipeline.yaml:13:7: task "train", arguments.extra: unknown input "extra" of component "trainer"; its inputs: dataset, learning_rate, notes.',
      'pipelines/p/pipeline.yaml:17:16: task "score", arguments.dataset: output "train.rmse" cannot feed input "dataset": a parameter (Float) cannot feed an artifact input (system.Dataset).',
      'pipelines/p/pipeline.yaml:18:22: task "score", arguments.learning_rate: output "train.model" cannot feed input "learning_rate": an artifact (system.Model) cannot feed a parameter input (Float).',
      'pipelines/p/pipeline.yaml:19:13: task "score", after[0]: unknown task "nowhere"; tasks in this pipeline: load, train, score, fit, peek, wrong, load2, model-check, ds.',
      'pipelines/p/pipeline.yaml:23:38: task "fit", arguments.dataset.output: unknown output "nope" of task "train" (component "trainer"); its outputs: model, rmse.',
      'pipelines/p/pipeline.yaml:24:22: task "fit", arguments.learning_rate: incompatible value for input "learning_rate" (Float): "fast" is not a Float.',
      'pipelines/p/pipeline.yaml:28:26: task "peek", arguments.thing.parameter: pipeline parameter "label" cannot feed input "thing": a parameter (String) cannot feed an artifact input (system.Artifact).',
      'pipelines/p/pipeline.yaml:32:38: task "wrong", arguments.dataset.output: unknown output "x" of task "load2" (component "data-loader"); its outputs: dataset, row_count.',
      'pipelines/p/pipeline.yaml:35:58: task "model-check", arguments.dataset: output "load2.row_count" cannot feed input "dataset": a parameter (Integer) cannot feed an artifact input (system.Dataset).',
      'pipelines/p/pipeline.yaml:36:49: task "ds", arguments.dataset: output "train.model" cannot feed input "dataset": artifact type system.Model does not match the input\'s type system.Dataset.',
    ]);
  });

  it('reports a missing required input, and a literal given to an artifact input', () => {
    expect(
      check(`name: p
tasks:
  train: {component: trainer}
  other:
    component: trainer
    arguments:
      dataset: some/path
`),
    ).toEqual([
      'pipelines/p/pipeline.yaml:3:3: task "train", arguments.dataset: missing required input "dataset" (system.Dataset) of component "trainer": it has no default and is not optional.',
      'pipelines/p/pipeline.yaml:7:16: task "other", arguments.dataset: input "dataset" is an artifact (system.Dataset): wire it from an upstream output ({task: t, output: o}), not a literal.',
    ]);
  });

  it("checks an upstream output even when the consuming task's component is unknown", () => {
    expect(
      check(`name: p
tasks:
  load: {component: data-loader}
  train: {component: trainr, arguments: {dataset: {task: load, output: datasets}}}
`),
    ).toEqual([
      expect.stringContaining('pipelines/p/pipeline.yaml:4:22: task "train", component: unknown component "trainr"'),
      'pipelines/p/pipeline.yaml:4:72: task "train", arguments.dataset.output: unknown output "datasets" of task "load" (component "data-loader"); its outputs: dataset, row_count.',
    ]);
  });

  it('wires artifact pipeline inputs to artifact inputs of their type or the generic type only', () => {
    const problems = check(`name: p
parameters:
  data: {type: Dataset}
  model: {type: Model}
tasks:
  train: {component: trainer, arguments: {dataset: {parameter: data}, notes: {parameter: data}}}
  inspect: {component: inspector, arguments: {thing: {parameter: model}}}
  wrong: {component: trainer, arguments: {dataset: {parameter: model}}}
`);
    expect(problems).toEqual([
      expect.stringMatching(/task "train", arguments\.notes\.parameter: pipeline parameter "data" cannot feed input "notes": an artifact \(system\.Dataset\) cannot feed a parameter input \(String\)/),
      expect.stringMatching(/task "wrong", arguments\.dataset\.parameter: pipeline parameter "model" cannot feed input "dataset": artifact type system\.Model does not match the input's type system\.Dataset/),
    ]);
  });

  it('treats an untyped input as generic: any artifact feeds it', () => {
    expect(
      check(`name: p
tasks:
  load: {component: data-loader}
  u: {component: untyped, arguments: {thing: {task: load, output: dataset}}}
`),
    ).toEqual([]);
  });

  it('reports each cycle once, through data and after edges, and self-dependencies', () => {
    expect(
      check(`name: p
tasks:
  a: {component: data-loader, after: [c]}
  b: {component: trainer, arguments: {dataset: {task: a, output: dataset}}}
  c: {component: trainer, arguments: {dataset: {task: b, output: model}}, after: [b]}
  d: {component: data-loader, after: [d]}
`).filter((message) => message.includes('cycle')),
    ).toEqual([
      'pipelines/p/pipeline.yaml:3:39: task "a", after[0]: cycle: a -> c -> b -> a (each task waits for the next, through data or after).',
      'pipelines/p/pipeline.yaml:6:39: task "d", after[0]: cycle: d -> d (each task waits for the next, through data or after).',
    ]);
  });
});
