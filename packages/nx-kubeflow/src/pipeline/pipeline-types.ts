/**
 * KFP's type rules as the checker applies them: parameters must have the
 * same type; artifacts are compatible when either side has the generic type
 * (system.Artifact: typed Artifact, untyped, or any name kfp does not know),
 * else only when their types are the same (check_artifact_type_compatibility).
 */
import { ioTypeOf, type IoType } from '../kfp/io-types';
import { nonFiniteProblem, type ParameterType } from '../kfp/parameter-types';
import { containsNull } from '../kfp/ir-values';

export { ioTypeOf, type IoType };

const GENERIC_ARTIFACT = 'system.Artifact';

/** A short name for messages: Float, system.Dataset. */
export function describeIoType(type: IoType): string {
  return type.kind === 'parameter' ? type.parameterType : type.schemaTitle;
}

/** Why `given` cannot feed `expected`, or undefined when it can. */
export function incompatibility(given: IoType, expected: IoType): string | undefined {
  if (given.kind !== expected.kind) {
    return given.kind === 'parameter'
      ? `a parameter (${describeIoType(given)}) cannot feed an artifact input (${describeIoType(expected)})`
      : `an artifact (${describeIoType(given)}) cannot feed a parameter input (${describeIoType(expected)})`;
  }
  if (given.kind === 'parameter' && expected.kind === 'parameter') {
    return given.parameterType === expected.parameterType
      ? undefined
      : `type ${given.parameterType} does not match the input's type ${expected.parameterType}`;
  }
  if (given.kind === 'artifact' && expected.kind === 'artifact') {
    // kfp lets a generic artifact through in either direction: what it holds is only known at run time
    if (expected.schemaTitle === GENERIC_ARTIFACT || given.schemaTitle === GENERIC_ARTIFACT || given.schemaTitle === expected.schemaTitle) return undefined;
    return `artifact type ${given.schemaTitle} does not match the input's type ${expected.schemaTitle}`;
  }
  return undefined;
}

/**
 * Why no parameter can take this value, or undefined: kfp writes defaults and
 * constants as protobuf Values, which hold no null (to_protobuf_value refuses
 * None) and, in their JSON form, no NaN or infinity.
 */
export function literalProblem(value: unknown): string | undefined {
  const nonFinite = nonFiniteProblem(value);
  if (nonFinite) return nonFinite;
  if (value !== null && typeof value === 'object' && containsNull(value)) {
    return `${JSON.stringify(value)} holds a null, which kfp cannot write into the IR; give a value or leave the entry out.`;
  }
  return undefined;
}

/**
 * An Integer past 2^53 - 1 is refused, not rounded: the IR holds every number
 * as a protobuf Value, a double, so kfp itself would write 9007199254740993 as
 * ...992, and the YAML reader has already rounded it by the time it is seen here.
 */
export const UNSAFE_INTEGER =
  'an Integer beyond 9007199254740991 (2^53 - 1): the IR holds numbers as doubles, which would round it silently; pass it as a String.';

/** Why a literal (a YAML value) is not a valid value of a parameter type, or undefined. */
export function parameterValueProblem(value: unknown, type: ParameterType): string | undefined {
  const shown = JSON.stringify(value);
  // a number, mapping or list of the right kind that kfp still cannot write
  const rightKind =
    type === 'Integer' || type === 'Float' ? typeof value === 'number' : (type === 'JsonObject' || type === 'JsonArray') && value !== null && typeof value === 'object';
  if (rightKind) {
    const problem = literalProblem(value);
    if (problem) return problem;
  }
  switch (type) {
    case 'String':
      return typeof value === 'string' ? undefined : `${shown} is not a String; quote it ('${String(value)}') if text is meant.`;
    case 'Integer':
      if (!Number.isInteger(value)) return `${shown} is not an Integer.`;
      return Number.isSafeInteger(value) ? undefined : UNSAFE_INTEGER;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${shown} is not a Float.`;
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : `${shown} is not a Boolean (true or false).`;
    case 'JsonObject':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : `${shown} is not a JsonObject (a mapping).`;
    case 'JsonArray':
      return Array.isArray(value) ? undefined : `${shown} is not a JsonArray (a list).`;
  }
}

/**
 * A component.yaml default (always text there) as the typed value a
 * pipeline.yaml parameter default takes; undefined when it does not parse.
 */
export function typedDefault(text: string, type: ParameterType): unknown {
  switch (type) {
    case 'String':
      return text;
    case 'Integer':
      return /^[-+]?\d+$/.test(text.trim()) ? Number(text) : undefined;
    case 'Float': {
      const number = Number(text);
      return text.trim() !== '' && Number.isFinite(number) ? number : undefined;
    }
    case 'Boolean':
      return /^true$/i.test(text.trim()) ? true : /^false$/i.test(text.trim()) ? false : undefined;
    case 'JsonObject':
    case 'JsonArray':
      try {
        const parsed = JSON.parse(text);
        return parameterValueProblem(parsed, type) ? undefined : parsed;
      } catch {
        return undefined;
      }
  }
}
