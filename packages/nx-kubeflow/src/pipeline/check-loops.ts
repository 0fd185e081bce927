/**
 * The checks loops and fan-in need beyond the file's shape (read-loop.ts):
 * what a loop iterates over, how its item feeds inputs (kfp's types for
 * static lists), where dsl.Collected may be used, and the data that cannot
 * leave a loop without it. Each refusal is one kfp makes (or an IR kfp
 * writes that cannot run), reported at its line and column, all at once.
 */
import { taskPipelineOutputs, type ComponentSpec, type ConditionBlock, type LoopBlock, type PipelineDefinition, type PipelineNode, type PipelineTask } from '../kfp/pipeline-model';
import { staticFieldType, staticItemType } from '../kfp/loop-items';
import { argumentPath } from '../kfp/kubernetes-pvc';
import type { PipelineProblem } from './pipeline-problems';
import { describeIoType, ioTypeOf } from './pipeline-types';
import type { YamlPath, YamlSource } from './yaml-source';

/** A group around a task: a loop, or one branch of a condition block. */
export type Scope = { kind: 'loop'; id: string; loop: LoopBlock } | { kind: 'branch' | 'exit-handler'; id: string; label: string; block?: ConditionBlock };

export interface CheckLoopsOptions {
  definition: PipelineDefinition;
  source: YamlSource;
  components: ReadonlyMap<string, ComponentSpec>;
}

export function scopesOf(body: PipelineNode[]): { tasks: Map<string, Scope[]>; loops: { loop: LoopBlock; scopes: Scope[] }[]; blocks: { block: ConditionBlock; scopes: Scope[] }[] } {
  const tasks = new Map<string, Scope[]>();
  const loops: { loop: LoopBlock; scopes: Scope[] }[] = [];
  const blocks: { block: ConditionBlock; scopes: Scope[] }[] = [];
  const walk = (nodes: PipelineNode[], scopes: Scope[]) => {
    for (const node of nodes) {
      if (node.kind === 'task') tasks.set(node.task, scopes);
      else if (node.kind === 'loop') {
        loops.push({ loop: node.loop, scopes });
        walk(node.loop.body, [...scopes, { kind: 'loop', id: `loop:${node.loop.name}`, loop: node.loop }]);
      } else if (node.kind === 'exit-handler') {
        // the exit task sits beside its handler; the handler's body is a DAG of its own (exit-handler-N)
        tasks.set(node.block.exitTask, scopes);
        walk(node.block.body, [...scopes, { kind: 'exit-handler', id: `${node.block.name}#exit`, label: node.block.name }]);
      } else {
        blocks.push({ block: node.block, scopes });
        node.block.branches.forEach((branch, index) =>
          walk(branch.body, [...scopes, { kind: 'branch', id: `${node.block.name}#${index}`, label: node.block.name + (node.block.branches.length > 1 ? ` (branch ${index + 1})` : ''), block: node.block }]),
        );
      }
    }
  };
  walk(body, []);
  return { tasks, loops, blocks };
}

/** The producer's scopes the consumer is not in (get_uncommon_ancestors, groups only). */
export function uncommon(producer: Scope[], consumer: Scope[]): Scope[] {
  let common = 0;
  while (common < producer.length && common < consumer.length && producer[common].id === consumer[common].id) common++;
  return producer.slice(common);
}

/**
 * Whether the outermost group around `upstream` that `downstream` is outside of is a loop: kfp judges a
 * dependency by that group alone (get_dependencies), so `after` on a task in a condition inside a loop is
 * waiting for the loop, and data from it is the loop's concern (checkLoops), not the condition's.
 */
export function leavesLoopFirst(body: PipelineNode[], upstream: string, downstream: string): boolean {
  const { tasks } = scopesOf(body);
  const outside = uncommon(tasks.get(upstream) ?? [], tasks.get(downstream) ?? []);
  return outside.length > 0 && outside[0].kind === 'loop';
}

