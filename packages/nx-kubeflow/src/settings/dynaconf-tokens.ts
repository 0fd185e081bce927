/**
 * dynaconf's `parse_conf_data`: the `@token value` strings a settings value
 * (in a file or an environment variable) may hold, and TOML-typing of
 * environment variable text. Ported from dynaconf/utils/parse_conf.py (3.3.x).
 *
 * Casts (`@int`, `@bool`, `@json`...) apply at once. Markers (`@merge`,
 * `@del`, `@insert`) become objects the merge step acts on (dynaconf-merge.ts).
 * Lazy tokens (`@format`, `@get`, `@jinja`, `@read_file`) become LazyValue
 * objects, evaluated when the final settings are read (lazy-formatters.ts).
 */
import { SettingsValueError } from './settings-errors';
import { parseTomlDocument } from './toml-file';
import { extractJsonObjects, pythonJsonLoads, pythonLiteralEval } from './python-literals';
import { isPyDict, isPyList, newPyDict, OpaquePyObject, PyDict, PyValue, pyStr } from './python-values';

/** Base of dynaconf's MetaValue markers: they carry a parsed value and act when set or merged. */
export abstract class DynaconfMarker implements OpaquePyObject {
  abstract readonly pyTypeName: string;
  abstract readonly token: string;
  readonly value: PyValue;

  constructor(text: string) {
    this.value = parseConfData(text, { tomlfy: true });
  }

  unwrap(): PyValue {
    return this.value;
  }
}

/** `@reset value`: deprecated in dynaconf 3.0; just sets the value. */
export class ResetMarker extends DynaconfMarker {
  readonly pyTypeName = 'Reset';
  readonly token = '@reset';
}

/** `@del`: removes the key. */
export class DelMarker extends DynaconfMarker {
  readonly pyTypeName = 'Del';
  readonly token = '@del';
}

/** `@merge value` / `@merge_unique value`: merges into the existing value. */
export class MergeMarker implements OpaquePyObject {
  readonly pyTypeName = 'Merge';
  readonly value: PyValue;

  constructor(
    text: string,
    readonly unique: boolean,
  ) {
    this.value = mergeMarkerValue(parseConfData(text, { tomlfy: true }));
  }

  get token(): string {
    return this.unique ? '@merge_unique' : '@merge';
  }

  unwrap(): PyValue {
    return this.value;
  }
}

/** `@insert [index] value`: inserts into the existing list. */
export class InsertMarker implements OpaquePyObject {
  readonly pyTypeName = 'Insert';
  readonly token = '@insert';
  readonly index: number;
  readonly value: PyValue;

  constructor(text: string) {
    const { index, valueText } = insertIndexAndValue(text);
    this.index = index;
    this.value = parseConfData(valueText, { tomlfy: true });
  }

  unwrap(): PyValue {
    return this.value;
  }
}

export type LazyFormatterName = 'format' | 'jinja' | 'get' | 'read_file';

/** A value computed when settings are read (dynaconf's `Lazy`), with an optional cast applied after. */
export class LazyValue implements OpaquePyObject {
  readonly pyTypeName = 'Lazy';
  casting: ((value: PyValue) => PyValue) | undefined;

  constructor(
    readonly formatter: LazyFormatterName,
    /** The text after the token; `@read_file @get KEY` wraps another lazy value. */
    readonly template: string | LazyValue,
  ) {}

  /** dynaconf's `_dynaconf_encode`: how the token reads when written back. */
  get token(): string {
    const template = this.template instanceof LazyValue ? this.template.token : this.template;
    return `@${this.formatter} ${template}`;
  }
}

export function isDynaconfMarker(value: unknown): value is DynaconfMarker | MergeMarker | InsertMarker {
  return value instanceof DynaconfMarker || value instanceof MergeMarker || value instanceof InsertMarker;
}

// ------------------------------------------------------------------ converters

type Converter = (value: PyValue) => PyValue;

const TRUE_VALUES = ['t', 'true', 'enabled', '1', 'on', 'yes'];

/** Casts that wrap a lazy value instead of applying at once (dynaconf's `lazy_casting`). */
function casting(cast: (value: PyValue) => PyValue): Converter {
  return (value) => {
    if (value instanceof LazyValue) {
      value.casting = cast;
      return value;
    }
    return cast(value);
  };
}

function stringCasting(transform: (text: string) => PyValue): Converter {
  return casting((value) => transform(pyStr(value)));
}

/** Markers and lazy tokens take the raw text after the token. */
function requireText(value: PyValue): string {
  if (value instanceof LazyValue) throw new SettingsValueError(`${value.token} cannot be combined with this token`);
  return pyStr(value);
}

