import type { ParameterType } from '../../../kfp/parameter-types';
import type { ComponentIo, IoParameterType } from './component-io';
import type { NormalizedComponentOptions } from './normalize-options';

const PYTHON_TYPES: Record<IoParameterType, string> = {
  String: 'str',
  Integer: 'int',
  Float: 'float',
  Boolean: 'bool',
  JsonObject: 'dict',
  JsonArray: 'list',
  // component-runtime's parse of it; None where KFP gave none (the task is no exit task)
  PipelineTaskFinalStatus: 'dict[str, Any] | None',
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
const SAMPLE_ARGUMENTS: Record<IoParameterType, string> = {
  String: 'example',
  Integer: '3',
  Float: '0.5',
  Boolean: 'true',
  JsonObject: '{"key": "value"}',
  JsonArray: '[1, 2, 3]',
  // what KFP's driver passes an exit task: the proto's JSON form (protojson names), error empty on success
  PipelineTaskFinalStatus: '{"state": "SUCCEEDED", "pipelineJobResourceName": "example-run", "pipelineTaskName": "exit-handler-1", "error": {}}',
};

/** The line length of the ruff.toml init and this repository write: generated code must pass `lint` as generated. */
const RUFF_LINE_LENGTH = 120;

/**
 * A Python literal in ruff format's style: strings in double quotes unless that
 * needs more escapes than single quotes (JSON's escapes are valid Python
 * escapes), lists with ", " between items.
 */
export function pythonLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value !== 'string') return JSON.stringify(value);
  const doubleQuoted = JSON.stringify(value);
  const doubles = (value.match(/"/g) ?? []).length;
  const singles = (value.match(/'/g) ?? []).length;
  if (doubles <= singles) return doubleQuoted;
  return `'${doubleQuoted.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

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
    /** A Python literal as ruff format writes it (strings, lists of them, numbers, booleans as JSON). */
    py: pythonLiteral,
    /**
     * A Python list ending the line that starts with `lineStart`: on that line when it fits
     * ruff's 120 columns (the workspace's ruff.toml), else one item per line, as ruff formats it.
     */
    pyListEnding: (items: unknown[], lineStart: string) => {
      const oneLine = pythonLiteral(items);
      if (lineStart.length + oneLine.length <= RUFF_LINE_LENGTH) return oneLine;
      const indent = /^ */.exec(lineStart)![0];
      return `[\n${items.map((item) => `${indent}    ${pythonLiteral(item)},\n`).join('')}${indent}]`;
    },
    /**
     * A call whose opening `lineStart` (e.g. `    parser = f(`) ends the line as ruff format writes it:
     * on one line when it fits; else the arguments on one indented line when they fit; else one per
     * line, with a trailing comma (a long --description makes run.py's ArgumentParser call so).
     */
    pyCallEnding: (lineStart: string, args: string[]) => {
      const joined = args.join(', ');
      if (lineStart.length + joined.length + 1 <= RUFF_LINE_LENGTH) return `${joined})`;
      const indent = `${/^ */.exec(lineStart)![0]}    `;
      if (indent.length + joined.length <= RUFF_LINE_LENGTH) return `\n${indent}${joined}\n${indent.slice(4)})`;
      return `\n${args.map((arg) => `${indent}${arg},\n`).join('')}${indent.slice(4)})`;
    },
    /** A YAML single-quoted scalar. */
    yamlQuoted: (text: string) => `'${text.replace(/'/g, "''")}'`,
    pythonType: (io: ComponentIo) => (io.parameterType ? PYTHON_TYPES[io.parameterType] : 'Path'),
    starterValue: (io: ComponentIo) => STARTER_VALUES[io.parameterType as ParameterType],
    starterValueCheck: (io: ComponentIo, expr: string) => STARTER_VALUE_CHECKS[io.parameterType as ParameterType](expr),
    sampleArgument: (io: ComponentIo) => io.default ?? SAMPLE_ARGUMENTS[io.parameterType!],
    ioSummary: (items: ComponentIo[]) => items.map((io) => `${io.name} (${io.type})`).join(', ') || 'none',
  };
}
