/**
 * An executor's command and args with every placeholder resolved, as KFP's
 * launcher does for container executors: {{$.inputs.parameters['x']}},
 * {{$.inputs.artifacts['x'].path|uri}}, {{$.outputs.parameters['x'].output_file}},
 * {{$.outputs.artifacts['x'].path|uri}}, the executor input `{{$}}` (as its
 * JSON text) and KFP's runtime placeholders ({{$.pipeline_job_name}} and the
 * like, which kfp.local resolves anywhere in an argument) by plain text
 * replacement anywhere in an item, and items that are JSON {"Concat": [...]} / {"IfPresent": {...}}
 * (kfp's structured placeholders) expanded first: Concat joins its parts into
 * one argument, IfPresent becomes the Then or Else items (zero, one or many
 * arguments) depending on whether the named input has a value.
 * A placeholder naming an input without a value stays as it is, as in the
 * launcher; the caller is told which, to warn.
 */
import { placeholderText } from './parameter-values';

export interface ArtifactLocation {
  /** Local file system path the component reads or writes. */
  path: string;
  /** The artifact's URI; locally the same absolute path (see README). */
  uri: string;
  /** The metadata the task's executor output gave it (a Metrics artifact's metrics); absent when it gave none. */
  metadata?: Record<string, unknown>;
}

export interface ExecutorIo {
  /** Input parameter values after defaults; an absent name is an input without a value. */
  parameters: Record<string, unknown>;
  artifacts: Record<string, ArtifactLocation>;
  /** Output parameter name -> the file the component writes the value to. */
  outputParameterFiles: Record<string, string>;
  outputArtifacts: Record<string, ArtifactLocation>;
  /** The executor input's JSON text, what `{{$}}` stands for (executor-input.ts); absent: `{{$}}` stays. */
  executorInput?: string;
  /** Runtime placeholders, e.g. `{{$.pipeline_job_name}}`, and their values for this task. */
  runtime?: Record<string, string>;
}

export interface ResolvedCommandLine {
  argv: string[];
  /** Placeholders left in the result (e.g. an optional input without a value). */
  unresolved: string[];
}

type Structured = string | { Concat: Structured[] } | { IfPresent: { InputName: string; Then?: Structured | Structured[]; Else?: Structured | Structured[] } };

export function resolveCommandLine(items: readonly string[], io: ExecutorIo): ResolvedCommandLine {
  const replacements = placeholderTable(io);
  const unresolved = new Set<string>();
  // One pass: a value that holds placeholder text (the executor input's JSON) is not read again.
  const substitute = (text: string) =>
    text.replace(/\{\{\$(?:\.[^{}]*)?\}\}/g, (placeholder) => {
      const value = replacements.get(placeholder);
      if (value === undefined) unresolved.add(placeholder);
      return value ?? placeholder;
    });
  const isPresent = (input: string) => input in io.parameters || input in io.artifacts;

  const expand = (item: Structured): string[] => {
    if (typeof item === 'string') return [substitute(item)];
    if ('Concat' in item) return [item.Concat.flatMap(expand).join('')];
    const { InputName, Then, Else } = item.IfPresent;
    const branch = isPresent(InputName) ? Then : Else;
    if (branch === undefined || branch === null) return [];
    return Array.isArray(branch) ? branch.flatMap(expand) : expand(branch);
  };

  const argv = items.flatMap((item) => expand(structuredOrText(item)));
  return { argv, unresolved: [...unresolved] };
}

/** An item that is a JSON Concat/IfPresent structure, parsed; any other item is text. */
function structuredOrText(item: string): Structured {
  if (!item.startsWith('{"Concat"') && !item.startsWith('{"IfPresent"')) return item;
  try {
    return JSON.parse(item) as Structured;
  } catch {
    return item;
  }
}

function placeholderTable(io: ExecutorIo): Map<string, string> {
  const table = new Map<string, string>(Object.entries(io.runtime ?? {}));
  if (io.executorInput !== undefined) table.set('{{$}}', io.executorInput);
  for (const [name, value] of Object.entries(io.parameters)) table.set(`{{$.inputs.parameters['${name}']}}`, placeholderText(value));
  for (const [name, artifact] of Object.entries(io.artifacts)) {
    table.set(`{{$.inputs.artifacts['${name}'].path}}`, artifact.path);
    table.set(`{{$.inputs.artifacts['${name}'].uri}}`, artifact.uri);
  }
  for (const [name, file] of Object.entries(io.outputParameterFiles)) table.set(`{{$.outputs.parameters['${name}'].output_file}}`, file);
  for (const [name, artifact] of Object.entries(io.outputArtifacts)) {
    table.set(`{{$.outputs.artifacts['${name}'].path}}`, artifact.path);
    table.set(`{{$.outputs.artifacts['${name}'].uri}}`, artifact.uri);
  }
  return table;
}
