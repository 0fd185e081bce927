/**
 * A static loop list (dsl.ParallelFor([...])) as kfp sees it: the Python
 * values a DSL author writes, kfp's type for the loop item and for a field
 * of it (for_loop._get_first_element_type / _get_subvar_type), and the
 * `items.raw` text (json.dumps(items, sort_keys=True)).
 *
 * YAML (and JSON) cannot tell 1 from 1.0: where a list, or one field across
 * its mappings, holds a fraction, every whole number there is taken as a
 * float, as a Python author writes [0.5, 1.0, 2.0].
 */
import { Double } from './ir-values';
import type { IrParameterType } from './io-types';
import type { ParameterType } from './parameter-types';
import { pyFloatRepr, pyJsonString } from './py-json';

export type StaticItem = string | number | boolean | Record<string, unknown>;

const fractional = (values: unknown[]) => values.some((value) => typeof value === 'number' && !Number.isInteger(value));
const asDouble = (value: unknown) => (typeof value === 'number' ? new Double(value) : value);

/** The items with Double markers where Python would hold floats. */
export function pythonLoopItems(items: readonly StaticItem[]): unknown[] {
  if (items.length > 0 && items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    const records = items as Record<string, unknown>[];
    const keys = new Set(records.flatMap((item) => Object.keys(item)));
    const floatKeys = new Set([...keys].filter((key) => fractional(records.filter((item) => Object.hasOwn(item, key)).map((item) => item[key]))));
    return records.map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [key, floatKeys.has(key) ? asDouble(value) : value])));
  }
  return fractional(items as unknown[]) ? items.map(asDouble) : [...items];
}

/** kfp's parameter type of a Python value, by type(value).__name__. */
function pythonType(value: unknown): ParameterType {
  if (value instanceof Double) return 'Float';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return 'Integer';
  if (Array.isArray(value)) return 'JsonArray';
  return 'JsonObject';
}

/** The loop item's type: the first item's Python type (a mapping is a JsonObject). */
export function staticItemType(items: readonly StaticItem[]): ParameterType {
  return pythonType(pythonLoopItems(items)[0]);
}

/**
 * The type kfp gives every field of a mapping item: the type of the first
 * value of the first mapping (`Dict[str, <type>]`), whatever the field.
 */
export function staticFieldType(items: readonly StaticItem[]): ParameterType | undefined {
  const first = pythonLoopItems(items)[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first) || first instanceof Double) return undefined;
  const values = Object.values(first);
  return values.length > 0 ? pythonType(values[0]) : undefined;
}

export const IR_TYPE_OF: Record<ParameterType, IrParameterType> = {
  String: 'STRING',
  Integer: 'NUMBER_INTEGER',
  Float: 'NUMBER_DOUBLE',
  Boolean: 'BOOLEAN',
  JsonObject: 'STRUCT',
  JsonArray: 'LIST',
};

/** json.dumps(items, sort_keys=True) with Python's separators and float forms. */
export function rawLoopItems(items: readonly StaticItem[]): string {
  return dumps(pythonLoopItems(items));
}

function dumps(value: unknown): string {
  if (value instanceof Double) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return '[' + value.map(dumps).join(', ') + ']';
  if (value !== null && typeof value === 'object') {
    return (
      '{' +
      Object.keys(value)
        .sort()
        .map((key) => `${pyJsonString(key)}: ${dumps((value as Record<string, unknown>)[key])}`)
        .join(', ') +
      '}'
    );
  }
  if (typeof value === 'string') return pyJsonString(value);
  return JSON.stringify(value);
}

