/**
 * How kfp's compiler types a component.yaml input or output
 * (structures.ComponentSpec.from_v1_component_spec): parameter types by
 * alias, google.* artifact types kept verbatim, the known system.* artifact
 * classes, and system.Artifact for everything else (untyped, unknown names,
 * and structured types such as {GcsPath: ...}).
 */
import { parameterTypeOf, ParameterType } from './parameter-types';

export type IrParameterType = 'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'LIST' | 'STRUCT' | 'TASK_FINAL_STATUS';

export const IR_PARAMETER_TYPE: Record<ParameterType, IrParameterType> = {
  String: 'STRING',
  Integer: 'NUMBER_INTEGER',
  Float: 'NUMBER_DOUBLE',
  Boolean: 'BOOLEAN',
  JsonObject: 'STRUCT',
  JsonArray: 'LIST',
};

/** The Python type names kfp's header comment prints (IR_TYPE_TO_COMMENT_TYPE_STRING). */
export const COMMENT_TYPE: Record<IrParameterType, string> = {
  STRING: 'str',
  NUMBER_INTEGER: 'int',
  NUMBER_DOUBLE: 'float',
  BOOLEAN: 'bool',
  LIST: 'list',
  STRUCT: 'dict',
  TASK_FINAL_STATUS: 'PipelineTaskFinalStatus',
};

/**
 * The type kfp gives an input that KFP fills with the final status of the
 * tasks an exit task (or an ignore_upstream_failure task) waited for
 * (type_utils.is_task_final_status_type): exactly this name, in
 * component.yaml as in Python. kfp's loader makes such an input optional;
 * the IR types it TASK_FINAL_STATUS, and the value is a dict (state, error,
 * pipelineJobResourceName, pipelineTaskName).
 */
export const TASK_FINAL_STATUS_TYPE = 'PipelineTaskFinalStatus';

export function isTaskFinalStatusType(typeName: string | undefined): boolean {
  return typeName !== undefined && canonicalTypeName(typeName) === TASK_FINAL_STATUS_TYPE;
}

/** ARTIFACT_CLASSES_MAPPING, keyed by lower-cased type name. */
const ARTIFACT_SCHEMA_TITLES: Record<string, string> = {
  artifact: 'system.Artifact',
  model: 'system.Model',
  dataset: 'system.Dataset',
  metrics: 'system.Metrics',
  classificationmetrics: 'system.ClassificationMetrics',
  slicedclassificationmetrics: 'system.SlicedClassificationMetrics',
  html: 'system.HTML',
  markdown: 'system.Markdown',
};

/** kfp's _GOOGLE_TYPES_PATTERN, dot unescaped as upstream writes it. */
const GOOGLE_TYPE = /^google.[A-Za-z]+$/;

export type IoType =
  | { kind: 'parameter'; parameterType: ParameterType; irType: IrParameterType }
  | { kind: 'artifact'; schemaTitle: string; schemaVersion: string };

/**
 * get_canonical_name_for_outer_generic: 'typing.List[int]' -> 'List'.
 * kfp strips generic arguments and module prefixes before matching.
 */
export function canonicalTypeName(typeName: string): string {
  const name = typeName.startsWith('typing.') ? typeName.slice('typing.'.length) : typeName;
  const lower = name.toLowerCase();
  return lower.startsWith('list') || lower.startsWith('dict') ? name.split('[')[0] : name;
}

export function ioTypeOf(typeName: string | undefined): IoType {
  const canonical = typeName === undefined ? undefined : canonicalTypeName(typeName);
  if (canonical === TASK_FINAL_STATUS_TYPE) return { kind: 'parameter', parameterType: 'JsonObject', irType: 'TASK_FINAL_STATUS' };
  const parameterType = canonical === undefined ? undefined : parameterTypeOf(canonical);
  if (parameterType) return { kind: 'parameter', parameterType, irType: IR_PARAMETER_TYPE[parameterType] };
  if (canonical !== undefined && GOOGLE_TYPE.test(canonical)) {
    return { kind: 'artifact', schemaTitle: canonical, schemaVersion: '0.0.1' };
  }
  const key = canonical?.toLowerCase();
  // own keys only: a type named "constructor" is an unknown type, so system.Artifact
  const title = key !== undefined && Object.hasOwn(ARTIFACT_SCHEMA_TITLES, key) ? ARTIFACT_SCHEMA_TITLES[key] : undefined;
  return { kind: 'artifact', schemaTitle: title ?? 'system.Artifact', schemaVersion: '0.0.1' };
}
