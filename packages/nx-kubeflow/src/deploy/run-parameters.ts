/**
 * `--param name=value` overrides, typed by the compiled pipeline's root
 * inputDefinitions, so a typo or a wrong type fails before anything runs.
 * Every problem is reported at once.
 */
export class RunParameterError extends Error {}

type IrParameterType = 'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'STRUCT' | 'LIST';

export function parseRunParameters(
  assignments: readonly string[],
  rootParameters: Record<string, { parameterType: IrParameterType | string }>,
): Record<string, unknown> {
  // null prototype: a name from the command line ("__proto__", "constructor") is only ever a key
  const values: Record<string, unknown> = Object.create(null);
  const problems: string[] = [];
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) {
      problems.push(`--param "${assignment}" is not name=value.`);
      continue;
    }
    const name = assignment.slice(0, equals);
    const text = assignment.slice(equals + 1);
    // own keys only: "toString" or "constructor" is no parameter of a pipeline that has none
    const definition = Object.hasOwn(rootParameters, name) ? rootParameters[name] : undefined;
    if (!definition) {
      const known = Object.keys(rootParameters);
      problems.push(`--param ${name}: the pipeline has no such parameter (it has: ${known.length ? known.join(', ') : 'none'}).`);
      continue;
    }
    const parsed = parseTyped(text, definition.parameterType);
    if (parsed.ok) values[name] = parsed.value;
    else problems.push(`--param ${name}=${text}: ${parsed.problem}`);
  }
  if (problems.length) throw new RunParameterError(problems.join('\n'));
  return values;
}

function parseTyped(text: string, type: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  switch (type) {
    case 'NUMBER_INTEGER': {
      if (!/^[-+]?\d+$/.test(text.trim())) return { ok: false, problem: 'expected an Integer.' };
      const value = Number(text);
      // past 2^53 a double (what the IR and JSON carry) is no longer the integer written
      return Number.isSafeInteger(value)
        ? { ok: true, value }
        : { ok: false, problem: `${text.trim()} is beyond what an Integer parameter carries exactly (±${Number.MAX_SAFE_INTEGER}).` };
    }
    case 'NUMBER_DOUBLE':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? { ok: true, value: Number(text) } : { ok: false, problem: 'expected a Float.' };
    case 'BOOLEAN':
      return /^(true|false)$/i.test(text.trim()) ? { ok: true, value: text.trim().toLowerCase() === 'true' } : { ok: false, problem: 'expected true or false.' };
    case 'STRUCT':
    case 'LIST': {
      try {
        const value = JSON.parse(text);
        const isList = Array.isArray(value);
        if (type === 'LIST' ? isList : value !== null && typeof value === 'object' && !isList) return { ok: true, value };
      } catch {
        /* reported below */
      }
      return { ok: false, problem: `expected a JSON ${type === 'LIST' ? 'array' : 'object'}.` };
    }
    default:
      return { ok: true, value: text };
  }
}
