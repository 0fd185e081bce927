/**
 * dynaconf's merge rules, ported from dynaconf/utils/__init__.py
 * (`object_merge`, `handle_metavalues`) and base.py (`_merge_before_set`), 3.3.x.
 *
 * As in Python, `newValue` is changed in place and returned; `old` is the
 * value already in the settings and is only read (dynaconf reads it through
 * its DataDict, so lookups in it are case-insensitive and lists come back as
 * copies).
 */
import { SettingsValueError } from './settings-errors';
import { DelMarker, InsertMarker, LazyValue, MergeMarker, ResetMarker } from './dynaconf-tokens';
import {
  dataDictGet,
  dataDictHas,
  findTheCorrectCasing,
  isPyDict,
  isPyList,
  pyDictPop,
  pyEquals,
  pyListContains,
  pyListRemove,
  pyLower,
  pyTruthy,
  PyDict,
  PyList,
  PyValue,
} from './python-values';

export const MERGE_TOKEN = 'dynaconf_merge';
export const MERGE_UNIQUE_TOKEN = 'dynaconf_merge_unique';

/**
 * How nested lists combine: "merge" concatenates (old first); "shallow" (used
 * for dotted keys) replaces. dynaconf's third mode, "deep", needs
 * INDEX_SEPARATOR_FOR_DYNACONF, which the plugin's construction leaves off.
 */
export type ListMergeStrategy = 'merge' | 'shallow';

export interface ObjectMergeOptions {
  unique?: boolean;
  /** The dotted key being set (`["KFP", "host"]`), which stops a merge at its end. */
  fullPath?: readonly string[];
  listMerge?: ListMergeStrategy;
}

export function objectMerge(old: PyValue | undefined, newValue: PyValue, options: ObjectMergeOptions = {}): PyValue {
  const fullPath = options.fullPath ?? [];
  const listMerge = options.listMerge ?? 'merge';
  let unique = options.unique ?? false;
  if (old === undefined || old === null || newValue === null || pyEquals(old, newValue)) return newValue;

  if (isPyList(old) && isPyList(newValue)) {
    if (pyListContains(newValue, MERGE_UNIQUE_TOKEN)) {
      pyListRemove(newValue, MERGE_UNIQUE_TOKEN);
      unique = true;
    }
    if (listMerge === 'merge' || unique) prependOldItems(old, newValue, unique);
  }

  if (isPyDict(old) && isPyDict(newValue)) {
    const valueAtPathEnd = valueAtPath(old, fullPath);
    adoptExistingKeyCasing(old, newValue);
    if (pyTruthy(pyDictPop(newValue, MERGE_TOKEN, true))) {
      for (const [oldKey, oldItem] of old) {
        // A dotted key replaces what sits at its end instead of merging into it.
        const isDottedKeyEnd =
          valueAtPathEnd !== undefined &&
          fullPath.length === 1 &&
          pyLower(oldKey) === pyLower(fullPath[0]) &&
          Object.is(valueAtPathEnd, oldItem);
        if (isDottedKeyEnd) continue;
        if (!newValue.has(oldKey)) {
          newValue.set(oldKey, oldItem);
        } else {
          newValue.set(
            oldKey,
            objectMerge(oldItem, newValue.get(oldKey) as PyValue, { fullPath: fullPath.slice(1), listMerge }),
          );
        }
      }
      restoreOldKeyOrder(old, newValue);
    }
    handleMetaValues(old, newValue, listMerge);
  }
  return newValue;
}

function prependOldItems(old: PyList, target: PyList, unique: boolean): void {
  for (const item of [...old].reverse()) {
    if (unique && pyListContains(target, item)) continue;
    target.unshift(item);
  }
}

/**
 * Keys of `newValue` that exist in `old` under another spelling take the old
 * spelling. Python re-inserts every matched key, which moves it to the end.
 */
function adoptExistingKeyCasing(old: PyDict, newValue: PyDict): void {
  for (const newKey of [...newValue.keys()]) {
    const casing = findTheCorrectCasing(newKey, old);
    if (casing) {
      const item = pyDictPop(newValue, newKey, null) as PyValue;
      newValue.set(casing, item);
    }
  }
}

/** Keys that `old` had keep its order; keys only `newValue` has come after them. */
function restoreOldKeyOrder(old: PyDict, newValue: PyDict): void {
  const ordered = [...old.keys()].filter((key) => newValue.has(key));
  ordered.push(...[...newValue.keys()].filter((key) => !old.has(key)));
  for (const key of ordered) {
    const item = newValue.get(key) as PyValue;
    newValue.delete(key);
    newValue.set(key, item);
  }
}

/**
 * dynaconf's `recursive_get(old, full_path)`, reduced to what `object_merge`
 * uses it for: an identity check against the value at the end of a dotted
 * key. dynaconf's read returns lists and lazy values as fresh objects, so
 * those never pass the identity check: they come back as undefined here.
 */
function valueAtPath(root: PyValue, path: readonly string[]): PyValue | undefined {
  let current: PyValue | undefined = root;
  for (const segment of path) {
    if (!isPyDict(current)) return undefined;
    current = dataDictGet(current, segment);
  }
  if (path.length === 0 || current === null || isPyList(current) || current instanceof LazyValue) return undefined;
  return current;
}

