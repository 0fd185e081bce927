import { newPyDict } from './python-values';
import { extractJsonObjects, pythonJsonLoads, pythonLiteralEval } from './python-literals';

describe('pythonJsonLoads', () => {
  it('reads JSON as Python does, NaN and Infinity included, ints as bigint', () => {
    expect(pythonJsonLoads(' {"a": [1, 2.0, -3e2], "b": NaN, "c": "\\u00e9"} ')).toEqual(
      newPyDict([['a', [1n, 2, -300]], ['b', NaN], ['c', 'é']]),
    );
    expect(pythonJsonLoads('[1, 2,]')).toBeUndefined();
    expect(pythonJsonLoads('{"a": 1} x')).toBeUndefined();
  });
});

describe('extractJsonObjects', () => {
  it('finds each JSON object in free text', () => {
    expect(extractJsonObjects('x {"a": 1} y {bad} {"b": {"c": 2}}')).toEqual([
      newPyDict([['a', 1n]]),
      newPyDict([['b', newPyDict([['c', 2n]])]]),
    ]);
  });
});

describe('pythonLiteralEval', () => {
  it.each([
    ["{'a': 'b', \"c\": [1, (2,), (3)], 'd': None, 'e': -1.5, 'f': 0x1F}", newPyDict([['a', 'b'], ['c', [1n, [2n], 3n]], ['d', null], ['e', -1.5], ['f', 31n]])],
    ["'a' 'b'", 'ab'],
    ['[True, False,]', [true, false]],
    ["'it\\'s'", "it's"],
  ])('evaluates %s', (text, expected) => {
    expect(pythonLiteralEval(text)).toEqual(expected);
  });

  it.each(['{1, 2}', 'x', '1j', "f'x'"])('refuses %s', (text) => {
    expect(pythonLiteralEval(text)).toBeUndefined();
  });
});
