/**
 * Python's text forms that end up inside the IR: json.dumps (default
 * separators, ensure_ascii) for Concat/IfPresent placeholders, and str() of a
 * default value for the header comment. JSON.stringify differs from both
 * (separators, non-ASCII), and kfp's strings are compared byte for byte.
 */
import { Double } from './ir-values';

/** json.dumps of a string (ensure_ascii), as kfp writes it. */
export function pyJsonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += utf16Escapes(ch);
  }
  return out + '"';
}

/** ensure_ascii escapes every code unit outside printable ASCII, astral chars as surrogate pairs. */
function utf16Escapes(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** json.dumps(value) with Python's defaults. */
export function pyJsonDumps(value: unknown): string {
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return '[' + value.map(pyJsonDumps).join(', ') + ']';
  if (value !== null && typeof value === 'object') {
    return '{' + Object.entries(value).map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`).join(', ') + '}';
  }
  return JSON.stringify(value);
}

/** repr() of a Python float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function pyFloatRepr(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = value.toFixed(Math.max(0, (mantissa.split('.')[1] ?? '').length - exponent));
  return text.includes('.') ? text : `${text}.0`;
}

function pyReprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** repr() of a value as MessageToDict hands it to Python (numbers are floats there). */
export function pyRepr(value: unknown): string {
  if (value instanceof Double) return pyFloatRepr(value.value);
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'string') return pyReprString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  return '{' + Object.entries(value as object).map(([k, v]) => `${pyReprString(k)}: ${pyRepr(v)}`).join(', ') + '}';
}
