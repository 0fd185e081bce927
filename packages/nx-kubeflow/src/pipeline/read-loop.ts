/**
 * The loop block of pipeline.yaml (dsl.ParallelFor) and the two argument
 * forms loops bring, read for their own shape: what needs the components or
 * the whole pipeline (types, Collected scopes) is check-loops.ts's.
 *
 *   per-fold:                      # a label for messages; the IR names the group for-loop-N
 *     for_each: [1, 2, 3]          # or [{lr: 0.1}, ...], {parameter: p}, {task: t, output: o}
 *     as: fold                     # the item's name for the tasks inside
 *     parallelism: 2               # optional: at most this many iterations at once
 *     tasks: {...}                 # tasks, conditions and loops, as at the top level
 *
 *   arguments: {fold: {item: fold}, lr: {item: setting, field: lr}, scores: {collect: {task: train, output: score}}}
 */
import type { LoopItems, TaskArgument } from '../kfp/pipeline-model';
import { parameterNameProblem } from './pipeline-names';
import { literalProblem } from './pipeline-types';
import type { YamlPath } from './yaml-source';

export const LOOP_BLOCK_KEYS = ['for_each', 'as', 'parallelism', 'tasks', 'display_name'] as const;
export const ITEM_KEYS = ['item', 'field'] as const;
export const COLLECT_KEYS = ['task', 'output'] as const;

/** kfp writes parallelismLimit as an int32. */
const INT32_MAX = 2147483647;

/** for_loop.LoopArgumentVariable.LEGAL_SUBVAR_NAME_REGEX: a field is read as item.<field> in Python. */
export const FIELD_NAME = /^[a-zA-Z_][0-9a-zA-Z_]*$/;

/**
 * kfp sets every key of the first mapping as an attribute of its loop argument
 * (setattr(loop_argument, key, ...)): a key that names one of the channel's own
 * attributes breaks the compile (`name` makes get_inputs_for_all_groups fail,
 * `full_name` raises), so such keys are refused.
 */
export const RESERVED_FIELD_NAMES: readonly string[] = [
  'channel_type',
  'from_pipeline_channel',
  'from_raw_items',
  'full_name',
  'is_with_items_loop_argument',
  'items_or_pipeline_channel',
  'name',
  'pattern',
  'pipeline',
  'task',
  'task_name',
  'value',
];

/**
 * Fields a reference cannot read (item.<field> in the DSL): the loop argument's own attributes, which Python
 * finds before kfp's __getattr__ makes a field of the name (and dunder names). pipeline.schema.json lists them too.
 */
export const UNREADABLE_FIELD_NAMES: readonly string[] = [...RESERVED_FIELD_NAMES, '_abc_impl', '_referenced_subvars'];

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

export interface LoopReport {
  (path: YamlPath, message: string, options?: { task?: string; field?: string; of?: 'key' | 'value' }): void;
}

/** Is this entry of a tasks mapping a loop block (for_each and no component)? */
export function isLoopBlock(spec: unknown): spec is Dict {
  return isDict(spec) && 'for_each' in spec && !('component' in spec);
}

