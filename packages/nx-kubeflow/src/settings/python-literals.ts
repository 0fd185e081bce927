/**
 * The two text formats dynaconf's `@json` (and `@merge {...}`) accept:
 * Python's `json` module (which, unlike JSON.parse, takes NaN and Infinity and
 * can decode a value at the start of a longer text), and, as a last resort,
 * Python literals via `ast.literal_eval` (`{'a': True}`).
 */
import { newPyDict, PyDict, PyValue, pyStr } from './python-values';

class LiteralSyntaxError extends Error {}

/** A cursor over text, shared by both grammars. */
class TextCursor {
  index: number;

  constructor(
    readonly text: string,
    start = 0,
  ) {
    this.index = start;
  }

  /** The character under the cursor (a method, so that checks on it are not narrowed across moves). */
  peek(): string | undefined {
    return this.text[this.index];
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.index);
  }

  skip(pattern: RegExp): void {
    while (this.index < this.text.length && pattern.test(this.text[this.index])) this.index += 1;
  }

  expect(token: string): void {
    if (!this.startsWith(token)) throw new LiteralSyntaxError(`expected ${token} at ${this.index}`);
    this.index += token.length;
  }

  matchHere(pattern: RegExp): string | undefined {
    const sticky = new RegExp(pattern.source, 'y');
    sticky.lastIndex = this.index;
    const match = sticky.exec(this.text);
    if (!match) return undefined;
    this.index += match[0].length;
    return match[0];
  }
}

// ---------------------------------------------------------------- Python json

const JSON_WHITESPACE = /[ \t\n\r]/;
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/;

function decodeJsonValue(cursor: TextCursor): PyValue {
  const char = cursor.peek();
  if (char === '{') return decodeJsonObject(cursor);
  if (char === '[') return decodeJsonArray(cursor);
  if (char === '"') return decodeJsonString(cursor);
  for (const [token, value] of JSON_CONSTANTS) {
    if (cursor.startsWith(token)) {
      cursor.index += token.length;
      return value;
    }
  }
  const number = cursor.matchHere(JSON_NUMBER);
  if (number === undefined) throw new LiteralSyntaxError(`unexpected character at ${cursor.index}`);
  return /[.eE]/.test(number) ? Number(number) : BigInt(number);
}

