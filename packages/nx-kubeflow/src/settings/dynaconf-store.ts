/**
 * The settings store and its `set`, ported from dynaconf/base.py (3.3.x):
 * `Settings.set`, `_dotted_set`, `update`, `get`, `unset`, `as_dict`.
 *
 * Configuration is fixed to what the plugin promises (dynaconf defaults plus
 * `merge_enabled=False`): `__` is the nested separator, dotted lookup is on,
 * index merging (`INDEX_SEPARATOR_FOR_DYNACONF`) is off, auto-casting is on.
 */
import { SettingsValueError, withValueErrorLocation } from './settings-errors';
import { DelMarker, InsertMarker, LazyValue, MergeMarker, parseConfData, ResetMarker } from './dynaconf-tokens';
import { mergeBeforeSet, objectMerge } from './dynaconf-merge';
import { evaluateLazyValue, LazyEvaluationContext } from './lazy-formatters';
import {
  Coverage,
  coverageOf,
  coverageOfPath,
  formatKeyPath,
  LeafOrigin,
  originsAfterSet,
  SettingOrigin,
} from './setting-origins';
import {
  dataDictGet,
  dataDictHas,
  findTheCorrectCasing,
  isPyDict,
  isPyList,
  newPyDict,
  pyEquals,
  pyTruthy,
  PyDict,
  PyValue,
  upperfy,
} from './python-values';

/**
 * dynaconf's own settings (`UPPER_DEFAULT_SETTINGS`): `as_dict()` leaves keys
 * with these names out, even when a settings file defines them.
 */
const DYNACONF_INTERNAL_NAMES = new Set([
  'APPLY_DEFAULT_ON_NONE_FOR_DYNACONF', 'AUTO_CAST_FOR_DYNACONF', 'BASE_NAMESPACE_FOR_DYNACONF',
  'COMMENTJSON_ENABLED_FOR_DYNACONF', 'CORE_LOADERS_FOR_DYNACONF', 'DEFAULT_ENV_FOR_DYNACONF',
  'DOTENV_OVERRIDE_FOR_DYNACONF', 'DOTENV_PATH_FOR_DYNACONF', 'DOTENV_VERBOSE_FOR_DYNACONF',
  'DOTTED_LOOKUP_FOR_DYNACONF', 'DYNACONF_ALWAYS_FRESH_VARS', 'DYNACONF_NAMESPACE', 'DYNACONF_SETTINGS',
  'DYNACONF_SETTINGS_MODULE', 'DYNACONF_SILENT_ERRORS', 'ENCODING_FOR_DYNACONF', 'ENVIRONMENTS_FOR_DYNACONF',
  'ENVVAR_FOR_DYNACONF', 'ENVVAR_PREFIX_FOR_DYNACONF', 'ENV_FOR_DYNACONF', 'ENV_SWITCHER_FOR_DYNACONF',
  'FORCE_ENV_FOR_DYNACONF', 'FRESH_VARS_FOR_DYNACONF', 'GLOBAL_ENV_FOR_DYNACONF',
  'IGNORE_UNKNOWN_ENVVARS_FOR_DYNACONF', 'INCLUDES_FOR_DYNACONF', 'INDEX_SEPARATOR_FOR_DYNACONF',
  'INSTANCE_FOR_DYNACONF', 'LOADERS_FOR_DYNACONF', 'LOWERCASE_READ_FOR_DYNACONF', 'MAIN_ENV_FOR_DYNACONF',
  'MERGE_ENABLED_FOR_DYNACONF', 'NAMESPACE_FOR_DYNACONF', 'NESTED_SEPARATOR_FOR_DYNACONF',
  'PRELOAD_FOR_DYNACONF', 'PROJECT_ROOT', 'PROJECT_ROOT_FOR_DYNACONF', 'REDIS_ENABLED_FOR_DYNACONF',
  'REDIS_FOR_DYNACONF', 'REDIS_URL_FOR_DYNACONF', 'RENAMED_VARS', 'ROOT_PATH_FOR_DYNACONF',
  'SECRETS_FOR_DYNACONF', 'SETTINGS_FILE_FOR_DYNACONF', 'SETTINGS_MODULE', 'SETTINGS_MODULE_FOR_DYNACONF',
  'SILENT_ERRORS_FOR_DYNACONF', 'SKIP_FILES_FOR_DYNACONF', 'SYSENV_FALLBACK_FOR_DYNACONF',
  'VALIDATE_ON_UPDATE_FOR_DYNACONF', 'VAULT_AUTH_ROLE_FOR_DYNACONF', 'VAULT_AUTH_WITH_IAM_FOR_DYNACONF',
  'VAULT_ENABLED_FOR_DYNACONF', 'VAULT_FOR_DYNACONF', 'VAULT_KV_VERSION_FOR_DYNACONF',
  'VAULT_MOUNT_POINT_FOR_DYNACONF', 'VAULT_PASSWORD_FOR_DYNACONF', 'VAULT_PATH_FOR_DYNACONF',
  'VAULT_ROLE_ID_FOR_DYNACONF', 'VAULT_ROOT_TOKEN_FOR_DYNACONF', 'VAULT_SECRET_ID_FOR_DYNACONF',
  'VAULT_TOKEN_RENEW_FOR_DYNACONF', 'VAULT_USERNAME_FOR_DYNACONF', 'YAML_LOADER_FOR_DYNACONF',
]);

