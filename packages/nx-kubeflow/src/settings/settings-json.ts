/** Settings as JSON text, for the `settings` target's output. */
import { TomlDate } from 'smol-toml';

const INDENT = '  ';

/**
 * JSON with 2-space indentation, laid out as JSON.stringify lays it out.
 * Beyond JSON.stringify: integers past 2^53 (kept as bigint) print exactly,
 * TOML dates print as TOML/RFC 3339 text. Non-finite floats (TOML `inf`,
 * `nan`) have no JSON form and print as null, as JSON.stringify prints them.
 */
export function formatSettingsJson(values: unknown): string {
  return serialize(values, '') ?? 'null';
}

function serialize(value: unknown, indent: string): string | undefined {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof TomlDate) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + INDENT;
    const items = value.map((item) => `${inner}${serialize(item, inner) ?? 'null'}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null && !hasToJson(value)) {
    const inner = indent + INDENT;
    const entries = Object.entries(value)
      .map(([key, item]) => [key, serialize(item, inner)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
      .map(([key, text]) => `${inner}${JSON.stringify(key)}: ${text}`);
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
