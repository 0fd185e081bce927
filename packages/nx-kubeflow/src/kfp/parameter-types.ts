/**
 * KFP's type system as its compiler applies it to component YAML: these
 * types (and their aliases) are parameters, everything else is an artifact.
 */
export const PARAMETER_TYPES = ['String', 'Integer', 'Float', 'Boolean', 'JsonObject', 'JsonArray'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Aliases kfp accepts in component YAML, by lower-cased name (pipeline.yaml takes them too, in any case). */
export const PARAMETER_TYPE_ALIASES: Readonly<Record<string, ParameterType>> = {
  string: 'String',
  str: 'String',
  text: 'String',
  integer: 'Integer',
  int: 'Integer',
  float: 'Float',
  double: 'Float',
  boolean: 'Boolean',
  bool: 'Boolean',
  jsonobject: 'JsonObject',
  dict: 'JsonObject',
  jsonarray: 'JsonArray',
  list: 'JsonArray',
};

/** Artifact types that keep their own system.* schema title; any other is system.Artifact. */
export const SYSTEM_ARTIFACT_TYPES = [
  'Artifact',
  'Dataset',
  'Model',
  'Metrics',
  'HTML',
  'Markdown',
  'ClassificationMetrics',
  'SlicedClassificationMetrics',
] as const;

export function parameterTypeOf(typeName: string): ParameterType | undefined {
  const key = typeName.toLowerCase();
  // own keys only: a type named "constructor" is no parameter type
  return Object.hasOwn(PARAMETER_TYPE_ALIASES, key) ? PARAMETER_TYPE_ALIASES[key] : undefined;
}

export function isParameterType(typeName: string): boolean {
  return parameterTypeOf(typeName) !== undefined;
}

/**
 * The first number in a value (at any depth) that is NaN or infinite. kfp
 * writes defaults and constants as protobuf Values, whose JSON form has no
 * NaN or infinity: its compile fails with SerializeToJsonError (and with
 * OverflowError for an int too large for a double). The plugin refuses them.
 */
export function nonFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : value;
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = nonFiniteNumber(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** "NaN, a number kfp cannot write ...; use a finite number." */
export function nonFiniteReason(number: number): string {
  const name = Number.isNaN(number) ? 'NaN' : number > 0 ? 'Infinity' : '-Infinity';
  return `${name}, a number kfp cannot write into the IR (it holds numbers as JSON, which has no NaN or infinity); use a finite number.`;
}

/** JSON text that shows NaN and infinities as such (JSON.stringify writes null for them). */
export function showValue(value: unknown): string {
  const marks = new Map<string, number>();
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'number' || Number.isFinite(item)) return item;
    const mark = `\u0000${marks.size}\u0000`;
    marks.set(mark, item);
    return mark;
  });
  return (text ?? String(value)).replace(/"\\u0000(\d+)\\u0000"/g, (_all, index: string) => String(marks.get(`\u0000${index}\u0000`)));
}

/** Why kfp cannot write this default or constant, or undefined. */
export function nonFiniteProblem(value: unknown): string | undefined {
  const found = nonFiniteNumber(value);
  if (found === undefined) return undefined;
  return typeof value === 'number' ? `the value is ${nonFiniteReason(found)}` : `${showValue(value)} holds ${nonFiniteReason(found)}`;
}