const JSON_CONSTANTS: ReadonlyArray<[string, PyValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

function decodeJsonObject(cursor: TextCursor): PyDict {
  const dict: PyDict = newPyDict();
  cursor.expect('{');
  cursor.skip(JSON_WHITESPACE);
  if (cursor.peek() === '}') {
    cursor.index += 1;
    return dict;
  }
  for (;;) {
    cursor.skip(JSON_WHITESPACE);
    if (cursor.peek() !== '"') throw new LiteralSyntaxError('object keys must be strings');
    const key = decodeJsonString(cursor);
    cursor.skip(JSON_WHITESPACE);
    cursor.expect(':');
    cursor.skip(JSON_WHITESPACE);
    dict.set(key, decodeJsonValue(cursor));
    cursor.skip(JSON_WHITESPACE);
    if (cursor.peek() === '}') {
      cursor.index += 1;
      return dict;
    }
    cursor.expect(',');
  }
}

function decodeJsonArray(cursor: TextCursor): PyValue[] {
  const list: PyValue[] = [];
  cursor.expect('[');
  cursor.skip(JSON_WHITESPACE);
  if (cursor.peek() === ']') {
    cursor.index += 1;
    return list;
  }
  for (;;) {
    cursor.skip(JSON_WHITESPACE);
    list.push(decodeJsonValue(cursor));
    cursor.skip(JSON_WHITESPACE);
    if (cursor.peek() === ']') {
      cursor.index += 1;
      return list;
    }
    cursor.expect(',');
  }
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function decodeJsonString(cursor: TextCursor): string {
  cursor.expect('"');
  let result = '';
  for (;;) {
    const char = cursor.peek();
    if (char === undefined) throw new LiteralSyntaxError('unterminated string');
    cursor.index += 1;
    if (char === '"') return result;
    if (char < ' ') throw new LiteralSyntaxError('control character in string');
    if (char !== '\\') {
      result += char;
      continue;
    }
    const escape = cursor.peek();
    cursor.index += 1;
    if (escape === 'u') {
      const hex = cursor.matchHere(/[0-9a-fA-F]{4}/);
      if (hex === undefined) throw new LiteralSyntaxError('bad \\u escape');
      result += String.fromCharCode(parseInt(hex, 16));
    } else if (escape !== undefined && escape in JSON_ESCAPES) {
      result += JSON_ESCAPES[escape];
    } else {
      throw new LiteralSyntaxError('bad escape');
    }
  }
}

/** Python `json.loads`; undefined when the text is not one JSON document. */
export function pythonJsonLoads(text: string): PyValue | undefined {
  try {
    const cursor = new TextCursor(text);
    cursor.skip(JSON_WHITESPACE);
    const value = decodeJsonValue(cursor);
    cursor.skip(JSON_WHITESPACE);
    return cursor.index === text.length ? value : undefined;
  } catch (error) {
    if (error instanceof LiteralSyntaxError) return undefined;
    throw error;
  }
}

/**
 * dynaconf's `extract_json_objects`: every JSON object found in free text,
 * decoding from each `{` that starts a valid object.
 */
export function extractJsonObjects(text: string): PyValue[] {
  const objects: PyValue[] = [];
  let position = 0;
  for (;;) {
    const start = text.indexOf('{', position);
    if (start === -1) return objects;
    try {
      const cursor = new TextCursor(text, start);
      objects.push(decodeJsonObject(cursor));
      position = cursor.index;
    } catch (error) {
      if (!(error instanceof LiteralSyntaxError)) throw error;
      position = start + 1;
    }
  }
}

// ------------------------------------------------------ Python ast.literal_eval

const PYTHON_WHITESPACE = /[ \t\n\r\f\\]/;

/**
 * Python `ast.literal_eval` for the literals a settings value can hold: str,
 * int, float, bool, None, list, tuple (becomes a list) and dict. Anything else
 * (sets, bytes, complex numbers) is refused: it has no JSON form either.
 */
export function pythonLiteralEval(text: string): PyValue | undefined {
  try {
    const cursor = new TextCursor(text.replace(/^[ \t]+/, ''));
    const value = parsePythonExpression(cursor);
    cursor.skip(PYTHON_WHITESPACE);
    return cursor.index === cursor.text.length ? value : undefined;
  } catch (error) {
    if (error instanceof LiteralSyntaxError) return undefined;
    throw error;
  }
}

function parsePythonExpression(cursor: TextCursor): PyValue {
  cursor.skip(PYTHON_WHITESPACE);
  const char = cursor.peek();
  if (char === '[') return parsePythonSequence(cursor, '[', ']');
  if (char === '(') return parsePythonSequence(cursor, '(', ')');
  if (char === '{') return parsePythonDict(cursor);
  if (char === '"' || char === "'") return parsePythonStrings(cursor);
  if (char === '-' || char === '+') {
    cursor.index += 1;
    const operand = parsePythonExpression(cursor);
    if (typeof operand === 'bigint') return char === '-' ? -operand : operand;
    if (typeof operand === 'number') return char === '-' ? -operand : operand;
    throw new LiteralSyntaxError('unary sign on a non-number');
  }
  const name = cursor.matchHere(/(True|False|None)\b/);
  if (name !== undefined) return name === 'None' ? null : name === 'True';
  return parsePythonNumber(cursor);
}

function parsePythonSequence(cursor: TextCursor, open: string, close: string): PyValue {
  cursor.expect(open);
  const items: PyValue[] = [];
  let sawComma = false;
  for (;;) {
    cursor.skip(PYTHON_WHITESPACE);
    if (cursor.peek() === close) {
      cursor.index += 1;
      // `(1)` is just 1 in Python; a one-item tuple needs its comma.
      if (open === '(' && items.length === 1 && !sawComma) return items[0];
      return items;
    }
    items.push(parsePythonExpression(cursor));
    cursor.skip(PYTHON_WHITESPACE);
    if (cursor.peek() === ',') {
      cursor.index += 1;
      sawComma = true;
    } else if (cursor.peek() !== close) {
      throw new LiteralSyntaxError('expected , or closing bracket');
    }
  }
}

function parsePythonDict(cursor: TextCursor): PyDict {
  cursor.expect('{');
  const dict: PyDict = newPyDict();
  for (;;) {
    cursor.skip(PYTHON_WHITESPACE);
    if (cursor.peek() === '}') {
      cursor.index += 1;
      return dict;
    }
    const key = parsePythonExpression(cursor);
    cursor.skip(PYTHON_WHITESPACE);
    // `{1, 2}` is a set, which has no JSON form.
    cursor.expect(':');
    const value = parsePythonExpression(cursor);
    dict.set(typeof key === 'string' ? key : pyStr(key), value);
    cursor.skip(PYTHON_WHITESPACE);
    if (cursor.peek() === ',') cursor.index += 1;
    else if (cursor.peek() !== '}') throw new LiteralSyntaxError('expected , or }');
  }
}

/** Adjacent string literals concatenate, as in Python source. */
function parsePythonStrings(cursor: TextCursor): string {
  let result = parsePythonString(cursor);
  for (;;) {
    const save = cursor.index;
    cursor.skip(PYTHON_WHITESPACE);
    if (cursor.peek() !== '"' && cursor.peek() !== "'") {
      cursor.index = save;
      return result;
    }
    result += parsePythonString(cursor);
  }
}

const PYTHON_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function parsePythonString(cursor: TextCursor): string {
  const quote = cursor.startsWith("'''") || cursor.startsWith('"""') ? cursor.text.slice(cursor.index, cursor.index + 3) : cursor.peek()!;
  cursor.index += quote.length;
  let result = '';
  for (;;) {
    if (cursor.startsWith(quote)) {
      cursor.index += quote.length;
      return result;
    }
    const char = cursor.peek();
    if (char === undefined || (quote.length === 1 && char === '\n')) throw new LiteralSyntaxError('unterminated string');
    cursor.index += 1;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const escape = cursor.peek() ?? '';
    cursor.index += 1;
    if (escape in PYTHON_ESCAPES) {
      result += PYTHON_ESCAPES[escape];
      continue;
    }
    const hexLength = { x: 2, u: 4, U: 8 }[escape];
    if (hexLength !== undefined) {
      const hex = cursor.matchHere(new RegExp(`[0-9a-fA-F]{${hexLength}}`));
      if (hex === undefined) throw new LiteralSyntaxError('bad hex escape');
      result += String.fromCodePoint(parseInt(hex, 16));
      continue;
    }
    const octal = /[0-7]/.test(escape) ? escape + (cursor.matchHere(/[0-7]{1,2}/) ?? '') : undefined;
    result += octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : `\\${escape}`;
  }
}

function parsePythonNumber(cursor: TextCursor): PyValue {
  const radixInt = cursor.matchHere(/0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+/);
  if (radixInt !== undefined) return BigInt(radixInt.replaceAll('_', '').toLowerCase());
  const float = cursor.matchHere(/(\d(_?\d)*)?\.(\d(_?\d)*)?([eE][-+]?\d(_?\d)*)?|\d(_?\d)*[eE][-+]?\d(_?\d)*/);
  if (float !== undefined && float !== '.') return Number(float.replaceAll('_', ''));
  const int = cursor.matchHere(/[1-9](_?\d)*|0(_?0)*/);
  if (int === undefined) throw new LiteralSyntaxError(`not a literal at ${cursor.index}`);
  if (/[jJ]/.test(cursor.peek() ?? '')) throw new LiteralSyntaxError('complex numbers are not supported');
  return BigInt(int.replaceAll('_', ''));
}
