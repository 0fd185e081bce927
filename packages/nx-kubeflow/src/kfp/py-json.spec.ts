import { pyFloatRepr, pyJsonDumps, pyRepr } from './py-json';

describe("Python's text forms", () => {
  it('json.dumps: spaced separators, ASCII only', () => {
    expect(pyJsonDumps({ Concat: ['a', { IfPresent: { InputName: 'x', Then: ['é', '✓', '😀'] } }] })).toBe(
      '{"Concat": ["a", {"IfPresent": {"InputName": "x", "Then": ["\\u00e9", "\\u2713", "\\ud83d\\ude00"]}}]}',
    );
    expect(pyJsonDumps('q"\\\n\t\u007f')).toBe('"q\\"\\\\\\n\\t\\u007f"');
  });

  it('float repr', () => {
    expect([3, 0.25, 1e-7, 1e16, 123456789012345680000, 2.5e-5, 0.0001, -2].map(pyFloatRepr)).toEqual([
      '3.0',
      '0.25',
      '1e-07',
      '1e+16',
      '1.2345678901234568e+20',
      '2.5e-05',
      '0.0001',
      '-2.0',
    ]);
  });

  it('repr of a default value', () => {
    expect(pyRepr({ a: [1, 'it\'s', true, null] })).toBe(`{'a': [1.0, "it's", True, None]}`);
  });
});
