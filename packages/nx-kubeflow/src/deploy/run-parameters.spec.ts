import { parseRunParameters, RunParameterError } from './run-parameters';

const root = {
  rows: { parameterType: 'NUMBER_INTEGER' },
  noise: { parameterType: 'NUMBER_DOUBLE' },
  label: { parameterType: 'STRING' },
  shuffle: { parameterType: 'BOOLEAN' },
  config: { parameterType: 'STRUCT' },
  columns: { parameterType: 'LIST' },
};

describe('parseRunParameters', () => {
  it('types every value by the pipeline parameter it names', () => {
    expect(
      parseRunParameters(['rows=50', 'noise=0.25', 'label=a=b', 'shuffle=TRUE', 'config={"k": 1}', 'columns=["x"]'], root),
    ).toEqual({ rows: 50, noise: 0.25, label: 'a=b', shuffle: true, config: { k: 1 }, columns: ['x'] });
  });

  it('reports every bad assignment at once', () => {
    const error = (() => {
      try {
        parseRunParameters(['rows=many', 'epochs=3', 'noise', 'config=[1]'], root);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RunParameterError);
    expect(error!.message.split('\n')).toEqual([
      '--param rows=many: expected an Integer.',
      '--param epochs: the pipeline has no such parameter (it has: rows, noise, label, shuffle, config, columns).',
      '--param "noise" is not name=value.',
      '--param config=[1]: expected a JSON object.',
    ]);
  });

  it("takes names from the command line as names only: Object's built-ins are no parameters", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => parseRunParameters([`${name}=y`], {})).toThrow(`--param ${name}: the pipeline has no such parameter (it has: none).`);
    }
    // a pipeline that really has a parameter named __proto__ (an own key, as JSON.parse makes it)
    const values = parseRunParameters(['__proto__=x'], JSON.parse('{"__proto__": {"parameterType": "STRING"}}'));
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(Object.keys(values)).toEqual(['__proto__']);
  });

  it('refuses an Integer a double cannot carry exactly', () => {
    expect(parseRunParameters(['rows=9007199254740991'], { rows: { parameterType: 'NUMBER_INTEGER' } })).toEqual({ rows: 9007199254740991 });
    expect(() => parseRunParameters(['rows=9007199254740993'], { rows: { parameterType: 'NUMBER_INTEGER' } })).toThrow(/beyond what an Integer parameter carries exactly/);
  });
});
