/**
 * Conditions on a loop item ({item: x} / {item: x, field: f} as a side of `if`) and loops over an enclosing
 * loop's item or a field of it (for_each: {item: x, field: f}): what the reader and checker take and refuse,
 * each at its line and column, all at once. The IR is held to kfp 2.17.3 by the differential fixture
 * loop_items_in_conditions (conformance-differential.spec.ts); the refusals are kfp's failures (or IR whose
 * inputs nothing feeds) found by compiling the same DSL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';
import { UNREADABLE_FIELD_NAMES } from './read-loop';

const FILE = 'pipelines/p/pipeline.yaml';

const component = (name: string, inputs: ComponentSpec['inputs'], outputs: ComponentSpec['outputs']): ComponentSpec => ({ name, inputs, outputs, implementation: { container: { image: name } } });

const COMPONENTS = new Map<string, ComponentSpec>([
  ['trainer', component('trainer', [{ name: 'fold', type: 'Integer', default: '0' }, { name: 'label', type: 'String', default: '' }], [{ name: 'score', type: 'Float' }])],
  ['lister', component('lister', [], [{ name: 'folds', type: 'JsonArray' }])],
]);

function check(text: string): { read: string[]; checked: string[] } {
  const { definition, source, problems } = readPipeline(text, FILE);
  return { read: problems.map(formatProblem), checked: definition ? checkPipeline({ definition, source, components: COMPONENTS }).map(formatProblem) : [] };
}

describe('loop items in conditions and loops over loop items', () => {
  it('reads {item} operands and for_each: {item, field} into the model', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  settings: {type: JsonArray, default: []}
tasks:
  outer:
    for_each: {parameter: settings}
    as: s
    tasks:
      gate:
        if: {left: {item: s, field: mode}, operator: '==', right: fast}
        then:
          t: {component: trainer}
      inner:
        for_each: {item: s, field: folds}
        as: f
        tasks:
          u: {component: trainer, arguments: {fold: {item: f}}}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    const outer = definition!.body![0];
    if (outer.kind !== 'loop') throw new Error('expected a loop');
    const [gate, inner] = outer.loop.body;
    expect(gate.kind === 'condition' && gate.block.branches[0].condition!.left).toEqual({ kind: 'loop-item', item: 's', field: 'mode' });
    expect(inner.kind === 'loop' && inner.loop.items).toEqual({ kind: 'loop-item', item: 's', field: 'folds' });
  });

  it('accepts every form the differential fixture holds against kfp', () => {
    const text = readFileSync(join(__dirname, '../kfp/__fixtures__/differential/loop_items_in_conditions/pipeline.yaml'), 'utf8');
    const components = new Map<string, ComponentSpec>();
    const { definition, source, problems } = readPipeline(text, FILE);
    expect(problems.map(formatProblem)).toEqual([]);
    const { loadComponentSpec } = jest.requireActual('../kfp/component-spec') as typeof import('../kfp/component-spec');
    for (const project of ['gather', 'lister', 'trainer']) {
      components.set(project, loadComponentSpec(join(__dirname, `../kfp/__fixtures__/differential/loop_items_in_conditions/components/${project}/component.yaml`)));
    }
    expect(checkPipeline({ definition: definition!, source, components }).map(formatProblem)).toEqual([]);
  });

  it('refuses an item out of scope, reserved fields and item type mismatches, all at once, at their line and column', () => {
    expect(
      check(`name: p
parameters:
  settings: {type: JsonArray, default: []}
tasks:
  nowhere:
    if: {left: {item: s}, operator: '==', right: a}
    then: {t: {component: trainer}}
  per-number:
    for_each: [1, 2]
    as: n
    tasks:
      text-gate:
        if: {left: {item: n}, operator: '==', right: one}
        then: {t2: {component: trainer}}
      bad-field:
        if: {left: {item: n, field: x}, operator: '==', right: 1}
        then: {t3: {component: trainer}}
      inner:
        for_each: {item: n}
        as: m
        tasks: {t4: {component: trainer}}
  per-setting:
    for_each: {parameter: settings}
    as: s
    tasks:
      named:
        if: {left: {item: s, field: name}, operator: '==', right: a}
        then: {t5: {component: trainer}}
      number-gate:
        if: {left: {item: s, field: lr}, operator: '>', right: 0.1}
        then: {t6: {component: trainer}}
      whole:
        for_each: {item: s}
        as: w
        tasks: {t7: {component: trainer}}
`).read,
    ).toEqual([
        `${FILE}:6:23: tasks.nowhere.if.left.item: "s" is no loop item here: this is not inside a loop; {item: ...} is for what is under a loop's tasks:.`,
        `${FILE}:27:37: tasks.per-setting.tasks.named.if.left.field: "name" cannot be read as a field: kfp's loop argument has an attribute of that name, which item.name reads instead of the field; rename the field.`,
      ]);
  });

  it('refuses in the checker what kfp cannot compile or types differently, all at once', () => {
    expect(
      check(`name: p
parameters:
  settings: {type: JsonArray, default: []}
tasks:
  per-number:
    for_each: [1, 2]
    as: n
    tasks:
      text-gate:
        if: {left: {item: n}, operator: '==', right: one}
        then: {t2: {component: trainer}}
      bad-field:
        if: {left: {item: n, field: x}, operator: '==', right: 1}
        then: {t3: {component: trainer}}
      inner:
        for_each: {item: n}
        as: m
        tasks: {t4: {component: trainer}}
  per-rate:
    for_each: [{lr: 0.1, folds: [1]}, {lr: 0.2, folds: 2}]
    as: r
    tasks:
      with-else:
        if: {left: {item: r, field: lr}, operator: '>', right: 0.1}
        then: {t8: {component: trainer}}
        else: {t9: {component: trainer}}
      folds-loop:
        for_each: {item: r, field: folds}
        as: f
        tasks: {t10: {component: trainer}}
  per-setting:
    for_each: {parameter: settings}
    as: s
    tasks:
      number-gate:
        if: {left: {item: s, field: lr}, operator: '>', right: 0.1}
        then: {t6: {component: trainer}}
      whole:
        for_each: {item: s}
        as: w
        tasks: {t7: {component: trainer}}
      per-fold:
        for_each: {item: s, field: folds}
        as: f2
        tasks:
          deep-gate:
            if: {left: {item: f2}, operator: '==', right: '1'}
            then:
              deep: {component: trainer, arguments: {label: {item: s, field: mode}}}
`).checked,
    ).toEqual([
      `${FILE}:10:13: tasks.per-number.tasks.text-gate.if: compares Integer with String: both sides must have the same type (or be Integer and Float).`,
      `${FILE}:36:13: tasks.per-setting.tasks.number-gate.if: compares String with Float: both sides must have the same type (or be Integer and Float).`,
      `${FILE}:16:26: tasks.per-number.tasks.inner.for_each: item 1 of loop "per-number" is 1, not a list: a loop over an outer item needs a list of lists ([[1, 2], [3]]), or a field of mappings ({item: n, field: f}).`,
      `${FILE}:28:36: tasks.per-rate.tasks.folds-loop.for_each: field "folds" of item 2 of loop "per-rate" is 2, not a list: a loop iterates over a list.`,
      `${FILE}:39:26: tasks.per-setting.tasks.whole.for_each: the items of loop "per-setting" come from a parameter, so kfp types each as a String and refuses to loop over it: loop over a field of it ({item: s, field: f}), whose type kfp does not check.`,
      `${FILE}:49:68: task "deep", arguments.label: kfp 2.17 passes the item of loop "per-setting" into loop "per-fold" (which iterates over it) and no deeper, so a task reads {item: s, field: mode} only directly under loop "per-fold"'s tasks: (an if without elif/else), or pass the value on as a task output.`,
      `${FILE}:13:37: tasks.per-number.tasks.bad-field.if.left.field: the items of loop "per-number" are values, not mappings: there is no field "x"; use {item: n}.`,
      `${FILE}:24:37: tasks.per-rate.tasks.with-else.if.left.field: kfp 2.17 cannot pass a field of a listed item into condition "with-else (its if/elif/else)" inside loop "per-rate" (it fails to compile, or writes an input nothing feeds): compare the field in an if without elif/else directly under loop "per-rate"'s tasks:, or loop over a parameter instead of a listed value.`,
    ]);
  });

  it('keeps the fields a reference cannot read the same in the reader and the JSON Schema', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'pipeline.schema.json'), 'utf8'));
    const not = schema.definitions.loopItemReference.properties.field.not.anyOf;
    expect(not).toEqual([{ pattern: '^__' }, { enum: [...UNREADABLE_FIELD_NAMES] }]);
  });
});
