import { CelError, conditionInputs, evaluateCondition, parseCondition } from './cel-condition';

const channel = (input: string) => `inputs.parameter_values['pipelinechannel--${input}']`;
const evaluate = (text: string, values: Record<string, unknown>) =>
  evaluateCondition(parseCondition(text), Object.fromEntries(Object.entries(values).map(([k, v]) => [`pipelinechannel--${k}`, v])));

describe('parseCondition and evaluateCondition (the CEL kfp writes for dsl.If/Elif/Else)', () => {
  it('reads every form of the conditions fixture (kfp 2.17.3) and the channels each reads', () => {
    const elif = `!(${channel('evaluate-accuracy')} >= ${channel('min_accuracy')}) && !(int(${channel('evaluate-rounds')}) < int(${channel('max_rounds')})) && ${channel('evaluate-accuracy')} >= 0.5`;
    expect(parseCondition(elif)).toEqual({
      kind: 'and',
      expressions: [
        { kind: 'not', expression: { kind: 'compare', operator: '>=', left: { kind: 'channel', input: 'pipelinechannel--evaluate-accuracy' }, right: { kind: 'channel', input: 'pipelinechannel--min_accuracy' } } },
        {
          kind: 'not',
          expression: {
            kind: 'compare',
            operator: '<',
            left: { kind: 'cast', to: 'int', operand: { kind: 'channel', input: 'pipelinechannel--evaluate-rounds' } },
            right: { kind: 'cast', to: 'int', operand: { kind: 'channel', input: 'pipelinechannel--max_rounds' } },
          },
        },
        { kind: 'compare', operator: '>=', left: { kind: 'channel', input: 'pipelinechannel--evaluate-accuracy' }, right: { kind: 'constant', value: { type: 'double', value: 0.5 } } },
      ],
    });
    expect(conditionInputs(parseCondition(elif))).toEqual(['pipelinechannel--evaluate-accuracy', 'pipelinechannel--min_accuracy', 'pipelinechannel--evaluate-rounds', 'pipelinechannel--max_rounds']);
    expect(parseCondition(`double(int(${channel('r')})) <= ${channel('a')}`)).toMatchObject({ left: { kind: 'cast', to: 'double', operand: { kind: 'cast', to: 'int' } } });
    expect(parseCondition(`${channel('mode')} == 'fast'`)).toMatchObject({ right: { kind: 'constant', value: { type: 'string', value: 'fast' } } });
    expect(parseCondition(`${channel('p')} != false`)).toMatchObject({ right: { kind: 'constant', value: { type: 'bool', value: false } } });
    expect(parseCondition(`int(${channel('r')}) > -2`)).toMatchObject({ right: { kind: 'constant', value: { type: 'int', value: -2 } } });
    expect(parseCondition(`${channel('a')} < 1e-05`)).toMatchObject({ right: { kind: 'constant', value: { type: 'double', value: 0.00001 } } });
  });

  it('compares as CEL on the KFP backend: numbers by value after int() truncates, strings, booleans', () => {
    expect(evaluate(`${channel('a')} >= ${channel('min')}`, { a: 0.95, min: 0.9 })).toBe(true);
    expect(evaluate(`${channel('a')} >= ${channel('min')}`, { a: 0.85, min: 0.9 })).toBe(false);
    expect(evaluate(`int(${channel('r')}) < int(${channel('max')})`, { r: 4.9, max: 5 })).toBe(true);
    expect(evaluate(`int(${channel('r')}) > 2`, { r: 2.7 })).toBe(false); // int(2.7) is 2
    expect(evaluate(`double(int(${channel('r')})) <= ${channel('a')}`, { r: 1, a: 1.0 })).toBe(true);
    expect(evaluate(`${channel('mode')} == 'fast'`, { mode: 'fast' })).toBe(true);
    expect(evaluate(`${channel('mode')} == 'fast'`, { mode: 'slow' })).toBe(false);
    expect(evaluate(`${channel('mode')} < 'b'`, { mode: 'a' })).toBe(true);
    expect(evaluate(`${channel('passed')} != ${channel('strict')}`, { passed: true, strict: false })).toBe(true);
    expect(evaluate(`${channel('passed')} == true`, { passed: true })).toBe(true);
    expect(evaluate(`!(${channel('a')} >= 0.5) && ${channel('mode')} == 'x'`, { a: 0.4, mode: 'x' })).toBe(true);
    expect(evaluate(`!(${channel('a')} >= 0.5) && ${channel('mode')} == 'x'`, { a: 0.6, mode: 'x' })).toBe(false);
    // == of two kinds is false, as in CEL; && is false when one side is, even if another fails
    expect(evaluate(`${channel('mode')} == 1`, { mode: '1' })).toBe(false);
    expect(evaluate(`${channel('a')} > 1 && int(${channel('mode')}) > 1`, { a: 0, mode: 'abc' })).toBe(false);
  });

  it('fails where CEL fails: ordering two kinds, a cast it cannot make, a missing or non-scalar value', () => {
    expect(() => evaluate(`${channel('mode')} < 1`, { mode: 'a' })).toThrow(new CelError("'a' < 1 (int): CEL has no < between string and int (no such overload)"));
    expect(() => evaluate(`int(${channel('mode')}) > 1`, { mode: 'abc' })).toThrow("int() cannot convert 'abc'");
    expect(() => evaluate(`${channel('a')} > 1`, {})).toThrow("inputs.parameter_values['pipelinechannel--a'] is missing, not a string, number or boolean");
    expect(() => evaluate(`${channel('a')} > 1`, { a: [1] })).toThrow('is [1], not a string, number or boolean');
  });

  it('refuses any other form, naming where, rather than guessing', () => {
    const refused = (text: string) => {
      try {
        parseCondition(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CelError);
        return (error as Error).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(refused(`${channel('a')} > 1 || ${channel('a')} < 0`)).toMatch(/^unexpected text at character 51 \("\|\| inputs\.parameter_values\['pi…"\); the local runner evaluates only the CEL kfp writes for dsl\.If\/Elif\/Else/);
    expect(refused(`size(${channel('a')}) > 1`)).toMatch(/^an operand it does not know at character 1 \("size\(/);
    expect(refused(`${channel('a')} in [1, 2]`)).toMatch(/^expected a comparison operator \(== != < <= > >=\) at character 47/);
    expect(refused(`${channel('a')}`)).toMatch(/^expected a comparison operator .* at character 46 \(the end\)/);
    expect(refused(`!${channel('a')} == true`)).toMatch(/^expected "\(" after "!"/);
    expect(refused(`${channel('a')} == 'it\\'s'`)).toMatch(/^a string with an escape sequence/);
    expect(refused(`inputs.parameters['a'] == 1`)).toMatch(/^an operand it does not know at character 1/);
    expect(refused(`${channel('a')} == "x"`)).toMatch(/^an operand it does not know at character 50/);
  });
});