/** for_each: a static list, {parameter: p}, {task: t, output: o} or an enclosing loop's {item: x} / {item: x, field: f}; `outer` are the enclosing loops' item names. */
export function readLoopItems(raw: unknown, path: YamlPath, report: LoopReport, outer: readonly string[] = []): LoopItems | undefined {
  const itemsPath = [...path, 'for_each'];
  const shapes = 'a list of values or of mappings ([1, 2, 3], [{lr: 0.1}, {lr: 0.2}]), {parameter: p}, {task: t, output: o} or an enclosing loop\'s {item: x} / {item: x, field: f}';
  if (isDict(raw) && 'item' in raw) {
    const read = readItemArgument(raw, itemsPath, outer, undefined, report);
    return read?.kind === 'loop-item' ? { kind: 'loop-item', item: read.item, ...(read.field !== undefined ? { field: read.field } : {}) } : undefined;
  }
  if (Array.isArray(raw)) {
    // kfp: "Got an empty item list for loop argument."
    if (raw.length === 0) {
      report(itemsPath, `is empty: a loop needs at least one item (${shapes}).`);
      return undefined;
    }
    let valid = true;
    const mappings = raw.filter(isDict).length;
    if (mappings > 0 && mappings < raw.length) {
      report(itemsPath, 'mixes mappings with other values: use a list of values or a list of mappings with the same fields.');
      valid = false;
    }
    raw.forEach((item, index) => {
      const itemPath = [...itemsPath, index];
      if (item === null || item === undefined) {
        report(itemPath, 'is empty: kfp cannot write null into the IR; give a value.');
        valid = false;
        return;
      }
      const problem = literalProblem(item);
      if (problem) {
        report(itemPath, problem);
        valid = false;
      }
      if (isDict(item)) {
        if (Object.keys(item).length === 0) {
          report(itemPath, 'is an empty mapping: give the fields the tasks read ({lr: 0.1}).');
          valid = false;
        }
        if (index === 0) {
          for (const key of Object.keys(item)) {
            if (!FIELD_NAME.test(key)) {
              report([...itemPath, key], `"${key}" cannot be a field name: kfp reads a field as item.<field> in Python, so use letters, digits and "_", not starting with a digit.`, { of: 'key' });
              valid = false;
            } else if (key.startsWith('_') || RESERVED_FIELD_NAMES.includes(key)) {
              report([...itemPath, key], `"${key}" cannot be a field name: kfp's loop argument has an attribute of that name, which the field would replace (kfp then fails to compile); rename the field.`, { of: 'key' });
              valid = false;
            }
          }
        }
      }
    });
    return valid ? { kind: 'static', items: raw as Extract<LoopItems, { kind: 'static' }>['items'] } : undefined;
  }
  if (isDict(raw) && 'parameter' in raw) {
    for (const key of Object.keys(raw)) if (key !== 'parameter') report([...itemsPath, key], `unknown key "${key}" in a parameter reference; allowed: parameter.`, { of: 'key' });
    if (typeof raw.parameter !== 'string' || raw.parameter === '') {
      report([...itemsPath, 'parameter'], 'must name a pipeline parameter (a JsonArray).');
      return undefined;
    }
    return { kind: 'parameter', parameter: raw.parameter };
  }
  if (isDict(raw) && ('task' in raw || 'output' in raw)) {
    let valid = true;
    for (const key of Object.keys(raw)) {
      if (!(COLLECT_KEYS as readonly string[]).includes(key)) {
        report([...itemsPath, key], `unknown key "${key}" in an output reference; allowed: task, output.`, { of: 'key' });
        valid = false;
      }
    }
    for (const key of COLLECT_KEYS) {
      if (typeof raw[key] !== 'string' || raw[key] === '') {
        report(key in raw ? [...itemsPath, key] : itemsPath, `needs ${key}: ${key === 'task' ? 'the upstream task' : 'its output (a JsonArray)'}.`, { field: [...itemsPath, key].join('.') });
        valid = false;
      }
    }
    return valid ? { kind: 'task-output', task: raw.task as string, output: raw.output as string } : undefined;
  }
  report(raw === undefined ? path : itemsPath, `needs for_each: ${shapes}.`, raw === undefined ? { field: itemsPath.join('.') } : {});
  return undefined;
}

/** as: the item's name, a Python identifier (the variable of `with dsl.ParallelFor(...) as fold`). */
export function readLoopItemName(raw: unknown, path: YamlPath, outer: readonly string[], report: LoopReport): string | undefined {
  if (raw === undefined || raw === null) {
    report(path, 'needs as: the name the tasks inside use for the item, e.g. as: fold, then {item: fold}.', { field: [...path, 'as'].join('.') });
    return undefined;
  }
  if (typeof raw !== 'string') {
    report([...path, 'as'], 'must be a name, e.g. as: fold.');
    return undefined;
  }
  const problem = parameterNameProblem(raw);
  if (problem) {
    report([...path, 'as'], problem.replace('parameter name', 'loop item name').replace('a pipeline parameter', 'a loop item'));
    return undefined;
  }
  if (outer.includes(raw)) {
    report([...path, 'as'], `"${raw}" already names the item of an enclosing loop: give this loop's item a name of its own, so {item: ${raw}} says which one.`);
    return undefined;
  }
  return raw;
}