/** The innermost loop around `scopes` whose item is `item`, and its place among them. */
function loopNamed(scopes: Scope[], item: string): { index: number; loop: LoopBlock } | undefined {
  const index = scopes.map((scope) => scope.kind === 'loop' && scope.loop.as === item).lastIndexOf(true);
  return index < 0 ? undefined : { index, loop: (scopes[index] as Extract<Scope, { kind: 'loop' }>).loop };
}

/** Why a reference to a field of a listed item cannot be used where it is, if it cannot (see the static-field rule below). */
function staticFieldProblem(loop: LoopBlock, field: string): string | undefined {
  const items = loop.items.kind === 'static' ? loop.items.items : undefined;
  if (!items) return undefined;
  const first = items[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return `the items of loop "${loop.name}" are values, not mappings: there is no field "${field}"; use {item: ${loop.as}}.`;
  if (!Object.hasOwn(first, field)) return `no field "${field}" in the items of loop "${loop.name}" (their fields: ${Object.keys(first).join(', ')}).`;
  return undefined;
}

/**
 * kfp 2.17 passes a field of a listed (static) item only into a task or group directly under its loop: deeper
 * (a group within the loop, the branches of an if/elif/else, a loop inside a condition) it fails to compile or
 * writes an input nothing feeds. `nested` are the groups between the loop and the reader.
 */
function staticFieldPlacement(scopes: Scope[], index: number, loop: LoopBlock, nested: Scope[], what: string): string | undefined {
  if (loop.items.kind !== 'static') return undefined;
  const outerBranch = scopes.slice(0, index).find((scope) => scope.kind !== 'loop');
  if (nested.length === 0 && !outerBranch) return undefined;
  return `kfp 2.17 cannot pass a field of a listed item ${nested.length > 0 ? `into ${describeScope(nested[0])} inside loop "${loop.name}"` : `of a loop inside ${describeScope(outerBranch!)}`} (it fails to compile, or writes an input nothing feeds): ${what}`;
}

/**
 * kfp hands the item of a loop over a parameter or an output (and its fields) down to an inner loop over that
 * item, and no further: the inner loop's argument name holds the item's, so get_inputs_for_all_groups stops
 * there. A task, condition or loop that reads the outer item (or a field) deeper than directly under that inner
 * loop reads an input its group lacks (kfp fails with "component_input_parameter ... not found", or writes an
 * input nothing feeds). `scopes` are the reader's, `extra` a group of its own (an if with elif/else).
 */
export function innerLoopProblem(scopes: Scope[], index: number, loop: LoopBlock, extra: boolean, what: string): string | undefined {
  if (loop.items.kind === 'loop-item') {
    // a loop over an enclosing item: its own argument's name holds its items' name, so kfp's chain item -> items
    // pops one link too few there, and the groups below it get the items instead of the item
    if (index === scopes.length - 1 && !extra) return undefined;
    // an if (no elif/else) directly under the loop that compares the whole item takes the item itself, and hands it on
    const between = scopes.slice(index + 1);
    const gate = between.length === 1 && between[0].kind === 'branch' ? between[0].block : undefined;
    const comparesItem = gate?.branches.length === 1 && [gate.branches[0].condition?.left, gate.branches[0].condition?.right].some((side) => side?.kind === 'loop-item' && side.item === loop.as && side.field === undefined);
    if (comparesItem && !extra) return undefined;
    return `kfp 2.17 hands the item of loop "${loop.name}", a loop over an enclosing loop's item, only to what is directly under it (deeper it passes the wrong input), so ${what} directly under loop "${loop.name}"'s tasks: (an if without elif/else), or pass the value on as a task output.`;
  }
  if (loop.items.kind === 'static') return undefined;
  const at = scopes.findIndex((scope, position) => position > index && scope.kind === 'loop' && scope.loop.items.kind === 'loop-item' && scope.loop.items.item === loop.as);
  if (at < 0 || (at === scopes.length - 1 && !extra)) return undefined;
  const inner = (scopes[at] as Extract<Scope, { kind: 'loop' }>).loop;
  return `kfp 2.17 passes the item of loop "${loop.name}" into loop "${inner.name}" (which iterates over it) and no deeper, so ${what} directly under loop "${inner.name}"'s tasks: (an if without elif/else), or pass the value on as a task output.`;
}

/**
 * The type kfp gives a condition's loop item operand ({item: x} or {item: x, field: f}), or undefined when the
 * reference is refused (checkLoops reports why): a listed item has its first item's type, a field the first
 * mapping's first value's type; an item of a parameter, an output or an outer item is a String to kfp.
 */
export function conditionItemType(body: PipelineNode[], block: ConditionBlock, operand: { item: string; field?: string }): string | undefined {
  const { blocks } = scopesOf(body);
  const around = blocks.find((entry) => entry.block === block)?.scopes ?? [];
  const found = loopNamed(around, operand.item);
  if (!found) return undefined;
  const { loop } = found;
  if (loop.items.kind !== 'static') return 'String';
  if (operand.field === undefined) return staticItemType(loop.items.items);
  if (staticFieldProblem(loop, operand.field)) return undefined;
  return staticFieldType(loop.items.items);
}

export function checkLoops(options: CheckLoopsOptions): PipelineProblem[] {
  const { definition, source, components } = options;
  const problems: PipelineProblem[] = [];
  const { tasks: scopes, loops, blocks } = scopesOf(definition.body ?? []);
  if (loops.length === 0 && !definition.tasks.some((task) => Object.values(task.arguments).some((argument) => argument.kind === 'loop-item' || argument.kind === 'collected'))) {
    return problems;
  }
  const byName = new Map(definition.tasks.map((task) => [task.name, task]));
  const at = (path: YamlPath, message: string, field: string, task?: string) => {
    const { line, column } = source.positionOf(path, 'value');
    problems.push({ file: definition.file, line, column, ...(task !== undefined ? { task } : {}), field, message });
  };
  const outputOf = (task: PipelineTask, name: string) => components.get(task.component)?.outputs.find((output) => output.name === name);

  // what each loop iterates over
  for (const { loop, scopes: around } of loops) {
    const path = [...(loop.yamlPath ?? ['tasks', loop.name]), 'for_each'];
    const field = `${(loop.yamlPath ?? ['tasks', loop.name]).join('.')}.for_each`;
    if (loop.items.kind === 'loop-item') {
      const { item, field: itemField } = loop.items;
      const found = loopNamed(around, item);
      if (!found) continue; // reported by the reader
      const outer = found.loop;
      const deep = innerLoopProblem(around, found.index, outer, false, 'a loop iterates over it (or a field of it) only');
      if (deep) {
        at([...path, 'item'], deep, field);
        continue;
      }
      if (itemField !== undefined) {
        const problem =
          staticFieldProblem(outer, itemField) ??
          staticFieldPlacement(around, found.index, outer, around.slice(found.index + 1), `put loop "${loop.name}" directly under loop "${outer.name}"'s tasks:, or loop over a parameter instead of a listed value.`);
        if (problem) {
          at([...path, 'field'], problem, field);
          continue;
        }
        const notList = outer.items.kind === 'static' ? outer.items.items.findIndex((entry) => !Array.isArray((entry as Record<string, unknown>)[itemField])) : -1;
        if (notList >= 0) {
          at([...path, 'field'], `field "${itemField}" of item ${notList + 1} of loop "${outer.name}" is ${JSON.stringify((outer.items as { items: Record<string, unknown>[] }).items[notList][itemField])}, not a list: a loop iterates over a list.`, field);
        }
      } else if (outer.items.kind !== 'static') {
        // kfp: "Cannot iterate over a single parameter using `dsl.ParallelFor`" (the item of a channel is typed String)
        at([...path, 'item'], `the items of loop "${outer.name}" come from ${outer.items.kind === 'parameter' ? 'a parameter' : outer.items.kind === 'task-output' ? 'a task output' : 'another item'}, so kfp types each as a String and refuses to loop over it: loop over a field of it ({item: ${item}, field: f}), whose type kfp does not check.`, field);
      } else {
        // kfp hands a listed item to a loop over it only from directly under its own loop (see staticFieldPlacement)
        const placement = staticFieldPlacement(around, found.index, outer, around.slice(found.index + 1), `put loop "${loop.name}" directly under loop "${outer.name}"'s tasks:.`);
        if (placement) {
          at([...path, 'item'], placement.replace('a field of a listed item', 'a listed item to a loop over it'), field);
          continue;
        }
        const notList = outer.items.items.findIndex((entry) => !Array.isArray(entry));
        if (notList >= 0) at([...path, 'item'], `item ${notList + 1} of loop "${outer.name}" is ${JSON.stringify(outer.items.items[notList])}, not a list: a loop over an outer item needs a list of lists ([[1, 2], [3]]), or a field of mappings ({item: ${item}, field: f}).`, field);
      }
      continue;
    }
    if (loop.items.kind === 'parameter') {
      const name = loop.items.parameter;
      const parameter = definition.parameters.find((candidate) => candidate.name === name);
      if (!parameter) at([...path, 'parameter'], `unknown pipeline parameter "${name}"; declared parameters: ${definition.parameters.map((p) => p.name).join(', ') || '(none)'}.`, field);
      // kfp: "Cannot iterate over a single parameter using `dsl.ParallelFor`. Expected a list of parameters"
      else if (parameter.type !== 'JsonArray') at([...path, 'parameter'], `pipeline parameter "${name}" is ${describeIoType(ioTypeOf(parameter.type))}: a loop iterates over a JsonArray (a list).`, field);
    } else if (loop.items.kind === 'task-output') {
      const { task: producerName, output: outputName } = loop.items;
      const producer = byName.get(producerName);
      if (!producer) {
        at([...path, 'task'], `unknown task "${producerName}"; tasks in this pipeline: ${[...byName.keys()].join(', ')}.`, field);
        continue;
      }
      const producerScopes = scopes.get(producerName) ?? [];
      if (uncommon(producerScopes, around).length > 0) {
        at([...path, 'task'], `task "${producerName}" runs inside ${describeScope(uncommon(producerScopes, around)[0])}, which this loop is outside of: a loop iterates over an output of a task that runs before it, outside it.`, field);
        continue;
      }
      if (!components.has(producer.component)) continue; // reported on its own task
      const output = outputOf(producer, outputName);
      if (!output) at([...path, 'output'], `unknown output "${outputName}" of task "${producerName}"; its outputs: ${components.get(producer.component)!.outputs.map((o) => o.name).join(', ') || '(none)'}.`, field);
      else if (ioTypeOf(output.type).kind === 'artifact' || describeIoType(ioTypeOf(output.type)) !== 'JsonArray') {
        at([...path, 'output'], `output "${producerName}.${output.name}" is ${describeIoType(ioTypeOf(output.type))}: a loop iterates over a JsonArray (a list); kfp cannot loop over a single artifact.`, field);
      }
    }
  }

  for (const task of definition.tasks) {
    const taskScopes = scopes.get(task.name) ?? [];
    const spec = components.get(task.component);
    const base = task.yamlPath ?? ['tasks', task.name];
    for (const [inputName, argument] of Object.entries(task.arguments)) {
      // a create_pvc task's name is written under create_pvc (argumentPath)
      const path = [...base, ...argumentPath(task, inputName)];
      const field = argumentPath(task, inputName).join('.');
      const input = spec?.inputs.find((candidate) => candidate.name === inputName);
      const expected = input ? ioTypeOf(input.type) : undefined;
      if (argument.kind === 'loop-item') {
        const index = taskScopes.map((scope) => scope.kind === 'loop' && scope.loop.as === argument.item).lastIndexOf(true);
        if (index < 0) continue; // reported by the reader
        const loop = (taskScopes[index] as Extract<Scope, { kind: 'loop' }>).loop;
        const deep = innerLoopProblem(taskScopes, index, loop, false, `a task reads {item: ${argument.item}${argument.field !== undefined ? `, field: ${argument.field}` : ''}} only`);
        if (deep) {
          at([...path, 'item'], deep, field, task.name);
          continue;
        }
        const items = loop.items.kind === 'static' ? loop.items.items : undefined;
        if (items && argument.field !== undefined) {
          const problem =
            staticFieldProblem(loop, argument.field) ??
            staticFieldPlacement(taskScopes, index, loop, taskScopes.slice(index + 1), "use the field in a task directly under the loop's tasks: and pass its output on, or loop over a parameter instead of a listed value.");
          if (problem) {
            at([...path, 'field'], problem, field, task.name);
            continue;
          }
        }
        if (!expected) continue;
        if (expected.kind === 'artifact') {
          at(path, `input "${inputName}" is an artifact (${expected.schemaTitle}): a loop item is a parameter value and cannot feed it.`, field, task.name);
          continue;
        }
        if (!items) continue; // kfp types an item of a parameter or output 'String' and lets it feed any parameter input
        const type = argument.field !== undefined ? staticFieldType(items) : staticItemType(items);
        if (type && type !== expected.parameterType) {
          const why =
            argument.field !== undefined
              ? `kfp types every field of a listed mapping as the first field of the first item is typed (${type}), whatever the field; list fields of one type, or put the ${expected.parameterType} fields in a loop of their own`
              : `kfp types the item as the first item is typed (${type})${type === 'Integer' && expected.parameterType === 'Float' ? '; write one of the numbers with a fraction (0.5) to make them Floats' : ''}`;
          at(path, `loop item "${argument.item}${argument.field !== undefined ? `.${argument.field}` : ''}" is ${type}, input "${inputName}" takes ${expected.parameterType}: ${why}.`, field, task.name);
        }
        continue;
      }
      if (argument.kind === 'collected') {
        const producer = byName.get(argument.task);
        const collectPath = [...path, 'collect'];
        if (!producer) {
          at([...collectPath, 'task'], `unknown task "${argument.task}"; tasks in this pipeline: ${[...byName.keys()].join(', ')}.`, field, task.name);
          continue;
        }
        const outside = uncommon(scopes.get(producer.name) ?? [], taskScopes);
        if (!outside.some((scope) => scope.kind === 'loop')) {
          at(
            [...collectPath, 'task'],
            `task "${producer.name}" is not inside a loop this task is outside of: collect gathers the outputs of every iteration of a loop into a task after it (kfp's dsl.Collected); use {task: ${producer.name}, output: ${argument.output}} for a single value.`,
            field,
            task.name,
          );
          continue;
        }
        if (outside[0].kind === 'branch') {
          at(
            [...collectPath, 'task'],
            `the loop around task "${producer.name}" is inside ${describeScope(outside[0])}, which this task is outside of: kfp refuses to collect from a loop that may not run; move this task into that condition.`,
            field,
            task.name,
          );
          continue;
        }
        const producerSpec = components.get(producer.component);
        if (!producerSpec) continue;
        const output = outputOf(producer, argument.output);
        if (!output) {
          at([...collectPath, 'output'], `unknown output "${argument.output}" of task "${producer.name}"; its outputs: ${producerSpec.outputs.map((o) => o.name).join(', ') || '(none)'}.`, field, task.name);
          continue;
        }
        if (!expected) continue;
        const outputIo = ioTypeOf(output.type);
        if (outputIo.kind === 'artifact') {
          at(
            path,
            `output "${producer.name}.${output.name}" is an artifact (${outputIo.schemaTitle}): collected artifacts are a list of artifacts, which no component.yaml input can take (kfp's v1 component format has no list-of-artifacts input type).`,
            field,
            task.name,
          );
        } else if (expected.kind === 'artifact' || expected.parameterType !== 'JsonArray') {
          at(path, `collected values are a list (JsonArray); input "${inputName}" takes ${describeIoType(expected)}.`, field, task.name);
        }
        continue;
      }
      if (argument.kind === 'task-output') {
        const producer = byName.get(argument.task);
        if (!producer) continue; // reported by check-pipeline
        const outside = uncommon(scopes.get(producer.name) ?? [], taskScopes);
        // kfp: "A downstream task cannot depend on an upstream task within a dsl.ParallelFor context unless ... dsl.Collected"
        if (outside.length > 0 && outside[0].kind === 'loop') {
          at(
            [...path, 'task'],
            `task "${producer.name}" runs once per item of loop "${outside[0].loop.name}", which this task is outside of: use {collect: {task: ${producer.name}, output: ${argument.output}}} to take every iteration's value as a list.`,
            field,
            task.name,
          );
        }
      }
    }
  }

  // kfp compiles such a condition, into an input nothing feeds (componentInputParameter: <task>-<output> at the root)
  for (const { block, scopes: around } of blocks) {
    for (const branch of block.branches) {
      for (const side of ['left', 'right'] as const) {
        const operand = branch.condition?.[side];
        if (operand?.kind === 'loop-item') {
          const found = loopNamed(around, operand.item);
          if (!found) continue; // reported by the reader
          const itemPath = [...(branch.yamlPath ?? ['tasks', block.name]), 'if', side, 'item'];
          const deep = innerLoopProblem(around, found.index, found.loop, block.branches.length > 1, 'a condition compares it only');
          if (deep) {
            at(itemPath, deep, itemPath.join('.'));
            continue;
          }
          if (operand.field === undefined) continue;
          const path = [...(branch.yamlPath ?? ['tasks', block.name]), 'if', side, 'field'];
          // an if with elif/else sits in a condition-branches group: one group deeper than its loop
          const nested = [...around.slice(found.index + 1), ...(block.branches.length > 1 ? [{ kind: 'branch' as const, id: `${block.name}#branches`, label: `${block.name} (its if/elif/else)` }] : [])];
          const problem =
            staticFieldProblem(found.loop, operand.field) ??
            staticFieldPlacement(around, found.index, found.loop, nested, `compare the field in an if without elif/else directly under loop "${found.loop.name}"'s tasks:, or loop over a parameter instead of a listed value.`);
          if (problem) at(path, problem, path.join('.'));
          continue;
        }
        if (operand?.kind !== 'task-output' || !byName.has(operand.task)) continue;
        const outside = uncommon(scopes.get(operand.task) ?? [], around);
        if (outside.length > 0 && outside[0].kind === 'loop') {
          const path = [...(branch.yamlPath ?? ['tasks', block.name]), 'if', side, 'task'];
          at(path, `task "${operand.task}" runs once per item of loop "${outside[0].loop.name}", which this condition is outside of: there is no single value to compare (collect it into a task after the loop and compare that task's output).`, path.join('.'));
        }
      }
    }
  }

  for (const output of taskPipelineOutputs(definition.outputs)) {
    const around = scopes.get(output.task) ?? [];
    const loop = around.find((scope) => scope.kind === 'loop');
    if (loop) {
      at(['outputs', output.name, 'task'], `task "${output.task}" runs once per item of loop "${(loop as Extract<Scope, { kind: 'loop' }>).loop.name}": a pipeline output must come from a task outside loops.`, `outputs.${output.name}.task`);
    }
  }
  return problems;
}

function describeScope(scope: Scope): string {
  return scope.kind === 'loop' ? `loop "${scope.loop.name}"` : scope.kind === 'exit-handler' ? `exit handler "${scope.label}"` : `condition "${scope.label}"`;
}