const CONVERTERS: Record<string, Converter> = {
  '@str': casting((value) => pyStr(value)),
  '@int': casting(pythonInt),
  '@float': casting(pythonFloat),
  '@bool': casting((value) => TRUE_VALUES.includes(pythonStrip(pyStr(value)).toLowerCase())),
  '@json': casting(safeJsonParse),
  '@format': (value) => new LazyValue('format', requireText(value)),
  '@jinja': (value) => new LazyValue('jinja', requireText(value)),
  '@reset': (value) => new ResetMarker(requireText(value)),
  '@del': (value) => new DelMarker(requireText(value)),
  '@merge': (value) => new MergeMarker(requireText(value), false),
  '@merge_unique': (value) => new MergeMarker(requireText(value), true),
  '@insert': (value) => new InsertMarker(requireText(value)),
  '@get': (value) => new LazyValue('get', requireText(value)),
  '@read_file': (value) => new LazyValue('read_file', value instanceof LazyValue ? value : requireText(value)),
  '@upper': stringCasting((text) => text.toUpperCase()),
  '@lower': stringCasting((text) => text.toLowerCase()),
  '@title': stringCasting(pythonTitle),
  '@capitalize': stringCasting((text) => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()),
  '@strip': stringCasting(pythonStrip),
  '@lstrip': stringCasting((text) => text.replace(/^\s+/, '')),
  '@rstrip': stringCasting((text) => text.replace(/\s+$/, '')),
  '@split': stringCasting((text) => text.split(/\s+/).filter((part) => part.length > 0)),
  '@casefold': stringCasting((text) => text.toLowerCase()),
  '@swapcase': stringCasting(pythonSwapcase),
  '@note': () => null,
  '@comment': () => null,
  '@null': () => null,
  '@none': () => null,
  '@empty': () => {
    throw new SettingsValueError(
      '@empty leaves an internal dynaconf placeholder in the settings; the plugin does not support it. Use @none or remove the key.',
    );
  },
};

const CONVERTER_NAMES = Object.keys(CONVERTERS);

/** `@int @get KEY`: a cast followed by a lazy token, applied inner first. */
const COMBINED_TOKENS = new RegExp(`^(${CONVERTER_NAMES.join('|')}) @(jinja|format|read_file|get)`);

export function isConverterToken(token: string): boolean {
  return Object.prototype.hasOwnProperty.call(CONVERTERS, token);
}

/** Applies a cast such as `@int` to an already computed value (`@get KEY @int`). */
export function applyConverter(token: string, value: PyValue): PyValue {
  if (!isConverterToken(token)) throw new SettingsValueError(`unknown cast ${token}`);
  return CONVERTERS[token](value);
}

export interface ParseConfOptions {
  /** Parse plain strings as TOML values (environment variables are, file values are not). */
  tomlfy: boolean;
}

/**
 * dynaconf's `parse_conf_data`: applies tokens recursively through lists and
 * dicts. Dicts are changed in place, as in Python (callers rely on that only
 * for values they own).
 */
export function parseConfData(data: PyValue, options: ParseConfOptions): PyValue {
  if (isPyList(data)) return data.map((item) => parseConfData(item, options));
  if (isPyDict(data)) {
    // Nested dict values are never TOML-typed (dynaconf's `tomlfy_filter` is empty here).
    for (const [key, value] of data) data.set(key, parseConfData(value, { tomlfy: false }));
    return data;
  }
  return parseScalar(data, options);
}

function parseScalar(data: PyValue, options: ParseConfOptions): PyValue {
  if (typeof data === 'string' && data.length > 0 && isConverterToken(partitionAtSpace(data)[0])) {
    return applyTokens(data);
  }
  return options.tomlfy && typeof data === 'string' ? parseWithToml(data) : data;
}

function applyTokens(data: string): PyValue {
  const combined = COMBINED_TOKENS.exec(data);
  let tokens: string[];
  let value: PyValue;
  if (combined) {
    tokens = combined[0].split(' ');
    value = pythonStrip(data.replaceAll(combined[0], ''));
  } else {
    const [token, rest] = partitionAtSpace(data);
    tokens = [token];
    value = rest;
  }
  for (const token of tokens.reverse()) {
    value = CONVERTERS[token](value);
  }
  return value;
}

/** Python `str.partition(" ")`: text before the first space, text after it. */
function partitionAtSpace(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}

/** dynaconf's `parse_with_toml`: the text as a TOML value, or the text itself when it is not one. */
export function parseWithToml(text: string): PyValue {
  const result = parseTomlDocument(`key=${text}`);
  if (!result.ok || !result.document.has('key')) return text;
  return result.document.get('key') as PyValue;
}

// ------------------------------------------------------------- Python casts

function pythonStrip(text: string): string {
  return text.replace(/^\s+|\s+$/g, '');
}

function pythonInt(value: PyValue): PyValue {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  const text = typeof value === 'string' ? pythonStrip(value) : undefined;
  if (text !== undefined && /^[+-]?\d+(_\d+)*$/.test(text)) return BigInt(text.replaceAll('_', ''));
  throw new SettingsValueError(`Cannot convert '${pyStr(value)}' to integer`);
}

