/**
 * component.yaml placeholders -> the strings kfp writes into an executor's
 * command and args (kfp/dsl/placeholders.py). concat and if become JSON text
 * ({"Concat": [...]}, {"IfPresent": {...}}) made by Python's json.dumps, with
 * nested concat/if kept as structures inside it. {executorInput: null} is the
 * executor input, `{{$}}` (kfp's PIPELINE_TASK_EXECUTOR_INPUT_PLACEHOLDER), a
 * plain string inside concat as at the top.
 */
import type { CommandLineItem, ComponentSpec } from './pipeline-model';
import { ioTypeOf } from './io-types';
import { sanitizeInputName } from './kfp-names';
import { pyJsonDumps } from './py-json';

type Dict = Record<string, unknown>;

/** What kfp compiles {executorInput: null} to, and what every executor replaces with the executor input JSON. */
export const EXECUTOR_INPUT = '{{$}}';
type StringOrStruct = string | Dict;

export function commandLineToStrings(items: CommandLineItem[] | undefined, spec: ComponentSpec): string[] {
  return (items ?? []).map((item) => {
    const converted = toStringOrStruct(item, spec);
    return typeof converted === 'string' ? converted : pyJsonDumps(converted);
  });
}

function toStringOrStruct(item: CommandLineItem, spec: ComponentSpec): StringOrStruct {
  if (typeof item === 'string') return item;
  // Not in CommandLineItem's union (pipeline-model.ts), so checked on the plain object.
  if ('executorInput' in (item as object)) return EXECUTOR_INPUT;
  if ('inputValue' in item) return `{{$.inputs.parameters['${sanitizeInputName(item.inputValue)}']}}`;
  if ('inputPath' in item) return `{{$.inputs.artifacts['${sanitizeInputName(item.inputPath)}'].path}}`;
  if ('inputUri' in item) return `{{$.inputs.artifacts['${sanitizeInputName(item.inputUri)}'].uri}}`;
  if ('outputPath' in item) return outputPath(item.outputPath, spec);
  if ('outputUri' in item) return `{{$.outputs.artifacts['${sanitizeInputName(item.outputUri)}'].uri}}`;
  if ('concat' in item) return { Concat: item.concat.map((part) => toStringOrStruct(part, spec)) };
  return ifPresent(item.if, spec);
}

/** outputPath means a file for the value of a parameter output, a local path for an artifact. */
function outputPath(name: string, spec: ComponentSpec): string {
  const output = spec.outputs.find((o) => o.name === name);
  const isParameter = output !== undefined && ioTypeOf(output.type).kind === 'parameter';
  return isParameter
    ? `{{$.outputs.parameters['${sanitizeInputName(name)}'].output_file}}`
    : `{{$.outputs.artifacts['${sanitizeInputName(name)}'].path}}`;
}

type IfSpec = Extract<CommandLineItem, { if: unknown }>['if'];

function ifPresent(spec: IfSpec, component: ComponentSpec): Dict {
  const cond = spec.cond as { isPresent: string };
  const branch = (value: CommandLineItem[] | CommandLineItem) =>
    Array.isArray(value) ? value.map((v) => toStringOrStruct(v, component)) : toStringOrStruct(value, component);
  const body: Dict = { InputName: sanitizeInputName(cond.isPresent), Then: branch(spec.then) };
  // kfp writes Else only when it is truthy in Python: an empty list or text leaves it out.
  const otherwise = spec.else;
  if (otherwise !== undefined && otherwise !== null && !(Array.isArray(otherwise) && otherwise.length === 0) && otherwise !== '') {
    body.Else = branch(otherwise);
  }
  return { IfPresent: body };
}
