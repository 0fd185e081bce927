/**
 * The part of a pipeline's config/settings.toml its components read at run
 * time (PIPELINE_SETTINGS_TOML in the IR). The plugin's own keys stay out:
 * they say where and how to deploy, and a component has no use for them. Were
 * they in, removing a schedule or moving kfp.host would change the IR, publish
 * a new version and void KFP's cache for every task.
 *
 * Dropped in every section (each may be an environment): `kfp`, `image`,
 * `schedule`, `deploy`, `parameters`, matched as dynaconf matches top-level
 * keys (case-insensitive), written as tables, dotted keys, quoted dotted keys
 * (`"kfp.host"`) or with `__` (`kfp__host`). Everything else is kept as it was
 * parsed, dynaconf_merge markers and @tokens included, so the components'
 * layering is unchanged. A section left with nothing but dynaconf markers
 * would change nothing and is dropped.
 */
import { parse, stringify } from 'smol-toml';

export const PLUGIN_SETTING_KEYS: ReadonlySet<string> = new Set(['kfp', 'image', 'schedule', 'deploy', 'parameters']);

const DYNACONF_MARKERS = new Set(['dynaconf_merge', 'dynaconf_merge_unique']);

/** The first segment of a key as dynaconf splits it: "kfp.host", "KFP__host" -> "kfp". */
function topLevelName(key: string): string {
  return key.split(/\.|__/, 1)[0].toLowerCase();
}

const isTable = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

/**
 * The text handed to components. The settings file has been checked before
 * this runs (parameterOverrides loads it), so a parse error here is a bug.
 */
export function componentSettingsToml(settingsToml: string): string {
  const document = parse(settingsToml, { integersAsBigInt: true }) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(document)) {
    if (!isTable(value)) {
      // outside any section: dynaconf reads only environment sections, but the text is theirs to keep
      kept[name] = value;
      continue;
    }
    const section = Object.fromEntries(Object.entries(value).filter(([key]) => !PLUGIN_SETTING_KEYS.has(topLevelName(key))));
    if (Object.keys(section).some((key) => !DYNACONF_MARKERS.has(key.toLowerCase()))) kept[name] = section;
  }
  if (Object.keys(kept).length === 0) return '';
  // floats stay floats (1.0 is not 1 to Python), integers came in as bigints
  return stringify(kept, { numbersAsFloat: true }) + '\n';
}
