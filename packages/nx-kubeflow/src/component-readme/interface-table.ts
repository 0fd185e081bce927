import type { ComponentInputSpec, ComponentOutputSpec, ComponentSpec } from '../kfp/pipeline-model';
import { ioTypeOf } from '../kfp/io-types';

/**
 * A component's interface as Markdown, from its component.yaml: one row per
 * input and output with its name, type (and whether KFP passes it as a
 * parameter or an artifact, which decides how a pipeline wires it), default
 * and description. The same spec always gives the same text.
 */
export function interfaceTable(spec: ComponentSpec): string {
  const rows = [
    ...spec.inputs.map((input) => row('input', input, defaultCell(input))),
    ...spec.outputs.map((output) => row('output', output, '')),
  ];
  if (rows.length === 0) return '*No inputs or outputs.*\n';
  return ['| | name | type | default | description |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

function row(direction: 'input' | 'output', io: ComponentInputSpec | ComponentOutputSpec, defaultText: string): string {
  return `| ${direction} | ${code(io.name)} | ${typeCell(io.type)} | ${defaultText} | ${cellText(io.description ?? '')} |`;
}

function typeCell(type: string | undefined): string {
  const kind = ioTypeOf(type).kind;
  return `${type === undefined ? 'untyped' : cellText(type)} (${kind})`;
}

function defaultCell(input: ComponentInputSpec): string {
  if (input.default === '') return 'empty';
  if (input.default !== undefined) return code(input.default);
  return input.optional ? 'optional' : 'required';
}

/** Inline code that holds any text: a run of backticks longer than any inside it. */
function code(text: string): string {
  const cell = cellText(text);
  const longest = Math.max(0, ...(cell.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = cell.startsWith('`') || cell.endsWith('`') ? ` ${cell} ` : cell;
  return `${fence}${padded}${fence}`;
}

/** Table cell text: one line, pipes escaped. */
function cellText(text: string): string {
  return text.trim().replace(/\r?\n\s*/g, ' ').replace(/\|/g, '\\|');
}
