import { coerceParameterValue, formatFloatF, parseParameterText, placeholderText, resolveRootParameters } from './parameter-values';

describe('placeholderText (launcher getPlaceholders)', () => {
  it.each([
    ['text', 'text'],
    [200, '200'],
    [0.05, '0.05'],
    [-3.5, '-3.5'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e22, '-25000000000000000000000'],
    [true, 'true'],
    [false, 'false'],
    [{ b: [1, { d: 2, c: 'x&y' }], a: null }, '{"a":null,"b":[1,{"c":"x\\u0026y","d":2}]}'],
    [[], '[]'],
  ])('%j -> %s', (value, text) => expect(placeholderText(value)).toBe(text));

  it('formats like strconv.FormatFloat(v, f, -1, 64)', () => {
    expect(formatFloatF(123456789.125)).toBe('123456789.125');
    expect(formatFloatF(1.2345e25)).toBe('12345000000000000000000000');
  });
});

describe('parseParameterText (TextToPbValue)', () => {
  it('types text by parameterType, trimming all but strings', () => {
    expect(parseParameterText(' a b \n', 'STRING')).toBe(' a b \n');
    expect(parseParameterText(' 42\n', 'NUMBER_INTEGER')).toBe(42);
    expect(parseParameterText('+7', 'NUMBER_INTEGER')).toBe(7);
    expect(parseParameterText('1e3', 'NUMBER_DOUBLE')).toBe(1000);
    expect(parseParameterText('.5', 'NUMBER_DOUBLE')).toBe(0.5);
    expect(parseParameterText('True', 'BOOLEAN')).toBe(true);
    expect(parseParameterText('0', 'BOOLEAN')).toBe(false);
    expect(parseParameterText('[1, "a"]', 'LIST')).toEqual([1, 'a']);
    expect(parseParameterText('{"a": {}}', 'STRUCT')).toEqual({ a: {} });
  });

  it.each([
    ['4.0', 'NUMBER_INTEGER', /not a whole number/],
    ['9223372036854775808', 'NUMBER_INTEGER', /64-bit/],
    ['abc', 'NUMBER_DOUBLE', /not a number/],
    ['yes', 'BOOLEAN', /not a boolean/],
    ['{"a": 1}', 'LIST', /JSON array/],
    ['[1]', 'STRUCT', /JSON object/],
    ['{', 'STRUCT', /not JSON/],
  ] as const)('%s as %s fails', (text, type, message) => expect(() => parseParameterText(text, type)).toThrow(message));
});

describe('root parameters', () => {
  const definitions = {
    rows: { parameterType: 'NUMBER_INTEGER' as const, defaultValue: 200, isOptional: true },
    name: { parameterType: 'STRING' as const, isOptional: false },
    tag: { parameterType: 'STRING' as const, isOptional: true },
  };

  it('takes defaults, applies typed overrides, leaves optional ones without default out', () => {
    expect(resolveRootParameters(definitions, { name: 'x', rows: '5' })).toEqual({ rows: 5, name: 'x' });
  });

  it('reports every problem at once', () => {
    expect(() => resolveRootParameters(definitions, { rows: 1.5, other: 1 })).toThrow(
      'parameter "rows": 1.5 is not a NUMBER_INTEGER\nunknown pipeline parameter "other" (the pipeline has: rows, name, tag)\nparameter "name" has no default and no value was given',
    );
  });

  it('accepts only values of the type', () => {
    expect(coerceParameterValue(1, 'NUMBER_DOUBLE')).toBe(1);
    expect(() => coerceParameterValue('x', 'BOOLEAN')).toThrow();
    expect(() => coerceParameterValue(1, 'STRING')).toThrow();
  });
});
