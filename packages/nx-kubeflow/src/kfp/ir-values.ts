/**
 * Values as kfp writes them. kfp turns its PipelineSpec proto into a dict with
 * MessageToDict and dumps that with PyYAML, so every number inside a
 * google.protobuf.Value (defaults, constants) and every double field comes out
 * as a Python float ("3.0"), int64 fields as strings, int32 fields as ints.
 * Double marks the floats so the YAML writer can print them that way; the
 * parsed documents we return carry plain numbers.
 */
export class Double {
  constructor(readonly value: number) {}
}

/** A google.protobuf.Value: all numbers are doubles, recursively. */
export function protobufValue(value: unknown): unknown {
  if (typeof value === 'number') return new Double(value);
  if (Array.isArray(value)) return value.map(protobufValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Double)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, protobufValue(v)]));
  }
  return value;
}

/** kfp's to_protobuf_value refuses None anywhere in a value: so does the plugin. */
export function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(containsNull);
  if (typeof value === 'object' && value !== undefined && !(value instanceof Double)) return Object.values(value).some(containsNull);
  return false;
}

/** The IR tree with Double markers replaced by numbers: what a YAML parser reads back. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Double) return value.value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
