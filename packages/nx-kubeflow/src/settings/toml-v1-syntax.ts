/**
 * smol-toml parses TOML 1.1; dynaconf parses TOML 1.0 (its vendored tomli).
 * A file using a 1.1-only construct would load in the plugin and fail in the
 * component at run time, so the plugin refuses it as dynaconf does.
 *
 * This scanner runs only on documents smol-toml already accepted, so it can
 * track strings, comments and brackets without validating anything else.
 * It finds the TOML 1.1 additions:
 * - newlines (and so comments) inside inline tables, and a trailing comma in one;
 * - the `\e` and `\xHH` escapes in basic strings;
 * - times without seconds (`07:32`, `1979-05-27T07:32Z`).
 */

export interface TomlV1Violation {
  /** 0-based offset into the document. */
  offset: number;
  message: string;
}

type ScanState = 'value' | 'comment' | 'basic' | 'literal' | 'multilineBasic' | 'multilineLiteral';

const TIME_WITHOUT_SECONDS = /^\d{2}:\d{2}(?!:\d{2})/;

export function findTomlV11OnlySyntax(document: string): TomlV1Violation | undefined {
  const brackets: string[] = [];
  let state: ScanState = 'value';
  let lastSignificant = '';
  let index = 0;
  while (index < document.length) {
    const char = document[index];
    switch (state) {
      case 'comment':
        if (char === '\n') state = 'value';
        if (char === '\n' && brackets.at(-1) === '{') {
          return { offset: index, message: 'newline inside an inline table (allowed from TOML 1.1 only)' };
        }
        index += 1;
        continue;
      case 'literal':
        if (char === "'") state = 'value';
        index += 1;
        continue;
      case 'multilineLiteral':
        if (document.startsWith("'''", index)) {
          index = skipClosingQuotes(document, index, "'");
          state = 'value';
        } else {
          index += 1;
        }
        continue;
      case 'basic':
      case 'multilineBasic': {
        if (char === '\\') {
          const escaped = document[index + 1];
          if (escaped === 'e' || escaped === 'x') {
            return { offset: index, message: `escape "\\${escaped}" in a string (allowed from TOML 1.1 only)` };
          }
          index += 2;
          continue;
        }
        if (state === 'basic' && char === '"') {
          state = 'value';
          index += 1;
          continue;
        }
        if (state === 'multilineBasic' && document.startsWith('"""', index)) {
          index = skipClosingQuotes(document, index, '"');
          state = 'value';
          continue;
        }
        index += 1;
        continue;
      }
      case 'value':
        break;
    }

    if (document.startsWith('"""', index)) {
      state = 'multilineBasic';
      lastSignificant = '"';
      index += 3;
      continue;
    }
    if (document.startsWith("'''", index)) {
      state = 'multilineLiteral';
      lastSignificant = "'";
      index += 3;
      continue;
    }
    if (char === '"' || char === "'") {
      state = char === '"' ? 'basic' : 'literal';
      lastSignificant = char;
      index += 1;
      continue;
    }
    if (char === '#') {
      state = 'comment';
      index += 1;
      continue;
    }
    if (char === '\n' && brackets.at(-1) === '{') {
      return { offset: index, message: 'newline inside an inline table (allowed from TOML 1.1 only)' };
    }
    if (char === '{' || char === '[') brackets.push(char);
    if (char === '}' || char === ']') {
      if (char === '}' && lastSignificant === ',') {
        return { offset: index, message: 'trailing comma in an inline table (allowed from TOML 1.1 only)' };
      }
      brackets.pop();
    }
    // `+07:00` / `-07:00` are UTC offsets, which never had seconds.
    if (/\d/.test(char) && !/[\d:+-]/.test(document[index - 1] ?? '')) {
      if (TIME_WITHOUT_SECONDS.test(document.slice(index, index + 8))) {
        return { offset: index, message: 'time without seconds (allowed from TOML 1.1 only)' };
      }
    }
    if (!/\s/.test(char)) lastSignificant = char;
    index += 1;
  }
  return undefined;
}

/** A multi-line string may end with up to two extra quotes before its closing delimiter. */
function skipClosingQuotes(document: string, index: number, quote: string): number {
  let end = index + 3;
  while (document[end] === quote && end < index + 5) end += 1;
  return end;
}

/** 1-based line and column of an offset. */
export function lineAndColumnOf(document: string, offset: number): { line: number; column: number } {
  const before = document.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
