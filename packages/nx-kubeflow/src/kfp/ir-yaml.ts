/**
 * Writes IR documents in the layout kfp's yaml.dump(sort_keys=True) gives:
 * keys sorted, block style, sequences not indented under their key, single
 * quotes where quoting is needed, floats that read as floats ("3.0").
 * Readers compare parsed documents; the layout only needs to be stable.
 */
import { randomUUID } from 'node:crypto';
import { Document, Scalar, visit } from 'yaml';
import { Double } from './ir-values';

/**
 * Stands in for a Double while the tree goes through the yaml library, which
 * only sees plain data; the nonce keeps any real string from passing for one.
 */
const FLOAT_MARK = `\u0000float-${randomUUID()}:`;

function markFloats(value: unknown): unknown {
  if (value instanceof Double) return FLOAT_MARK + String(value.value);
  if (Array.isArray(value)) return value.map(markFloats);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markFloats(v)]));
  }
  return value;
}

function documentText(tree: unknown): string {
  const doc = new Document(markFloats(tree), { sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.startsWith(FLOAT_MARK)) {
        const scalar = new Scalar(Number(node.value.slice(FLOAT_MARK.length)));
        // "3.0" as PyYAML writes it; exponent forms stay as the yaml library writes them
        if (/^\d+(\.\d+)?$/.test(String(scalar.value))) scalar.minFractionDigits = 1;
        return scalar;
      }
      return undefined;
    },
  });
  return doc.toString({ indentSeq: false, singleQuote: true, lineWidth: 80, minContentWidth: 20 });
}

/** All documents of an IR file, after the header comment kfp writes first. */
export function irYaml(header: string, documents: unknown[]): string {
  const body = documents.map(documentText);
  return header + body.join('---\n');
}
