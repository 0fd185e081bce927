/**
 * Parameter values the way KFP's Go launcher handles them, so a component
 * sees the same text locally as on a cluster:
 * - into a placeholder (launcher_v2.go getPlaceholders): strings raw, numbers
 *   with strconv.FormatFloat(v, 'f', -1, 64) (200, 0.05, never an exponent),
 *   booleans true/false, lists and structs as compact JSON with sorted keys
 *   (encoding/json over protojson, which also escapes <, > and &);
 * - out of an output parameter file (metadata.TextToPbValue): STRING as it is,
 *   NUMBER_INTEGER with ParseInt, NUMBER_DOUBLE with ParseFloat, BOOLEAN with
 *   ParseBool (each on the trimmed text), LIST/STRUCT as JSON.
 */
import type { IrParameterDefinition, IrParameterType } from './ir-reader';

export class ParameterValueError extends Error {}

/** The text a {{$.inputs.parameters['x']}} placeholder becomes. */
export function placeholderText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatFloatF(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return goJson(value);
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, positional notation. */
export function formatFloatF(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = '', exponentText] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent >= 0) {
    const intLength = 1 + exponent;
    return sign + (digits.length <= intLength ? digits.padEnd(intLength, '0') : `${digits.slice(0, intLength)}.${digits.slice(intLength)}`);
  }
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/** Compact JSON, object keys sorted, HTML characters escaped: what json.Marshal gives for a structpb value. */
function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = { '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false };

/** An output parameter file's text, typed by the output's parameterType; throws ParameterValueError with what was expected. */
export function parseParameterText(text: string, type: IrParameterType): unknown {
  if (type === 'STRING') return text;
  const trimmed = text.trim();
  const fail = (expected: string): never => {
    throw new ParameterValueError(`${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)} is not ${expected}`);
  };
  switch (type) {
    case 'NUMBER_INTEGER': {
      if (!INTEGER.test(trimmed)) return fail('a whole number (NUMBER_INTEGER)');
      const big = BigInt(trimmed);
      if (big > 9223372036854775807n || big < -9223372036854775808n) return fail('a 64-bit integer (NUMBER_INTEGER)');
      return Number(big);
    }
    case 'NUMBER_DOUBLE':
      return DECIMAL.test(trimmed) ? Number(trimmed) : fail('a number (NUMBER_DOUBLE)');
    case 'BOOLEAN':
      return trimmed in BOOLEANS ? BOOLEANS[trimmed] : fail('a boolean (true/false, 1/0)');
    case 'LIST':
    case 'STRUCT': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        return fail(`JSON (${type})`);
      }
      const ok = type === 'LIST' ? Array.isArray(parsed) : parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
      return ok ? parsed : fail(type === 'LIST' ? 'a JSON array (LIST)' : 'a JSON object (STRUCT)');
    }
  }
}

/** Checks a value given in code (a root parameter override) against its type; text is parsed as an output file would be. */
export function coerceParameterValue(value: unknown, type: IrParameterType): unknown {
  if (typeof value === 'string' && type !== 'STRING') return parseParameterText(value, type);
  const fits =
    (type === 'STRING' && typeof value === 'string') ||
    (type === 'NUMBER_INTEGER' && Number.isInteger(value)) ||
    (type === 'NUMBER_DOUBLE' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'BOOLEAN' && typeof value === 'boolean') ||
    (type === 'LIST' && Array.isArray(value)) ||
    (type === 'STRUCT' && value !== null && typeof value === 'object' && !Array.isArray(value));
  if (!fits) throw new ParameterValueError(`${JSON.stringify(value)} is not a ${type}`);
  return value;
}

/** Root parameter values: IR defaults, overridden by the caller's values; unknown or missing required ones are errors. */
export function resolveRootParameters(
  definitions: Record<string, IrParameterDefinition>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(overrides)) {
    const definition = definitions[name];
    if (!definition) {
      problems.push(`unknown pipeline parameter "${name}" (the pipeline has: ${Object.keys(definitions).join(', ') || 'none'})`);
      continue;
    }
    try {
      values[name] = coerceParameterValue(value, definition.parameterType);
    } catch (error) {
      problems.push(`parameter "${name}": ${(error as Error).message}`);
    }
  }
  for (const [name, definition] of Object.entries(definitions)) {
    if (name in values) continue;
    if (definition.defaultValue !== undefined) values[name] = definition.defaultValue;
    else if (!definition.isOptional) problems.push(`parameter "${name}" has no default and no value was given`);
  }
  if (problems.length > 0) throw new ParameterValueError(problems.join('\n'));
  return values;
}

