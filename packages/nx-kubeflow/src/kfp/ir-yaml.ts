/**
 * Writes IR documents in the layout kfp's yaml.dump(sort_keys=True) gives:
 * keys sorted, block style, sequences not indented under their key, single
 * quotes where quoting is needed, floats as PyYAML writes them ("3.0",
 * "1.0e-08"). Readers compare parsed documents; the layout only needs to be
 * stable. What must hold is the meaning: the file is read by PyYAML, a YAML
 * 1.1 reader (kfp.Client, load_component_from_file, a pipeline used as a
 * component), and by Go's yaml.v3 (the KFP API server), so
 * - every string either would read as something else (`yes`, `1:30`,
 *   `2024-02-29`, `1_000`, `=`, `<<`: PyYAML's resolvers, pyyaml-schema.ts, as
 *   `compat`; `0o17`, `true`, `1e3`: YAML 1.2's, the writer's own schema) is
 *   quoted;
 * - a float always has a dot and a signed exponent, as PyYAML's float needs;
 * - characters PyYAML folds as line breaks (U+0085, U+2028, U+2029) or
 *   refuses to read (C1 controls, U+FFFE/U+FFFF) are escaped inside double
 *   quotes, never written raw; so is a tab, which ends a plain scalar there.
 */
import { Document, Scalar, visit, type ScalarTag } from 'yaml';
import { Double } from './ir-values';
import { pyFloatRepr } from './py-json';
import { PYYAML_SCALAR_TAGS } from './pyyaml-schema';

/** PyYAML's represent_float: repr(), with ".0" before an exponent that has no dot (1e-08 is a string to its reader). */
export function pyYamlFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const text = pyFloatRepr(value).toLowerCase();
  return !text.includes('.') && text.includes('e') ? text.replace('e', '.0e') : text;
}

/** Writes the Double markers of ir-values.ts; never used to read (its test matches nothing). */
const DOUBLE_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: /(?!)/,
  identify: (value) => value instanceof Double,
  resolve: (text) => Number(text),
  stringify: (node) => pyYamlFloat((node.value as Double).value),
};

/** Characters PyYAML's reader treats as line breaks, or refuses outright (its NON_PRINTABLE, less \n \r), and tabs. */
const ESCAPE_IN_DOUBLE_QUOTES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufffe\uffff]/u;
const RAW_TO_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

function documentText(tree: unknown): string {
  const doc = new Document(tree, { sortMapEntries: true, customTags: [DOUBLE_TAG], compat: PYYAML_SCALAR_TAGS });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && ESCAPE_IN_DOUBLE_QUOTES.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = doc.toString({ indentSeq: false, singleQuote: true, lineWidth: 80, minContentWidth: 20 });
  // The yaml package escapes C0 controls in double quotes but leaves these raw; only
  // double-quoted scalars can hold them (forced above), where \uXXXX means the same to every reader.
  return text.replace(RAW_TO_ESCAPE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** All documents of an IR file, after the header comment kfp writes first. */
export function irYaml(header: string, documents: unknown[]): string {
  const body = documents.map(documentText);
  return header + body.join('---\n');
}
