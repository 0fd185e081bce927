import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentSpec } from '../kfp/pipeline-model';
import { compilePipeline } from '../kfp/ir-compiler';
import { loadFixture } from '../kfp/__fixtures__/fixture-loader';
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
    'trainer',
    component(
      'trainer',
      [
        { name: 'fold', type: 'Integer', default: '0' },
        { name: 'lr', type: 'Float', default: '0.1' },
        { name: 'label', type: 'String', default: '' },
        { name: 'data', type: 'Dataset', optional: true },
      ],
      [
        { name: 'score', type: 'Float' },
        { name: 'model', type: 'Model' },
      ],
    ),
  ],
  ['lister', component('lister', [], [{ name: 'folds', type: 'JsonArray' }, { name: 'count', type: 'Integer' }])],
  ['gather', component('gather', [{ name: 'scores', type: 'JsonArray', optional: true }, { name: 'text', type: 'String', default: '' }], [])],
]);

function read(text: string): string[] {
  return readPipeline(text, FILE).problems.map(formatProblem);
}

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  expect(problems.map(formatProblem)).toEqual([]);
  return checkPipeline({ definition: definition!, source, components: COMPONENTS }).map(formatProblem);
}

describe('loops in pipeline.yaml', () => {
  it('reads a loop block into the body, with its items, item name, parallelism and tasks', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  folds: {type: JsonArray, default: [1, 2]}
tasks:
  list: {component: lister}
  per-fold:
    for_each: [{lr: 0.1}, {lr: 0.2}]
    as: setting
    parallelism: 2
    tasks:
      train: {component: trainer, arguments: {lr: {item: setting, field: lr}}}
      inner:
        for_each: {task: list, output: folds}
        as: fold
        tasks:
          deep: {component: trainer, arguments: {fold: {item: fold}, label: {item: setting}}}
  summary: {component: gather, arguments: {scores: {collect: {task: train, output: score}}}}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.body!.map((node) => node.kind)).toEqual(['task', 'loop', 'task']);
    const loop = definition!.body![1];
    expect(loop.kind === 'loop' && { items: loop.loop.items, as: loop.loop.as, parallelism: loop.loop.parallelism, body: loop.loop.body.map((node) => node.kind) }).toEqual({
      items: { kind: 'static', items: [{ lr: 0.1 }, { lr: 0.2 }] },
      as: 'setting',
      parallelism: 2,
      body: ['task', 'loop'],
    });
    const tasks = Object.fromEntries(definition!.tasks.map((task) => [task.name, task]));
    expect(tasks.train.arguments.lr).toEqual({ kind: 'loop-item', item: 'setting', field: 'lr' });
    expect(tasks.deep.arguments).toEqual({ fold: { kind: 'loop-item', item: 'fold' }, label: { kind: 'loop-item', item: 'setting' } });
    expect(tasks.deep.yamlPath).toEqual(['tasks', 'per-fold', 'tasks', 'inner', 'tasks', 'deep']);
    expect(tasks.summary.arguments.scores).toEqual({ kind: 'collected', task: 'train', output: 'score' });
  });

  it('refuses malformed loops and item references in the file, all at once, each at its line and column', () => {
    expect(
      read(`name: p
tasks:
  empty:
    for_each: []
    as: x
    tasks:
      a: {component: trainer}
  mixed:
    for_each: [1, {lr: 2}, null]
    as: 2x
    parallelism: 0
    tasks:
      b: {component: trainer}
  keys:
    for_each: [{name: a, 1x: 2}]
    as: k
    parallelism: 1.5
    tasks: {}
  outer:
    for_each: [1]
    as: v
    tasks:
      inner:
        for_each: [2]
        as: v
        tasks:
          c: {component: trainer, arguments: {fold: {item: w}, lr: {item: v, field: 'a-b'}}}
  d: {component: trainer, arguments: {fold: {item: v}, lr: {collect: train}}}
`),
    ).toEqual([
      `${FILE}:4:15: tasks.empty.for_each: is empty: a loop needs at least one item (a list of values or of mappings ([1, 2, 3], [{lr: 0.1}, {lr: 0.2}]), {parameter: p}, {task: t, output: o} or an enclosing loop's {item: x} / {item: x, field: f}).`,
      `${FILE}:9:15: tasks.mixed.for_each: mixes mappings with other values: use a list of values or a list of mappings with the same fields.`,
      `${FILE}:9:28: tasks.mixed.for_each[2]: is empty: kfp cannot write null into the IR; give a value.`,
      `${FILE}:10:9: tasks.mixed.as: "2x" is not a valid loop item name: use a Python identifier (letters, digits and "_", not starting with a digit, not a keyword), e.g. learning_rate.`,
      `${FILE}:11:18: tasks.mixed.parallelism: must be a whole number of iterations that may run at once, 1 to 2147483647 (leave it out for no limit); got 0.`,
      `${FILE}:15:17: tasks.keys.for_each[0].name: "name" cannot be a field name: kfp's loop argument has an attribute of that name, which the field would replace (kfp then fails to compile); rename the field.`,
      `${FILE}:15:26: tasks.keys.for_each[0].1x: "1x" cannot be a field name: kfp reads a field as item.<field> in Python, so use letters, digits and "_", not starting with a digit.`,
      `${FILE}:17:18: tasks.keys.parallelism: must be a whole number of iterations that may run at once, 1 to 2147483647 (leave it out for no limit); got 1.5.`,
      `${FILE}:18:12: tasks.keys.tasks: needs tasks: a mapping of the tasks (conditions, loops) that run once per item, e.g. tasks: {train: {component: trainer, arguments: {fold: {item: fold}}}}.`,
      `${FILE}:25:13: tasks.outer.tasks.inner.as: "v" already names the item of an enclosing loop: give this loop's item a name of its own, so {item: v} says which one.`,
      `${FILE}:27:60: task "c", arguments.fold.item: "w" is no loop item here: the enclosing loops name their items "v", "v"; a loop's item is used only inside that loop.`,
      `${FILE}:27:85: task "c", arguments.lr.field: must be the name of a field of the items (letters, digits and "_", not starting with a digit).`,
      `${FILE}:28:52: task "d", arguments.fold.item: "v" is no loop item here: this task is not inside a loop; {item: ...} is for tasks under a loop's tasks:.`,
      `${FILE}:28:70: task "d", arguments.lr.collect: must be an output reference {task: t, output: o} of a task inside a loop.`,
    ]);
  });

  it('refuses what kfp refuses about items, Collected and data leaving a loop, all at once', () => {
    expect(
      check(`name: p
parameters:
  count: {type: Integer, default: 2}
  folds: {type: JsonArray, default: [1]}
  mode: {type: String, default: a}
tasks:
  list: {component: lister}
  by-count:
    for_each: {parameter: count}
    as: n
    tasks:
      t1: {component: trainer, arguments: {fold: {item: n}}}
  by-int:
    for_each: {task: list, output: count}
    as: m
    tasks:
      t2: {component: trainer, arguments: {data: {item: m}}}
  scalars:
    for_each: [1, 2]
    as: s
    tasks:
      t3: {component: trainer, arguments: {fold: {item: s, field: x}, lr: {item: s}}}
  settings:
    for_each: [{lr: 0.1, fold: 1}]
    as: setting
    tasks:
      t4: {component: trainer, arguments: {lr: {item: setting, field: lr}, fold: {item: setting, field: fold}, label: {item: setting, field: nope}}}
      gate:
        if: {left: {parameter: mode}, operator: '==', right: a}
        then:
          t5: {component: trainer, arguments: {lr: {item: setting, field: lr}}}
  gated:
    if: {left: {parameter: mode}, operator: '==', right: b}
    then:
      gated-loop:
        for_each: [1]
        as: g
        tasks:
          t6: {component: trainer}
  after-loops:
    component: gather
    arguments: {scores: {collect: {task: t6, output: score}}, text: {task: t4, output: score}}
  wrong-types:
    component: gather
    arguments: {text: {collect: {task: t1, output: score}}, scores: {collect: {task: t2, output: model}}}
  not-in-loop:
    component: gather
    arguments: {scores: {collect: {task: list, output: folds}}}
  on-looped:
    if: {left: {task: t1, output: score}, operator: '>', right: 0.5}
    then:
      t7: {component: gather}
outputs:
  best: {task: t1, output: score}
`),
    ).toEqual([
      // the checker of plain outputs says the type does not fit either
      `${FILE}:42:69: task "after-loops", arguments.text: output "t4.score" cannot feed input "text": type Float does not match the input's type String.`,
      `${FILE}:9:27: tasks.by-count.for_each: pipeline parameter "count" is Integer: a loop iterates over a JsonArray (a list).`,
      `${FILE}:14:36: tasks.by-int.for_each: output "list.count" is Integer: a loop iterates over a JsonArray (a list); kfp cannot loop over a single artifact.`,
      `${FILE}:17:50: task "t2", arguments.data: input "data" is an artifact (system.Dataset): a loop item is a parameter value and cannot feed it.`,
      `${FILE}:22:67: task "t3", arguments.fold: the items of loop "scalars" are values, not mappings: there is no field "x"; use {item: s}.`,
      `${FILE}:22:75: task "t3", arguments.lr: loop item "s" is Integer, input "lr" takes Float: kfp types the item as the first item is typed (Integer); write one of the numbers with a fraction (0.5) to make them Floats.`,
      `${FILE}:27:82: task "t4", arguments.fold: loop item "setting.fold" is Float, input "fold" takes Integer: kfp types every field of a listed mapping as the first field of the first item is typed (Float), whatever the field; list fields of one type, or put the Integer fields in a loop of their own.`,
      `${FILE}:27:142: task "t4", arguments.label: no field "nope" in the items of loop "settings" (their fields: lr, fold).`,
      `${FILE}:31:75: task "t5", arguments.lr: kfp 2.17 cannot pass a field of a listed item into condition "gate" inside loop "settings" (it fails to compile, or writes an input nothing feeds): use the field in a task directly under the loop's tasks: and pass its output on, or loop over a parameter instead of a listed value.`,
      `${FILE}:42:42: task "after-loops", arguments.scores: the loop around task "t6" is inside condition "gated", which this task is outside of: kfp refuses to collect from a loop that may not run; move this task into that condition.`,
      `${FILE}:42:76: task "after-loops", arguments.text: task "t4" runs once per item of loop "settings", which this task is outside of: use {collect: {task: t4, output: score}} to take every iteration's value as a list.`,
      `${FILE}:45:23: task "wrong-types", arguments.text: collected values are a list (JsonArray); input "text" takes String.`,
      `${FILE}:45:69: task "wrong-types", arguments.scores: output "t2.model" is an artifact (system.Model): collected artifacts are a list of artifacts, which no component.yaml input can take (kfp's v1 component format has no list-of-artifacts input type).`,
      `${FILE}:48:42: task "not-in-loop", arguments.scores: task "list" is not inside a loop this task is outside of: collect gathers the outputs of every iteration of a loop into a task after it (kfp's dsl.Collected); use {task: list, output: folds} for a single value.`,
      `${FILE}:50:23: tasks.on-looped.if.left.task: task "t1" runs once per item of loop "by-count", which this condition is outside of: there is no single value to compare (collect it into a task after the loop and compare that task's output).`,
      `${FILE}:54:16: outputs.best.task: task "t1" runs once per item of loop "by-count": a pipeline output must come from a task outside loops.`,
    ]);
  });

  it('accepts items of a parameter or an output into any parameter input (kfp types them String and lets them through)', () => {
    expect(
      check(`name: p
parameters:
  folds: {type: JsonArray, default: [1, 2]}
tasks:
  list: {component: lister}
  per-fold:
    for_each: {parameter: folds}
    as: fold
    tasks:
      a: {component: trainer, arguments: {fold: {item: fold}, lr: {item: fold, field: lr}, label: {item: fold}}}
  per-listed:
    for_each: {task: list, output: folds}
    as: listed
    tasks:
      b: {component: trainer, arguments: {fold: {item: listed}}}
  done: {component: gather, arguments: {scores: {collect: {task: b, output: score}}}, after: [a]}
`),
    ).toEqual([]);
  });

  // the differential fixtures are compiled from a small test adapter; the real reader must mean the same
  for (const name of ['loops_static', 'loops_channels', 'loops_nested', 'loops_in_conditions']) {
    it(`reads, checks and compiles the differential fixture ${name} as the fixture adapter does`, () => {
      const fixture = loadFixture(join(__dirname, '../kfp/__fixtures__/differential', name), name);
      const { definition, source, problems } = readPipeline(readFileSync(join(fixture.dir, 'pipeline.yaml'), 'utf8'), fixture.options.pipeline.file);
      expect(problems.map(formatProblem)).toEqual([]);
      const specs = new Map([...fixture.options.components].map(([project, resolved]) => [project, resolved.spec]));
      expect(checkPipeline({ definition: definition!, source, components: specs }).map(formatProblem)).toEqual([]);
      expect(compilePipeline({ ...fixture.options, pipeline: definition! }).yaml).toEqual(compilePipeline(fixture.options).yaml);
    });
  }
});
