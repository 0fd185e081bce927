/**
 * Where each setting came from, for `--explain`.
 *
 * dynaconf records sources per top-level key only. The plugin tracks every
 * leaf: when a value is set, the leaves the source actually wrote (its
 * "coverage") take that source; leaves carried over by a merge keep the
 * source they had.
 */
import { MERGE_TOKEN, MERGE_UNIQUE_TOKEN } from './dynaconf-merge';
import { MergeMarker } from './dynaconf-tokens';
import { CaseFoldingMap, findTheCorrectCasing, isPyDict, PyValue } from './python-values';

export type SettingOrigin =
  | { kind: 'file'; file: string; section: string }
  | { kind: 'environment'; variable: string };

export interface LeafOrigin {
  /** Key path below the top-level key. Empty for a top-level leaf. */
  path: string[];
  origin: SettingOrigin;
}

/** The part of a value a source wrote: `true` covers everything below; a Map covers only its keys. */
export type Coverage = true | Map<string, Coverage>;

export function coverageOf(value: PyValue): Coverage {
  const content = value instanceof MergeMarker ? value.unwrap() : value;
  if (!isPyDict(content)) return true;
  const coverage = new CaseFoldingMap<Coverage>();
  for (const [key, item] of content) {
    if (key === MERGE_TOKEN || key === MERGE_UNIQUE_TOKEN) continue;
    coverage.set(key, coverageOf(item));
  }
  return coverage;
}

/** Coverage of a dotted key: only the path it names, then whatever its value holds. */
export function coverageOfPath(path: readonly string[], value: PyValue): Coverage {
  return path.reduceRight<Coverage>((inner, key) => new CaseFoldingMap<Coverage>([[key, inner]]), coverageOf(value));
}

/** Matching is case-insensitive, as dynaconf moves new keys onto the spelling already present. */
function isCovered(coverage: Coverage, path: readonly string[]): boolean {
  let current: Coverage = coverage;
  for (const segment of path) {
    if (current === true) return true;
    const key = findTheCorrectCasing(segment, current);
    if (key === undefined) return false;
    current = current.get(key) as Coverage;
  }
  return true;
}

/** Every leaf of a value: dicts are walked, anything else (lists included) is a leaf; an empty dict is a leaf. */
export function leafPathsOf(value: PyValue): string[][] {
  if (!isPyDict(value) || value.size === 0) return [[]];
  const paths: string[][] = [];
  for (const [key, item] of value) {
    for (const rest of leafPathsOf(item)) paths.push([key, ...rest]);
  }
  return paths;
}

/** Origins for a value just set: covered leaves take `source`, others keep what they had. */
export function originsAfterSet(
  value: PyValue,
  coverage: Coverage,
  source: SettingOrigin,
  previous: readonly LeafOrigin[],
): LeafOrigin[] {
  const previousByPath = new Map(previous.map((entry) => [JSON.stringify(entry.path), entry.origin]));
  return leafPathsOf(value).map((path) => {
    const kept = isCovered(coverage, path) ? undefined : previousByPath.get(JSON.stringify(path));
    return { path, origin: kept ?? source };
  });
}

/** `KFP.host`, with segments that are not plain words quoted as TOML would: `KFP."a.b"`. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment))).join('.');
}

/** `pipelines/p/config/settings.toml [development]` or `env DYNACONF_KFP__HOST`. */
export function describeOrigin(origin: SettingOrigin, displayPath: (file: string) => string = (file) => file): string {
  if (origin.kind === 'environment') return `environment variable ${origin.variable}`;
  return `${displayPath(origin.file)} [${origin.section}]`;
}
