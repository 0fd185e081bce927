/**
 * `DYNACONF_*` environment variables, read as dynaconf's env_loader reads
 * them: the prefix removed, `__` for nesting, the value typed as TOML (with
 * dynaconf's `@tokens` and its True/False fix), applied after every file.
 */
import { parseConfData } from './dynaconf-tokens';
import { DynaconfStore } from './dynaconf-store';
import { PyValue } from './python-values';
import { withValueErrorLocation } from './settings-errors';

export const ENVVAR_PREFIX = 'DYNACONF_';

export interface SettingFromEnvironment {
  variable: string;
  /** The key as dynaconf sets it, e.g. `KFP__HOST` (nested: `KFP.HOST`). */
  key: string;
  value: PyValue;
}

/** Every `DYNACONF_*` variable, parsed, in the environment's order. */
export function settingsFromEnvironment(environ: Readonly<Record<string, string | undefined>>): SettingFromEnvironment[] {
  return Object.entries(environ)
    .filter((entry): entry is [string, string] => entry[0].startsWith(ENVVAR_PREFIX) && entry[1] !== undefined)
    .map(([variable, text]) => ({
      variable,
      key: variable.slice(ENVVAR_PREFIX.length),
      value: withValueErrorLocation(`environment variable ${variable}`, () =>
        parseConfData(booleanFix(text), { tomlfy: true }),
      ),
    }));
}

/** dynaconf's `boolean_fix`: shells write True/False, TOML wants true/false. */
function booleanFix(text: string): string {
  const trimmed = text.trim();
  return trimmed === 'True' || trimmed === 'False' ? text.toLowerCase() : text;
}

export function applyEnvironmentVariables(store: DynaconfStore, environ: Readonly<Record<string, string | undefined>>): void {
  for (const setting of settingsFromEnvironment(environ)) {
    withValueErrorLocation(`environment variable ${setting.variable}`, () =>
      store.set(setting.key, setting.value, { source: { kind: 'environment', variable: setting.variable } }),
    );
  }
}
