/** Reading one setting the way dynaconf's `settings.get("a.b")` does. */
import { findTheCorrectCasing } from './python-values';

/**
 * The value at a dotted path (`kfp.host`, or `KFP__HOST`), matching every
 * key case-insensitively as dynaconf does. Case matters in practice: a nested
 * key first created by `DYNACONF_IMAGE__REGISTRY` or `"image.registry"` is
 * stored upper-cased (`IMAGE.REGISTRY`), one written as a TOML table keeps
 * its case (`image.registry`); dynaconf finds both.
 */
export function readSetting(values: Record<string, unknown>, path: string): unknown {
  let current: unknown = values;
  for (const segment of path.replaceAll('__', '.').split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const record = current as Record<string, unknown>;
    const key = findTheCorrectCasing(segment, Object.keys(record));
    if (key === undefined) return undefined;
    current = record[key];
  }
  return current;
}
