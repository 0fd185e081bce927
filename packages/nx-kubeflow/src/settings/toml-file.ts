/**
 * Reading TOML as dynaconf does: TOML 1.0, UTF-8, integers kept as Python ints.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse, TomlDate, TomlError } from 'smol-toml';
import { SettingsFileProblem } from './settings-errors';
import { findTomlV11OnlySyntax, lineAndColumnOf } from './toml-v1-syntax';
import { newPyDict, PyDict, PyValue } from './python-values';

export type TomlParseResult = { ok: true; document: PyDict } | { ok: false; problem: Omit<SettingsFileProblem, 'file'> };

/** Parses a TOML 1.0 document into the Python value model (tables become Maps, integers bigints). */
export function parseTomlDocument(text: string): TomlParseResult {
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(text, { integersAsBigInt: true });
  } catch (error) {
    if (error instanceof TomlError) {
      return { ok: false, problem: { line: error.line, column: error.column, message: firstLine(error.message) } };
    }
    throw error;
  }
  const violation = findTomlV11OnlySyntax(text);
  if (violation) {
    return { ok: false, problem: { ...lineAndColumnOf(text, violation.offset), message: violation.message } };
  }
  return { ok: true, document: tomlTableToPyDict(parsed) };
}

/** smol-toml prefixes its message with a code frame; the first line is the message itself. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/^Invalid TOML document: /, '');
}

function tomlTableToPyDict(table: Record<string, unknown>): PyDict {
  return newPyDict(Object.keys(table).map((key) => [key, tomlValueToPy(table[key])]));
}

function tomlValueToPy(value: unknown): PyValue {
  if (Array.isArray(value)) return value.map(tomlValueToPy);
  if (value instanceof TomlDate) return value;
  if (typeof value === 'object' && value !== null) return tomlTableToPyDict(value as Record<string, unknown>);
  return value as PyValue;
}

export type SettingsFileRead =
  | { status: 'missing' }
  | { status: 'parsed'; document: PyDict }
  | { status: 'broken'; problem: SettingsFileProblem };

/**
 * Reads one settings file. Missing files are not an error: dynaconf skips
 * settings files that do not exist.
 */
export function readTomlSettingsFile(file: string): SettingsFileRead {
  if (!isExistingFile(file)) return { status: 'missing' };
  let text: string;
  try {
    // Strict UTF-8 and the BOM left in place: tomllib rejects both, so must we.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(file));
  } catch (error) {
    return { status: 'broken', problem: { file, message: `cannot be read as UTF-8 text: ${String(error)}` } };
  }
  return readTomlSettingsText(file, text);
}

/** Settings text that stands for `file` (named in problems), parsed as the file would be. */
export function readTomlSettingsText(file: string, text: string): SettingsFileRead {
  const result = parseTomlDocument(text);
  if (!result.ok) return { status: 'broken', problem: { file, ...result.problem } };
  return { status: 'parsed', document: result.document };
}

function isExistingFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
