/**
 * The comment kfp writes above the IR (extract_comments_from_pipeline_spec):
 * name, description, and the root inputs and outputs with their types and
 * defaults in Python's notation.
 */
import { COMMENT_TYPE, IrParameterType } from './io-types';
import { pyRepr } from './py-json';

type Definitions = {
  parameters?: Record<string, { parameterType: IrParameterType; defaultValue?: unknown }>;
  artifacts?: Record<string, { artifactType: { schemaTitle: string } }>;
};

/** Python's str.splitlines(): the separators it knows, no trailing empty line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A comment ends at the first line break PyYAML knows (\n, \r, U+0085,
 * U+2028, U+2029), and characters it cannot read fail the whole file: where
 * kfp would print those raw, they are escaped, so the header stays a comment.
 */
function commentText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, (ch) =>
    ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function signatureLines(heading: string, definitions: Definitions | undefined): string[] {
  if (!definitions) return [];
  const rows: { name: string; text: string }[] = [];
  for (const [name, body] of Object.entries(definitions.parameters ?? {})) {
    let text = `#    ${name}: ${COMMENT_TYPE[body.parameterType]}`;
    if ('defaultValue' in body) {
      const value = body.defaultValue;
      // kfp quotes string defaults without escaping; everything else is Python's str()
      text += ` [Default: ${typeof value === 'string' ? `'${value}'` : pyRepr(value)}]`;
    }
    rows.push({ name, text: commentText(text) });
  }
  for (const [name, body] of Object.entries(definitions.artifacts ?? {})) {
    rows.push({ name, text: `#    ${name}: ${body.artifactType.schemaTitle}` });
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [heading, ...rows.map((row) => row.text)];
}

export function irHeader(
  name: string,
  description: string | undefined,
  root: { inputDefinitions?: Definitions; outputDefinitions?: Definitions },
): string {
  const lines = ['# PIPELINE DEFINITION', `# Name: ${commentText(name)}`];
  if (description) lines.push('# Description: ' + splitLines(description).map(commentText).join('\n#              '));
  lines.push(...signatureLines('# Inputs:', root.inputDefinitions));
  lines.push(...signatureLines('# Outputs:', root.outputDefinitions));
  return lines.join('\n') + '\n';
}
