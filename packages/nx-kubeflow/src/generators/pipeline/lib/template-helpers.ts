import type { NormalizedPipelineOptions } from './normalize-options';
import type { WiredArgument, WiredParameter, WiredTask } from './wire-tasks';

/** A YAML flow value: JSON is valid YAML, and keeps strings quoted so '3' stays text. */
function yamlValue(value: unknown): string {
  return JSON.stringify(value);
}

/** A TOML value for the commented-out override examples. */
function tomlInline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlInline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value as Record<string, unknown>).map(([key, item]) => `${JSON.stringify(key)} = ${tomlInline(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

function argumentYaml(argument: WiredArgument): string {
  return 'parameter' in argument.from
    ? `{parameter: ${argument.from.parameter}}`
    : `{task: ${argument.from.task}, output: ${argument.from.output}}`;
}

/** Functions the EJS templates call, so they read like the files they make. */
export function templateHelpers(_options: NormalizedPipelineOptions) {
  return {
    yamlValue,
    /** A YAML single-quoted scalar. */
    yamlQuoted: (text: string) => `'${text.replace(/'/g, "''")}'`,
    argumentYaml,
    tomlValue: (parameter: WiredParameter) => (parameter.default === undefined ? placeholderFor(parameter) : tomlInline(parameter.default)),
    argumentSummary: (task: WiredTask) =>
      task.arguments
        .map((argument) =>
          'parameter' in argument.from
            ? `\`${argument.input}\` <- parameter \`${argument.from.parameter}\``
            : `\`${argument.input}\` <- \`${argument.from.task}.${argument.from.output}\``,
        )
        .join(', ') || 'none',
  };
}

function placeholderFor(parameter: WiredParameter): string {
  const examples: Record<WiredParameter['type'], string> = {
    String: '""',
    Integer: '0',
    Float: '0.0',
    Boolean: 'false',
    JsonObject: '{}',
    JsonArray: '[]',
  };
  return examples[parameter.type];
}
