import type { ParameterType } from '../../../kfp/parameter-types';
import type { ComponentIo } from './component-io';
import type { NormalizedComponentOptions } from './normalize-options';

const PYTHON_TYPES: Record<ParameterType, string> = {
  String: 'str',
  Integer: 'int',
  Float: 'float',
  Boolean: 'bool',
  JsonObject: 'dict',
  JsonArray: 'list',
};

/** What the generated starter logic returns for each output parameter. */
const STARTER_VALUES: Record<ParameterType, string> = {
  String: '""',
  Integer: '0',
  Float: '0.0',
  Boolean: 'False',
  JsonObject: '{}',
  JsonArray: '[]',
};

/** How the generated test checks the file KFP would read back for that value. */
const STARTER_VALUE_CHECKS: Record<ParameterType, (expr: string) => string> = {
  String: (expr) => `${expr} == ""`,
  Integer: (expr) => `int(${expr}) == 0`,
  Float: (expr) => `float(${expr}) == 0.0`,
  Boolean: (expr) => `${expr} == "false"`,
  JsonObject: (expr) => `json.loads(${expr}) == {}`,
  JsonArray: (expr) => `json.loads(${expr}) == []`,
};

/** Command-line values the generated test passes, one per parameter type. */
const SAMPLE_ARGUMENTS: Record<ParameterType, string> = {
  String: 'example',
  Integer: '3',
  Float: '0.5',
  Boolean: 'true',
  JsonObject: '{"key": "value"}',
  JsonArray: '[1, 2, 3]',
};

/** Functions and derived values the EJS templates call, so they read like the files they make. */
export function templateHelpers(options: NormalizedComponentOptions) {
  const parameterInputs = options.inputs.filter((io) => io.parameterType);
  const artifactInputs = options.inputs.filter((io) => !io.parameterType);
  const parameterOutputs = options.outputs.filter((io) => io.parameterType);
  const artifactOutputs = options.outputs.filter((io) => !io.parameterType);
  return {
    parameterInputs,
    artifactInputs,
    parameterOutputs,
    artifactOutputs,
    /** The PEP 508 requirement: bare for the workspace's copy (its path is in [tool.uv.sources]), pinned otherwise. */
    runtimeRequirement: options.runtime.kind === 'pinned' ? `component-runtime==${options.runtime.version}` : 'component-runtime',
    needsJson: [...parameterOutputs].some((io) => io.parameterType!.startsWith('Json')),
    /** A Python string literal. JSON's escapes are valid Python escapes. */
    py: (text: string) => JSON.stringify(text),
    /** A YAML single-quoted scalar. */
    yamlQuoted: (text: string) => `'${text.replace(/'/g, "''")}'`,
    pythonType: (io: ComponentIo) => (io.parameterType ? PYTHON_TYPES[io.parameterType] : 'Path'),
    starterValue: (io: ComponentIo) => STARTER_VALUES[io.parameterType!],
    starterValueCheck: (io: ComponentIo, expr: string) => STARTER_VALUE_CHECKS[io.parameterType!](expr),
    sampleArgument: (io: ComponentIo) => io.default ?? SAMPLE_ARGUMENTS[io.parameterType!],
    ioSummary: (items: ComponentIo[]) => items.map((io) => `${io.name} (${io.type})`).join(', ') || 'none',
  };
}
