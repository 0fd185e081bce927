/**
 * component.yaml writes defaults as text; kfp casts them by the input's type
 * (type_utils.deserialize_v1_component_yaml_default) before they become the
 * IR's defaultValue. The same casts here, and the same refusals: a default
 * kfp cannot cast makes load_component_from_file fail.
 */
import type { ComponentInputSpec } from './pipeline-model';
import { ioTypeOf } from './io-types';
import { containsNull } from './ir-values';

type Report = (field: string, message: string) => void;

const TRUE_WORDS = ['y', 'yes', 't', 'true', 'on', '1'];
const FALSE_WORDS = ['n', 'no', 'f', 'false', 'off', '0'];

/** Python int(text): optional sign, digits with single underscores, surrounding whitespace. */
function pyInt(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text);
  return match ? Number(match[1] + match[2].replace(/_/g, '')) : undefined;
}

/** Python float(text), for the forms a component author writes. */
function pyFloat(text: string): number | undefined {
  const trimmed = text.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // kfp keeps text it cannot parse as JSON as it is
  }
}

/** The in-memory default kfp derives; undefined when it cannot be cast. */
export function deserializeDefault(input: ComponentInputSpec): unknown {
  if (input.default === undefined) return undefined;
  const io = ioTypeOf(input.type);
  // Artifacts and untyped inputs keep the text (kfp passes it through unchanged).
  if (io.kind === 'artifact') return input.default;
  switch (io.parameterType) {
    case 'Integer':
      return pyInt(input.default);
    case 'Float':
      return pyFloat(input.default);
    case 'Boolean': {
      const word = input.default.toLowerCase();
      if (TRUE_WORDS.includes(word)) return true;
      return FALSE_WORDS.includes(word) ? false : undefined;
    }
    case 'JsonObject':
    case 'JsonArray':
      return tryJson(input.default);
    default:
      return input.default;
  }
}

export function checkDefault(input: ComponentInputSpec, field: string, report: Report): void {
  const value = deserializeDefault(input);
  if (value === undefined) report(field, `${JSON.stringify(input.default)} is not a valid ${input.type} (kfp cannot load this default)`);
  else if (containsNull(value)) report(field, 'null inside a default does not compile in kfp');
}
