/**
 * Test-only: whether the plugin's error for a settings case agrees with the
 * error real dynaconf raised for it. "Any SettingsError" is not agreement: the
 * kind must match (a TOML error is a file error, a bad cast a value error) and
 * so must the file dynaconf was reading and the line tomllib named. Columns
 * are not compared: tomllib points after the last token it accepted, smol-toml
 * at the offending one, and either finds the spot.
 */
import { SettingsError, SettingsFileError, SettingsValueError } from '../settings-errors';

/** What dynaconf_reference_loader.py reports for a case dynaconf refused. */
export interface DynaconfFailure {
  errorType: string;
  error: string;
  file?: string | null;
  line?: number | null;
}

type ErrorClass = typeof SettingsFileError | typeof SettingsValueError;

/** dynaconf's (or Python's) exception name -> the SettingsError subclass the plugin must raise for it. */
export const PLUGIN_ERROR_FOR: Readonly<Record<string, ErrorClass>> = {
  // tomllib refuses the file
  TOMLDecodeError: SettingsFileError,
  // a section that is not a table: dynaconf calls .items() on a string
  AttributeError: SettingsFileError,
  // @int "eighty" and the like
  DynaconfParseError: SettingsValueError,
  // @format naming a key that is not set
  DynaconfFormatError: SettingsValueError,
  // @jinja without jinja2 installed (the plugin never evaluates jinja)
  ImportError: SettingsValueError,
};

/** Why `actual` does not agree with dynaconf's `expected` failure, or undefined when it does. */
export function errorDisagreement(expected: DynaconfFailure, actual: unknown): string | undefined {
  const dynaconfSaid = `dynaconf raised ${expected.errorType}: ${expected.error}`;
  const kind = Object.prototype.hasOwnProperty.call(PLUGIN_ERROR_FOR, expected.errorType) ? PLUGIN_ERROR_FOR[expected.errorType] : undefined;
  if (kind === undefined) return `${dynaconfSaid}; PLUGIN_ERROR_FOR has no counterpart for ${expected.errorType}: add the one the plugin must raise`;
  if (!(actual instanceof SettingsError)) return `${dynaconfSaid}; the plugin did not raise a SettingsError but ${String(actual)}`;
  if (!(actual instanceof kind)) return `${dynaconfSaid}; the plugin raised ${actual.name}, not ${kind.name}: ${actual.message}`;
  if (!expected.file) return undefined;
  if (actual instanceof SettingsFileError) {
    const problem = actual.problems.find((candidate) => candidate.file === expected.file);
    if (!problem) return `${dynaconfSaid} reading ${expected.file}; the plugin named ${actual.problems.map((p) => p.file).join(', ')}`;
    if (expected.line && problem.line !== expected.line) {
      return `${dynaconfSaid}; the plugin names line ${problem.line ?? '(none)'} of ${expected.file}, dynaconf line ${expected.line}`;
    }
    return undefined;
  }
  if (!actual.message.includes(expected.file)) return `${dynaconfSaid} reading ${expected.file}; the plugin's message does not name that file: ${actual.message}`;
  return undefined;
}
