import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARAMETER_TYPE_ALIASES, PARAMETER_TYPES } from '../kfp/parameter-types';
import { MAX_TIMEOUT_SECONDS, TIMEOUT_UNITS } from '../kfp/task-timeout';
import { PARAMETER_KEYS, PIPELINE_KEYS, TASK_KEYS } from './read-pipeline';

/** The shipped JSON Schema (for editors) and the reader (for compile) must describe the same file. */
describe('pipeline.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, 'pipeline.schema.json'), 'utf8'));

  it('is a draft-07 schema that closes every object the reader closes', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties)).toEqual([...PIPELINE_KEYS]);
    expect(schema.additionalProperties).toBe(false);
    // a task runs a component or (pipelineTask) a pipeline: the reader takes the keys of both
    expect([...new Set([...Object.keys(schema.definitions.task.properties), ...Object.keys(schema.definitions.pipelineTask.properties)])].sort()).toEqual(
      [...TASK_KEYS].sort(),
    );
    expect(schema.definitions.pipelineTask.additionalProperties).toBe(false);
    expect(schema.definitions.task.additionalProperties).toBe(false);
    expect(Object.keys(schema.definitions.parameter.properties)).toEqual([...PARAMETER_KEYS]);
  });

  it('uses the reader\'s name rules', () => {
    const taskName = new RegExp(schema.properties.tasks.propertyNames.pattern);
    expect(['train', 'train-2', 'a'].every((name) => taskName.test(name))).toBe(true);
    expect(['Train', 'train_model', '-x', 'x-'].some((name) => taskName.test(name))).toBe(false);
    const parameterName = new RegExp(schema.properties.parameters.propertyNames.pattern);
    expect(parameterName.test('learning_rate')).toBe(true);
    expect(parameterName.test('1st')).toBe(false);
    // kfp refuses a pipeline parameter that does not start with a letter
    expect(parameterName.test('_x')).toBe(false);
  });

  it("takes the parameter type names the reader takes: kfp's aliases, in any case", () => {
    const anyCase = (word: string) => word.replace(/[a-z]/g, (letter) => `[${letter.toUpperCase()}${letter}]`);
    const pattern = (names: string[]) => `^(${names.map(anyCase).join('|')})$`;
    const aliases = Object.keys(PARAMETER_TYPE_ALIASES);
    expect(schema.definitions.parameterType.anyOf[1].pattern).toBe(pattern(aliases));
    // one if/then per type gives the default its JSON type
    const typed = schema.definitions.parameter.allOf.slice(0, PARAMETER_TYPES.length);
    expect(typed.map((rule: { if: { properties: { type: { pattern: string } } } }) => rule.if.properties.type.pattern)).toEqual(
      PARAMETER_TYPES.map((type) => pattern(aliases.filter((alias) => PARAMETER_TYPE_ALIASES[alias] === type))),
    );
  });

  it("bounds a timeout as the reader does: 1 to Kubernetes' 2147483647 seconds, in seconds or in each unit", () => {
    const [none, seconds, ...durations] = schema.definitions.task.properties.timeout.anyOf;
    expect(none).toEqual({ type: 'null' });
    expect(seconds).toEqual({ type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_SECONDS });
    expect(durations.map((duration: { pattern: string }) => duration.pattern)).toEqual(
      Object.entries(TIMEOUT_UNITS).map(([unit, perUnit]) => `^(?:${wholeNumbersUpTo(Math.floor(MAX_TIMEOUT_SECONDS / perUnit))})${unit}$`),
    );
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(schema).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      // a JSON pointer: #/definitions/task or #/definitions/task/properties/retry
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      expect([ref, pointer.reduce<any>((node, key) => node?.[key], schema)]).toEqual([ref, expect.anything()]);
    }
  });
});

/** A regular expression (no anchors) for the whole numbers 1 to max, without leading zeros. */
function wholeNumbersUpTo(max: number): string {
  const digits = String(max);
  const range = (low: number, high: number) => (low === high ? String(low) : `[${low}-${high}]`);
  const repeat = (count: number) => (count === 0 ? '' : count === 1 ? '[0-9]' : `[0-9]{${count}}`);
  // every shorter number, then, digit by digit, those that go below max at that digit, then max
  const alternatives = digits.length > 1 ? [`[1-9]${digits.length > 2 ? `[0-9]{0,${digits.length - 2}}` : ''}`] : [];
  for (let index = 0; index < digits.length; index++) {
    const low = index === 0 ? 1 : 0;
    const high = Number(digits[index]) - 1;
    if (high >= low) alternatives.push(digits.slice(0, index) + range(low, high) + repeat(digits.length - index - 1));
  }
  alternatives.push(digits);
  return alternatives.join('|');
}