function pythonFloat(value: PyValue): PyValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = typeof value === 'string' ? pythonStrip(value) : '';
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/.test(text)) {
    return Number(text.replaceAll('_', ''));
  }
  throw new SettingsValueError(`Cannot convert '${pyStr(value)}' to float`);
}

function pythonTitle(text: string): string {
  return text.replace(/\p{L}+/gu, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());
}

function pythonSwapcase(text: string): string {
  return [...text].map((char) => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join('');
}

/** Python-style booleans inside JSON-ish text, as dynaconf rewrites them before decoding. */
function normalizePythonConstants(text: string): string {
  return text
    .replaceAll(': True', ': true')
    .replaceAll(':True', ': true')
    .replaceAll(': False', ': false')
    .replaceAll(':False', ': false')
    .replaceAll(': None', ': null')
    .replaceAll(':None', ': null');
}

/** dynaconf's `_safe_json_parse`: JSON, else the first JSON object in the text, else a Python literal. */
function safeJsonParse(value: PyValue): PyValue {
  const text = pyStr(value);
  const json = pythonJsonLoads(text);
  if (json !== undefined) return json;
  const objects = extractJsonObjects(normalizePythonConstants(text));
  if (objects.length > 0) return objects[0];
  const literal = pythonLiteralEval(text);
  if (literal !== undefined) return literal;
  throw new SettingsValueError(`Cannot parse as JSON: ${text}`);
}

// ------------------------------------------------------ @merge and @insert text

const KEY_VALUE_QUOTED = /([a-zA-Z0-9_.]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([a-zA-Z0-9_.\-:/@]*))/g;
const KEY_VALUE_LEGACY = /([a-zA-Z0-9_.  ]*=[a-zA-Z0-9_.\-:/@]*)/g;

/**
 * What `@merge text` merges: scalars become one-item lists, and a string that
 * is not TOML is read as a JSON object, `k=v` pairs, a comma list, or one item.
 */
function mergeMarkerValue(parsed: PyValue): PyValue {
  if (typeof parsed === 'boolean' || typeof parsed === 'bigint' || typeof parsed === 'number') return [parsed];
  if (typeof parsed !== 'string') return parsed;
  const objects = extractJsonObjects(normalizePythonConstants(parsed));
  if (objects.length === 1) return objects[0];
  const quotedPairs = [...parsed.matchAll(KEY_VALUE_QUOTED)];
  if (quotedPairs.length > 0) {
    const dict: PyDict = newPyDict();
    for (const match of quotedPairs) {
      const text = match[2] || match[3] || match[4] || '';
      dict.set(pythonStrip(match[1]), parseConfData(text, { tomlfy: true }));
    }
    return dict;
  }
  const legacyPairs = [...parsed.matchAll(KEY_VALUE_LEGACY)];
  if (legacyPairs.length > 0) {
    const dict: PyDict = newPyDict();
    for (const match of legacyPairs) {
      const parts = pythonStrip(match[0]).split('=');
      if (parts.length !== 2) throw new SettingsValueError(`Cannot read '${match[0]}' as key=value`);
      dict.set(pythonStrip(parts[0]), parseConfData(parts[1], { tomlfy: true }));
    }
    return dict;
  }
  if (parsed.includes(',')) return parsed.split(',').map((item) => parseConfData(item, { tomlfy: true }));
  return [parsed];
}

/** dynaconf's `_parse_quoted_string`: a leading quoted or bare word, and the rest. */
function splitFirstWord(text: string): [string, string] {
  const value = pythonStrip(text);
  if (value.length === 0) return ['', ''];
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    if (end === -1) throw new SettingsValueError(`Unclosed quote in: ${value}`);
    return [value.slice(1, end), pythonStrip(value.slice(end + 1))];
  }
  const match = /^(\S+)\s*([\s\S]*)$/.exec(value)!;
  return [match[1], match[2]];
}

/** `@insert 0 foo`, `@insert -1 "a b"`, `@insert foo` (index 0). */
function insertIndexAndValue(text: string): { index: number; valueText: string } {
  const [first, rest] = splitFirstWord(text);
  if (first.length === 0) return { index: 0, valueText: first };
  const unsigned = first.replace(/^[-+]+/, '');
  // Python hits an IndexError or a ValueError on these and falls back to the whole text.
  if (unsigned.length === 0) return { index: 0, valueText: text };
  if (!/\d/.test(unsigned[0])) return { index: 0, valueText: rest ? text : first };
  if (!/^[+-]?\d+(_\d+)*$/.test(first)) return { index: 0, valueText: text };
  if (!rest) return { index: 0, valueText: first };
  const index = Number(first.replaceAll('_', ''));
  if (rest[0] === '"' || rest[0] === "'") return { index, valueText: splitFirstWord(rest)[0] };
  return { index, valueText: rest };
}
