import { newPyDict } from './python-values';
import { parseTomlDocument } from './toml-file';

describe('parseTomlDocument', () => {
  it('keeps integers as Python ints (bigint) and floats as numbers, tables as ordered Maps', () => {
    const result = parseTomlDocument('b = 1\na = 1.0\n[t]\nz = 2\ny = [1, 2]\n');
    expect(result.ok && result.document).toEqual(
      newPyDict([
        ['b', 1n],
        ['a', 1],
        ['t', newPyDict([['z', 2n], ['y', [1n, 2n]]])],
      ]),
    );
  });

  it.each([
    ['newline in an inline table', 'a = { x = 1,\n y = 2 }', 1, 'newline inside an inline table'],
    ['comment in an inline table', 'a = { x = 1, # c\n y = 2 }', 1, 'newline inside an inline table'],
    ['trailing comma in an inline table', 'a = { x = 1, }', 1, 'trailing comma'],
    ['\\e escape', 'a = "\\e"', 1, 'escape "\\e"'],
    ['\\x escape', 'ok = 1\na = """\\x41"""', 2, 'escape "\\x"'],
    ['time without seconds', 'a = 07:32', 1, 'time without seconds'],
    ['datetime without seconds', 'a = 1979-05-27T07:32Z', 1, 'time without seconds'],
  ])('refuses TOML 1.1-only syntax (%s) as dynaconf does', (_name, text, line, message) => {
    const result = parseTomlDocument(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.line).toBe(line);
      expect(result.problem.message).toContain(message);
    }
  });

  it.each([
    ['arrays over several lines, also inside inline tables', 'a = { x = [1,\n 2] }\nb = [\n 1,\n]'],
    ['offsets and full times', 'a = 1979-05-27T00:32:00-07:00\nb = 07:32:00\nc = 1979-05-27 07:32:00.5+01:00'],
    ['look-alikes inside strings and comments', "a = '{ x,\\n }'\nb = \"07:32\" # 07:32 { ,}\nc = '\\e'"],
    ['multi-line strings ending in quotes', 'a = """x""""\nb = \'\'\'y\'\'\'\'\''],
  ])('accepts TOML 1.0 (%s)', (_name, text) => {
    expect(parseTomlDocument(text).ok).toBe(true);
  });

  it('reports smol-toml syntax errors with line and column', () => {
    const result = parseTomlDocument('[default]\nname = \n');
    expect(result).toMatchObject({ ok: false, problem: { line: 2, column: expect.any(Number) } });
  });
});