const NESTED_SEPARATOR = '__';

/** `dict.get(key, missing)` without a collision with any real value. */
const MISSING: PyValue = { pyTypeName: 'Missing' };

export interface SetOptions {
  source: SettingOrigin;
  /** Parse string values as TOML (dynaconf's `tomlfy`). */
  tomlfy?: boolean;
  /** dynaconf acts on dotted keys only when this is exactly `true`. */
  dottedLookup?: PyValue;
  /** The file's or section's `dynaconf_merge` value; undefined when none was given. */
  merge?: PyValue;
}

interface InternalSetOptions extends SetOptions {
  /** Set by a dotted key: only the named path counts as written by the source. */
  coverage?: Coverage;
}

export interface StoreEnvironment {
  environ: Readonly<Record<string, string | undefined>>;
  currentEnv: string;
  cwd: string;
}

export interface StoreSnapshot {
  values: PyDict;
  origins: Map<string, SettingOrigin>;
}

export class DynaconfStore {
  private readonly store: PyDict = newPyDict();
  private readonly deleted = new Set<string>();
  private readonly originsByKey = new Map<string, LeafOrigin[]>();
  private readonly evaluating = new Set<LazyValue>();
  private readonly lazyContext: LazyEvaluationContext;

  constructor(environment: StoreEnvironment) {
    this.lazyContext = {
      environ: environment.environ,
      currentEnv: environment.currentEnv,
      cwd: environment.cwd,
      get: (key) => this.get(key),
      has: (key) => this.has(key),
    };
  }

  update(data: PyDict, options: SetOptions): void {
    for (const [key, value] of data) this.set(key, value, options);
  }

  set(rawKey: string, value: PyValue, options: InternalSetOptions): void {
    const dottedLookup = options.dottedLookup ?? true;
    let key = rawKey.includes(NESTED_SEPARATOR) ? rawKey.replaceAll(NESTED_SEPARATOR, '.') : rawKey;
    if ((key.includes('.') || key.includes('[')) && dottedLookup === true) {
      this.dottedSet(key, value, options);
      return;
    }
    key = upperfy(key.trim());

    let parsed = parseConfData(value, { tomlfy: options.tomlfy ?? false });
    const coverage = options.coverage ?? coverageOf(parsed);
    const existing = parsed instanceof LazyValue ? undefined : dataDictGet(this.store, key);

    if (parsed instanceof InsertMarker) {
      if (pyTruthy(existing) && isPyList(existing)) {
        existing.splice(parsed.index, 0, parsed.unwrap());
        parsed = existing;
      } else {
        parsed = [parsed.unwrap()];
      }
    }
    if (parsed instanceof DelMarker) {
      this.unset(key);
      return;
    }
    if (parsed instanceof ResetMarker) parsed = parsed.unwrap();
    if (parsed instanceof MergeMarker) {
      parsed = pyTruthy(existing) ? objectMerge(existing, parsed.unwrap(), { unique: parsed.unique }) : parsed.unwrap();
    }

    if (existing !== undefined && existing !== null && !pyEquals(existing, parsed)) {
      parsed = pyTruthy(options.merge)
        ? objectMerge(existing, parsed)
        : mergeBeforeSet(existing, parsed, options.merge);
    }

    this.store.set(key, parsed);
    this.deleted.delete(key);
    this.originsByKey.set(key, originsAfterSet(parsed, coverage, options.source, this.originsByKey.get(key) ?? []));
  }

  /** `kfp.host = 1` / `KFP__host`: builds `{kfp: {host: 1}}` and merges it into what `kfp` holds. */
  private dottedSet(dottedKey: string, rawValue: PyValue, options: InternalSetOptions): void {
    const tomlfy = options.tomlfy ?? false;
    let value = parseConfData(rawValue, { tomlfy });
    const splitKeys = dottedKey.split('.');
    const [root] = splitKeys;
    const existing = this.get(root, newPyDict());

    let newData: PyDict = newPyDict();
    let tree = newData;
    for (const key of splitKeys.slice(0, -1)) {
      const child = tree.get(key);
      const next = isPyDict(child) ? child : newPyDict();
      if (!isPyDict(child)) tree.set(key, next);
      tree = next;
    }
    value = parseConfData(value, { tomlfy });
    tree.set(splitKeys[splitKeys.length - 1], value);
    const coverage = coverageOfPath(splitKeys.slice(1), value);

    if (pyTruthy(existing)) {
      const oldData: PyDict = newPyDict([[root, existing as PyValue]]);
      newData = objectMerge(oldData, newData, { fullPath: splitKeys, listMerge: 'shallow' }) as PyDict;
    }
    for (const [key, item] of newData) {
      this.set(key, item, { source: options.source, tomlfy, dottedLookup: false, coverage });
    }
  }

