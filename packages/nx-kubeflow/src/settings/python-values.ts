/**
 * The value model the dynaconf port works on.
 *
 * dynaconf's merge rules lean on Python semantics that plain JavaScript values
 * lose: `1 == 1.0 == True`, insertion-ordered dicts with any string key, and
 * the int/float distinction that `str()` and `@format` expose. So internally:
 * - a Python int is a `bigint`, a Python float is a `number`;
 * - a Python dict is a `Map` (keeps insertion order, no prototype keys);
 * - a Python list is an array;
 * - TOML dates and times stay `TomlDate`;
 * - dynaconf's marker objects (`@merge`, `@del`, lazy `@format`...) are class
 *   instances defined in dynaconf-tokens.ts, opaque here.
 * Conversion to plain JSON-like values happens once, at the end (load-settings.ts).
 */
import { TomlDate } from 'smol-toml';

export type PyDict = Map<string, PyValue>;
export type PyList = PyValue[];
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | TomlDate
  | PyDict
  | PyList
  | OpaquePyObject;

/** Marker objects (dynaconf MetaValue / Lazy): compared by identity, like Python objects without __eq__. */
export interface OpaquePyObject {
  readonly pyTypeName: string;
}

export function isPyDict(value: unknown): value is PyDict {
  return value instanceof Map;
}

export function isPyList(value: unknown): value is PyList {
  return Array.isArray(value);
}

export function isOpaquePyObject(value: unknown): value is OpaquePyObject {
  return typeof value === 'object' && value !== null && 'pyTypeName' in value;
}

/** Python truthiness (`if existing:`), which dynaconf uses to decide whether to merge at all. */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (isPyDict(value)) return value.size > 0;
  if (isPyList(value)) return value.length > 0;
  return true;
}

function numericValue(value: PyValue): number | bigint | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  return undefined;
}

function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const asFloat = typeof a === 'number' ? a : (b as number);
  const asInt = typeof a === 'bigint' ? a : (b as bigint);
  return Number.isInteger(asFloat) && BigInt(asFloat) === asInt;
}

/** Python `==`: numbers and bools compare by value, containers deeply, markers by identity. */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  const numA = numericValue(a);
  const numB = numericValue(b);
  if (numA !== undefined || numB !== undefined) {
    return numA !== undefined && numB !== undefined && numbersEqual(numA, numB);
  }
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a instanceof TomlDate && b instanceof TomlDate) {
    return a.toISOString() === b.toISOString();
  }
  if (isPyList(a) && isPyList(b)) {
    return a.length === b.length && a.every((item, index) => pyEquals(item, b[index]));
  }
  if (isPyDict(a) && isPyDict(b)) {
    if (a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (!b.has(key) || !pyEquals(value, b.get(key))) return false;
    }
    return true;
  }
  return false;
}

/** Python `item in list`. */
export function pyListContains(list: PyList, item: PyValue): boolean {
  return list.some((candidate) => pyEquals(candidate, item));
}

/** Python `list.remove(item)`: drops the first equal item. */
export function pyListRemove(list: PyList, item: PyValue): void {
  const index = list.findIndex((candidate) => pyEquals(candidate, item));
  if (index >= 0) list.splice(index, 1);
}

/** Python `dict.pop(key, default)`. */
export function pyDictPop(dict: PyDict, key: string, fallback: PyValue | undefined): PyValue | undefined {
  if (!dict.has(key)) return fallback;
  const value = dict.get(key);
  dict.delete(key);
  return value;
}

/** The forms under which `findTheCorrectCasing` matches a stored key: lower-cased, and with spaces as underscores. */
function foldedForms(key: string): string[] {
  const lower = pyLower(key);
  const underscored = lower.replaceAll(' ', '_');
  return underscored === lower ? [lower] : [lower, underscored];
}

/**
 * A dict that also knows each key's folded forms, so that
 * `findTheCorrectCasing` is one lookup instead of a scan of every key.
 * dynaconf looks the casing up for every key it sets, so a scan made loading
 * quadratic in the number of keys (20,000 keys took 17 s). Keys under one
 * folded form are kept in insertion order, so the first match is the one a
 * scan of the dict would find.
 */
export class CaseFoldingMap<V> extends Map<string, V> {
  // A private field, not an own property: a CaseFoldingMap still equals a Map with the same entries.
  readonly #byFoldedForm = new Map<string, string[]>();

