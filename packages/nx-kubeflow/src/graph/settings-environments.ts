import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

/** Sections of a dynaconf settings file that are not environments. */
const NOT_ENVIRONMENTS = new Set(['default', 'global', 'dynaconf']);

/**
 * The environments a settings file declares: its top-level tables other than
 * [default] and [global] (dynaconf's environments-on layout, DESIGN section 5).
 * They become target configurations, so `nx affected -t deploy -c production`
 * passes --env production. A file that is missing or does not parse declares
 * none: the settings target is where its problems are reported, not here.
 */
export function settingsEnvironments(settingsFile: string): string[] {
  let document: Record<string, unknown>;
  try {
    document = parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  return Object.entries(document)
    .filter(([name, value]) => !NOT_ENVIRONMENTS.has(name.toLowerCase()) && isTable(value))
    .map(([name]) => name.toLowerCase())
    .sort();
}

function isTable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