  private unset(key: string): void {
    this.deleted.add(key);
    const stored = findTheCorrectCasing(key, this.store) ?? key;
    this.store.delete(stored);
    this.originsByKey.delete(stored);
  }

  /** dynaconf's `settings.get(key, default)`: `__` and dotted paths, case-insensitive, lazies evaluated. */
  get(rawKey: string, fallback?: PyValue): PyValue | undefined {
    const key = rawKey.includes(NESTED_SEPARATOR) ? rawKey.replaceAll(NESTED_SEPARATOR, '.') : rawKey;
    if (key.includes('.')) return this.dottedGet(key.split('.'), fallback, undefined);
    return this.getIn(undefined, key, fallback);
  }

  private getIn(parent: PyValue | undefined, rawKey: string, fallback: PyValue | undefined): PyValue | undefined {
    const key = upperfy(rawKey);
    if (this.deleted.has(key)) return fallback;
    const container = parent ?? this.store;
    let value: PyValue | undefined;
    if (isPyDict(container)) {
      value = dataDictGet(container, key);
    } else if (isPyList(container)) {
      if (!/^\d+$/.test(key)) throw new SettingsValueError(`Expected integer, got: ${key}`);
      value = container[Number(key)];
      if (value === undefined) throw new SettingsValueError(`list index ${key} out of range`);
    }
    return this.evaluate(value === undefined ? fallback : value);
  }

  private dottedGet(keys: string[], fallback: PyValue | undefined, parent: PyValue | undefined): PyValue | undefined {
    const [name, ...rest] = keys;
    const result = this.getIn(parent, name, fallback);
    if (rest.length === 0 || result === fallback || (fallback !== undefined && pyEquals(result, fallback))) return result;
    if (!isPyDict(result) && !isPyList(result)) {
      throw new SettingsValueError(`Invalid dotted lookup in ${keys.join('.')}. ${name} is not a table or list`);
    }
    return this.dottedGet(rest, fallback, result);
  }

  /** dynaconf's `key in settings`. */
  has(rawKey: string): boolean {
    const key = rawKey.includes(NESTED_SEPARATOR) ? rawKey.replaceAll(NESTED_SEPARATOR, '.') : rawKey;
    if (key.includes('.')) return this.get(key, MISSING) !== MISSING;
    return dataDictHas(this.store, key.toUpperCase()) || dataDictHas(this.store, key.toLowerCase());
  }

  /**
   * What reading a value returns: lazy values evaluated (against the settings
   * as they are at that moment), lists walked. Tables are walked when read
   * key by key, as `snapshot` does.
   */
  private evaluate(value: PyValue | undefined): PyValue | undefined {
    if (value instanceof LazyValue) return this.evaluateDeep(this.evaluateLazy(value));
    if (isPyList(value)) return value.map((item) => this.evaluate(item) as PyValue);
    return value;
  }

  private evaluateDeep(value: PyValue): PyValue {
    const evaluated = this.evaluate(value) as PyValue;
    if (isPyList(evaluated)) return evaluated.map((item) => this.evaluateDeep(item));
    if (!isPyDict(evaluated)) return evaluated;
    return newPyDict([...evaluated].map(([key, item]) => [key, this.evaluateDeep(item)]));
  }

  private evaluateLazy(lazy: LazyValue): PyValue {
    if (this.evaluating.has(lazy)) {
      throw new SettingsValueError(
        `Circular reference detected in lazy formatting ("${lazy.token}"): a value is referencing itself directly or indirectly.`,
      );
    }
    this.evaluating.add(lazy);
    try {
      return evaluateLazyValue(lazy, this.lazyContext);
    } finally {
      this.evaluating.delete(lazy);
    }
  }

  /** dynaconf's `as_dict()`: every value evaluated, dynaconf's own settings left out; plus leaf origins. */
  snapshot(): StoreSnapshot {
    const values: PyDict = newPyDict();
    const origins = new Map<string, SettingOrigin>();
    for (const [key, value] of this.store) {
      if (DYNACONF_INTERNAL_NAMES.has(key)) continue;
      values.set(key, withValueErrorLocation(`reading ${key}`, () => this.evaluateDeep(value)));
      for (const leaf of this.originsByKey.get(key) ?? []) {
        origins.set(formatKeyPath([key, ...leaf.path]), leaf.origin);
      }
    }
    return { values, origins };
  }
}
