/**
 * component.yaml writes defaults as text; kfp casts them by the input's type
 * (type_utils.deserialize_v1_component_yaml_default) before they become the
 * IR's defaultValue. The same casts here, and the same refusals: a default
 * kfp cannot cast makes load_component_from_file fail.
 */
import { randomUUID } from 'node:crypto';
import type { ComponentInputSpec } from './pipeline-model';
import { ioTypeOf } from './io-types';
import { nonFiniteNumber, nonFiniteReason } from './parameter-types';
import { containsNull } from './ir-values';

type Report = (field: string, message: string) => void;

const TRUE_WORDS = ['y', 'yes', 't', 'true', 'on', '1'];
const FALSE_WORDS = ['n', 'no', 'f', 'false', 'off', '0'];

/** Python int(text): optional sign, digits with single underscores, surrounding whitespace. */
function pyInt(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text);
  return match ? Number(match[1] + match[2].replace(/_/g, '')) : undefined;
}

/** Python float(text), for the forms a component author writes. */
function pyFloat(text: string): number | undefined {
  const trimmed = text.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : undefined;
}

/** NaN, Infinity and -Infinity outside strings: Python's json.loads reads them, JSON.parse does not. */
const PY_JSON_CONSTANT = /"(?:[^"\\]|\\.)*"|(-?)\b(NaN|Infinity)\b/g;

/** Python's json.loads(text), as kfp parses a JsonObject / JsonArray default. */
function tryJson(text: string): unknown {
  const constants: number[] = [];
  // each constant becomes a string mark, put back as the number once parsed; the nonce keeps
  // any real string from passing for one
  const mark = `\u0000${randomUUID()}:`;
  const marked = text.replace(PY_JSON_CONSTANT, (all, sign: string, name: string | undefined) => {
    if (name === undefined) return all;
    constants.push(name === 'NaN' ? NaN : sign ? -Infinity : Infinity);
    return JSON.stringify(`${mark}${constants.length - 1}`);
  });
  const restore = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith(mark)) return constants[Number(value.slice(mark.length))];
    if (Array.isArray(value)) return value.map(restore);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)]));
    return value;
  };
  try {
    return constants.length === 0 ? JSON.parse(text) : restore(JSON.parse(marked));
  } catch {
    return text; // kfp keeps text it cannot parse as JSON as it is
  }
}

/** The in-memory default kfp derives; undefined when it cannot be cast. */
export function deserializeDefault(input: ComponentInputSpec): unknown {
  if (input.default === undefined) return undefined;
  const io = ioTypeOf(input.type);
  // Artifacts and untyped inputs keep the text (kfp passes it through unchanged).
  if (io.kind === 'artifact') return input.default;
  switch (io.parameterType) {
    case 'Integer':
      return pyInt(input.default);
    case 'Float':
      return pyFloat(input.default);
    case 'Boolean': {
      const word = input.default.toLowerCase();
      if (TRUE_WORDS.includes(word)) return true;
      return FALSE_WORDS.includes(word) ? false : undefined;
    }
    case 'JsonObject':
    case 'JsonArray':
      return tryJson(input.default);
    default:
      return input.default;
  }
}

export function checkDefault(input: ComponentInputSpec, field: string, report: Report): void {
  const value = deserializeDefault(input);
  const nonFinite = nonFiniteNumber(value);
  if (value === undefined) report(field, `${JSON.stringify(input.default)} is not a valid ${input.type} (kfp cannot load this default)`);
  else if (containsNull(value)) report(field, 'null inside a default does not compile in kfp');
  // kfp loads nan, inf and 1e400 as floats (and NaN inside JSON), then cannot write them
  else if (nonFinite !== undefined) report(field, `${JSON.stringify(input.default)} ${typeof value === 'number' ? 'reads as' : 'holds'} ${nonFiniteReason(nonFinite)}`);
  // kfp writes it as a double, rounded; refused here as pipeline.yaml refuses it (pipeline-types.ts)
  else if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && isIntegerType(input)) {
    report(field, `${JSON.stringify(input.default)} is an Integer beyond 9007199254740991 (2^53 - 1): the IR holds numbers as doubles, which would round it silently; pass it as a String`);
  }
}

function isIntegerType(input: ComponentInputSpec): boolean {
  const io = ioTypeOf(input.type);
  return io.kind === 'parameter' && io.parameterType === 'Integer';
}