  constructor(entries?: Iterable<readonly [string, V]>) {
    // Map's constructor would call this.set before the field above exists, so entries are added here.
    super();
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  override set(key: string, value: V): this {
    if (!super.has(key)) {
      for (const form of foldedForms(key)) {
        const keys = this.#byFoldedForm.get(form);
        if (keys) keys.push(key);
        else this.#byFoldedForm.set(form, [key]);
      }
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (!super.has(key)) return false;
    for (const form of foldedForms(key)) {
      const keys = this.#byFoldedForm.get(form) as string[];
      keys.splice(keys.indexOf(key), 1);
      if (keys.length === 0) this.#byFoldedForm.delete(form);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.#byFoldedForm.clear();
    super.clear();
  }

  /** The first key, in insertion order, whose lower-cased (or spaces-as-underscores) form is `lowerKey`. */
  firstKeyFolding(lowerKey: string): string | undefined {
    return this.#byFoldedForm.get(lowerKey)?.[0];
  }
}

/** A new Python dict (a `CaseFoldingMap`), optionally filled from entries. */
export function newPyDict(entries?: Iterable<readonly [string, PyValue]>): PyDict {
  return new CaseFoldingMap<PyValue>(entries);
}

/**
 * dynaconf's `find_the_correct_casing`: the spelling `key` already has in
 * `existing` (exact, then case-insensitive, then with spaces as
 * underscores), or undefined when it has none. A `CaseFoldingMap` answers from
 * its index; other maps and key lists are scanned.
 */
export function findTheCorrectCasing(key: string, existing: Map<string, unknown> | Iterable<string>): string | undefined {
  if (existing instanceof CaseFoldingMap) return existing.has(key) ? key : existing.firstKeyFolding(pyLower(key));
  const keys = existing instanceof Map ? [...existing.keys()] : [...existing];
  if (keys.includes(key)) return key;
  const lowerKey = pyLower(key);
  return keys.find((candidate) => {
    const lowerCandidate = pyLower(candidate);
    return lowerCandidate === lowerKey || lowerCandidate.replaceAll(' ', '_') === lowerKey;
  });
}

/**
 * Lookup as dynaconf's DataDict does it: exact key first, else the key's
 * correct casing. Every dict dynaconf keeps in its store is a DataDict.
 */
export function dataDictGet(dict: PyDict, key: string): PyValue | undefined {
  if (dict.has(key)) return dict.get(key);
  const casing = findTheCorrectCasing(key, dict);
  return casing === undefined ? undefined : dict.get(casing);
}

export function dataDictHas(dict: PyDict, key: string): boolean {
  return dict.has(key) || findTheCorrectCasing(key, dict) !== undefined;
}

export function pyLower(text: string): string {
  return text.toLowerCase();
}

export function pyUpper(text: string): string {
  return text.toUpperCase();
}

/**
 * dynaconf's `upperfy`: upper-cases a key, but with `__` only its first part
 * (`foo__Bar` -> `FOO__Bar`), because what follows are nested keys.
 */
export function upperfy(key: string): string {
  if (key.includes('__')) {
    const [first, ...rest] = key.split('__');
    return [pyUpper(first), ...rest].join('__');
  }
  return pyUpper(key);
}

/** Deep copy of containers, as dynaconf's DataDict/DataList wrapping copies them. */
export function copyContainers(value: PyValue): PyValue {
  if (isPyDict(value)) {
    return newPyDict([...value].map(([key, item]) => [key, copyContainers(item)]));
  }
  if (isPyList(value)) return value.map(copyContainers);
  return value;
}

/** Python `str()` of a value, as `@format` interpolation and `str` casts produce it. */
export function pyStr(value: PyValue | undefined): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python `repr()`, the form values take inside `str(list)` / `str(dict)`. */
export function pyRepr(value: PyValue | undefined): string {
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'string') return pyStringRepr(value);
  if (value instanceof TomlDate) return pyDateStr(value);
  if (isPyList(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isPyDict(value)) {
    return `{${[...value].map(([key, item]) => `${pyStringRepr(key)}: ${pyRepr(item)}`).join(', ')}}`;
  }
  return `<${value.pyTypeName}>`;
}

function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** Python float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const plain = value.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - exponent));
  return plain.includes('.') ? plain : `${plain}.0`;
}

/** Python `str()` of a date/time/datetime (space between date and time). */
function pyDateStr(value: TomlDate): string {
  return pythonIsoFormat(value).replace('T', ' ');
}

/**
 * Python's `isoformat()` of the value a TOML date/time becomes: offsets as
 * `+HH:MM` (never `Z`), fractions as microseconds, none when zero.
 * (JavaScript keeps milliseconds only, so finer fractions are truncated.)
 */
export function pythonIsoFormat(value: TomlDate): string {
  const iso = value.toISOString();
  const match = /^(?:(\d{4}-\d{2}-\d{2}))?(?:[T ]?(\d{2}:\d{2}:\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(iso);
  if (!match) return iso;
  const [, date, time, fraction, offset] = match;
  const micro = fraction && Number(fraction) !== 0 ? `.${fraction.padEnd(6, '0').slice(0, 6)}` : '';
  const timePart = time ? `${time}${micro}` : '';
  const offsetPart = offset ? (offset.toUpperCase() === 'Z' ? '+00:00' : offset) : '';
  if (date && timePart) return `${date}T${timePart}${offsetPart}`;
  return date ?? `${timePart}${offsetPart}`;
}