/** dynaconf's `handle_metavalues`: acts on markers and merge tokens left in `newValue` after a dict merge. */
export function handleMetaValues(old: PyDict, newValue: PyDict, listMerge: ListMergeStrategy): void {
  for (const key of [...newValue.keys()]) {
    applyMarker(old, newValue, key);
    const item = newValue.get(key);
    if (isPyList(item)) {
      mergeTokenedList(old, newValue, key, item);
    } else if (isPyDict(item)) {
      const localMerge = pyDictPop(item, MERGE_TOKEN, pyDictPop(item, MERGE_UNIQUE_TOKEN, null));
      if (!isMergeFlag(localMerge) && item.size === 0) {
        newValue.set(key, localMerge as PyValue);
      }
      if (pyTruthy(localMerge)) {
        newValue.set(key, objectMerge(readOld(old, key), newValue.get(key) as PyValue, { listMerge }));
      } else if (!dataDictHas(old, key)) {
        stripMergeTokens(item);
      }
    }
  }
}

function applyMarker(old: PyDict, newValue: PyDict, key: string): void {
  const item = newValue.get(key);
  if (item instanceof ResetMarker) {
    newValue.set(key, item.unwrap());
  } else if (item instanceof DelMarker) {
    newValue.delete(key);
    old.delete(key);
  } else if (item instanceof MergeMarker) {
    newValue.set(key, objectMerge(readOld(old, key), item.unwrap(), { unique: item.unique }));
  } else if (item instanceof InsertMarker) {
    const existing = readOld(old, key);
    if (isPyList(existing)) {
      existing.splice(item.index, 0, item.unwrap());
      newValue.set(key, existing);
    } else {
      newValue.set(key, [item.unwrap()]);
    }
  }
}

/** `["dynaconf_merge", ...]` inside a merged dict: the old list's items go first. */
function mergeTokenedList(old: PyDict, newValue: PyDict, key: string, item: PyList): void {
  const hasMerge = pyListContains(item, MERGE_TOKEN);
  const hasMergeUnique = pyListContains(item, MERGE_UNIQUE_TOKEN);
  if (!hasMerge && !hasMergeUnique) return;
  const merged = [...item];
  const unique = !hasMerge;
  pyListRemove(merged, hasMerge ? MERGE_TOKEN : MERGE_UNIQUE_TOKEN);
  prependOldItems(iterableForListMerge(readOld(old, key), key), merged, unique);
  newValue.set(key, merged);
}

/** Python iterates `old or []`: a string yields its characters; a dict cannot be reversed. */
function iterableForListMerge(value: PyValue | undefined, key: string): PyList {
  if (!pyTruthy(value)) return [];
  if (isPyList(value)) return value;
  if (typeof value === 'string') return [...value];
  throw new SettingsValueError(`cannot merge a list into "${key}": the existing value is not a list`);
}

/** dynaconf reads `old` through DataDict.get: case-insensitive, lists as copies. */
function readOld(old: PyDict, key: string): PyValue | undefined {
  const value = dataDictGet(old, key);
  return isPyList(value) ? [...value] : value;
}

/** `dynaconf_merge = <something other than a bool>` alone in a table means "merge this value". */
function isMergeFlag(value: PyValue | undefined): boolean {
  return value === undefined || pyEquals(value, true) || pyEquals(value, false) || value === null;
}

/** Removes merge tokens from nested tables of a value that had nothing to merge with. */
function stripMergeTokens(dict: PyDict): void {
  for (const item of dict.values()) {
    if (isPyDict(item)) {
      item.delete(MERGE_TOKEN);
      item.delete(MERGE_UNIQUE_TOKEN);
      stripMergeTokens(item);
    }
  }
}

/**
 * dynaconf's `_merge_before_set`: a new top-level value merges into the
 * existing one when it carries a merge token (or the file/section asked for
 * merging); otherwise it replaces it.
 */
export function mergeBeforeSet(existing: PyValue, value: PyValue, contextMerge: PyValue | undefined): PyValue {
  let result = value;
  if (isPyDict(result)) {
    const localMerge = pyDictPop(result, MERGE_TOKEN, pyDictPop(result, MERGE_UNIQUE_TOKEN, null));
    if (!isMergeFlag(localMerge) && result.size === 0) result = localMerge as PyValue;
    if (pyTruthy(localMerge) || (pyTruthy(contextMerge) && localMerge !== false)) {
      result = objectMerge(existing, result, { listMerge: 'merge' });
    }
  }
  if (isPyList(result)) {
    result = [...result];
    let localMerge = false;
    let unique = false;
    if (pyListContains(result, MERGE_TOKEN)) {
      pyListRemove(result, MERGE_TOKEN);
      localMerge = true;
    } else if (pyListContains(result, MERGE_UNIQUE_TOKEN)) {
      pyListRemove(result, MERGE_UNIQUE_TOKEN);
      localMerge = true;
      unique = true;
    }
    if (localMerge || pyTruthy(contextMerge)) {
      result = objectMerge(existing, result, { unique });
    }
  }
  return result;
}
