/**
 * KFP's type system as its compiler applies it to component YAML: these
 * types (and their aliases) are parameters, everything else is an artifact.
 */
export const PARAMETER_TYPES = ['String', 'Integer', 'Float', 'Boolean', 'JsonObject', 'JsonArray'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Aliases kfp accepts in component YAML, by lower-cased name. */
const PARAMETER_TYPE_ALIASES: Record<string, ParameterType> = {
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
  return PARAMETER_TYPE_ALIASES[typeName.toLowerCase()];
}

export function isParameterType(typeName: string): boolean {
  return parameterTypeOf(typeName) !== undefined;
}