/** parallelism: a positive whole number (kfp's parallelism_limit; absent: no limit). */
export function readParallelism(raw: unknown, path: YamlPath, report: LoopReport): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > INT32_MAX) {
    report([...path, 'parallelism'], `must be a whole number of iterations that may run at once, 1 to ${INT32_MAX} (leave it out for no limit); got ${JSON.stringify(raw)}.`);
    return undefined;
  }
  return raw as number;
}

/** {item: x} / {item: x, field: f}: the enclosing loop's item (in an argument, a condition or for_each); `loops` are the item names in scope, innermost last. */
export function readItemArgument(value: Dict, path: YamlPath, loops: readonly string[], task: string | undefined, report: LoopReport): Extract<TaskArgument, { kind: 'loop-item' }> | undefined {
  let valid = true;
  for (const key of Object.keys(value)) {
    if (!(ITEM_KEYS as readonly string[]).includes(key)) {
      report([...path, key], `unknown key "${key}" in a loop item reference; allowed: item, field.`, { task, of: 'key' });
      valid = false;
    }
  }
  if (typeof value.item !== 'string' || value.item === '') {
    report([...path, 'item'], 'must name the item of an enclosing loop (its as:).', { task });
    return undefined;
  }
  if (!loops.includes(value.item)) {
    report(
      [...path, 'item'],
      loops.length === 0
        ? `"${value.item}" is no loop item here: ${task !== undefined ? "this task is not inside a loop; {item: ...} is for tasks under a loop's tasks:." : "this is not inside a loop; {item: ...} is for what is under a loop's tasks:."}`
        : `"${value.item}" is no loop item here: the enclosing loops name their items ${loops.map((name) => `"${name}"`).join(', ')}; a loop's item is used only inside that loop.`,
      { task },
    );
    valid = false;
  }
  if (value.field !== undefined && (typeof value.field !== 'string' || !FIELD_NAME.test(value.field))) {
    report([...path, 'field'], 'must be the name of a field of the items (letters, digits and "_", not starting with a digit).', { task });
    valid = false;
  } else if (typeof value.field === 'string' && (value.field.startsWith('__') || UNREADABLE_FIELD_NAMES.includes(value.field))) {
    // item.name in the DSL is the loop argument's own attribute, not the field: kfp compiles the channel's name as a constant
    report([...path, 'field'], `"${value.field}" cannot be read as a field: kfp's loop argument has an attribute of that name, which item.${value.field} reads instead of the field; rename the field.`, { task });
    valid = false;
  }
  if (!valid) return undefined;
  return { kind: 'loop-item', item: value.item as string, ...(value.field !== undefined ? { field: value.field as string } : {}) };
}

/** {collect: {task: t, output: o}}: dsl.Collected of an output of a task inside a loop. */
export function readCollectArgument(value: Dict, path: YamlPath, task: string, report: LoopReport): TaskArgument | undefined {
  let valid = true;
  for (const key of Object.keys(value)) {
    if (key !== 'collect') {
      report([...path, key], `unknown key "${key}" beside collect; write {collect: {task: t, output: o}}.`, { task, of: 'key' });
      valid = false;
    }
  }
  const inner = value.collect;
  const collectPath = [...path, 'collect'];
  if (!isDict(inner)) {
    report(collectPath, 'must be an output reference {task: t, output: o} of a task inside a loop.', { task });
    return undefined;
  }
  for (const key of Object.keys(inner)) {
    if (!(COLLECT_KEYS as readonly string[]).includes(key)) {
      report([...collectPath, key], `unknown key "${key}" in an output reference; allowed: task, output.`, { task, of: 'key' });
      valid = false;
    }
  }
  for (const key of COLLECT_KEYS) {
    if (typeof inner[key] !== 'string' || inner[key] === '') {
      report(key in inner ? [...collectPath, key] : collectPath, `needs ${key}: ${key === 'task' ? 'a task inside a loop' : "that task's output name"}.`, { task });
      valid = false;
    }
  }
  return valid ? { kind: 'collected', task: inner.task as string, output: inner.output as string } : undefined;
}
