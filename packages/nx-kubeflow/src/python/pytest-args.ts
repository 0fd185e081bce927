/**
 * Nx parses everything after `--` into options (`-k smoke` arrives as
 * {k: 'smoke'}, `-vv` as {v: [true, true]}, `--no-header` as {header: false}).
 * This turns the options the executor does not know back into pytest's
 * command line.
 */
export function pytestArgsFromOverrides(options: Record<string, unknown>, knownOptions: Iterable<string>): string[] {
  const known = new Set(knownOptions);
  const flags: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (key === '_' || key.startsWith('__') || known.has(key)) continue;
    for (const single of Array.isArray(value) ? value : [value]) flags.push(...flag(key, single));
  }
  const positional = Array.isArray(options._) ? options._.map(String) : [];
  return [...flags, ...positional];
}

function flag(key: string, value: unknown): string[] {
  const short = key.length === 1;
  if (value === true) return [short ? `-${key}` : `--${key}`];
  if (value === false) return short ? [] : [`--no-${key}`];
  return short ? [`-${key}`, String(value)] : [`--${key}=${String(value)}`];
}
