/**
 * Layered settings with dynaconf's semantics, as dynaconf behaves when built as
 *
 *   Dynaconf(settings_files=[...main files...], environments=True, env=<env>,
 *            envvar_prefix="DYNACONF", merge_enabled=False, load_dotenv=False)
 *
 * Per file, in order (main files, then their `.local.` siblings): the
 * sections [default], [dynaconf], the current environment(s), [global].
 * Then `DYNACONF_*` environment variables. See README.md for what that means
 * in practice.
 */
import { resolve } from 'node:path';
import { TomlDate } from 'smol-toml';
import { isDynaconfMarker } from './dynaconf-tokens';
import { DynaconfStore } from './dynaconf-store';
import { applyEnvironmentVariables } from './env-vars';
import { describeOrigin, SettingOrigin } from './setting-origins';
import {
  SettingsError,
  SettingsFileError,
  SettingsFileProblem,
  SettingsValueError,
  withValueErrorLocation,
} from './settings-errors';
import { settingsFilesToLoad } from './settings-files';
import { readTomlSettingsFile, readTomlSettingsText } from './toml-file';
import { isPyDict, isPyList, newPyDict, pyDictPop, pyLower, pyTruthy, PyDict, PyValue, upperfy } from './python-values';

export interface LoadSettingsOptions {
  /** Main settings files, in order. Missing ones are skipped, as dynaconf skips them. */
  files: readonly string[];
  /** The environment (section) to load; else ENV_FOR_DYNACONF from `environ`; else "development". */
  env?: string;
  /** Where ENV_FOR_DYNACONF and DYNACONF_* variables are read; default process.env. */
  environ?: Readonly<Record<string, string | undefined>>;
  /** Base for relative file paths and `@read_file`; default process.cwd(). */
  cwd?: string;
  /**
   * Settings held as text rather than on disk, by the absolute path they stand for (a
   * compiled pipeline's PIPELINE_SETTINGS_TOML): read as that file would be, except that
   * it has no `.local.` sibling. Saves writing a file only to read it back.
   */
  inlineFiles?: Readonly<Record<string, string>>;
}

export interface LoadedSettings {
  /** Top-level keys as dynaconf's `as_dict()` reports them (upper-cased; nested keys keep their case). */
  values: Record<string, unknown>;
  /** For each leaf key path (`KFP.host`): the file and section, or the environment variable, that set it. */
  origins: Record<string, SettingOrigin>;
  /** The environment the sections were chosen for. */
  env: string;
  /** The files read, in loading order (existing main files, then existing local siblings). */
  files: string[];
}

/** A marker token left in the values because nothing was there to act on (dynaconf keeps it too). */
export class LeftoverDynaconfMarker {
  constructor(
    /** dynaconf's class name: Del, Merge, Insert or Reset. */
    readonly marker: string,
    readonly token: string,
  ) {}

  toJSON(): string {
    return this.token;
  }
}

const DEFAULT_ENV = 'development';

export function loadSettings(options: LoadSettingsOptions): LoadedSettings {
  const environ = options.environ ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? environ['ENV_FOR_DYNACONF'] ?? DEFAULT_ENV;
  const inline = options.inlineFiles ?? {};
  const mainFiles = options.files.map((file) => resolve(cwd, file));
  const onDisk = new Set(settingsFilesToLoad(mainFiles.filter((file) => !(file in inline))));
  // the main files in their order, inline ones among them, then the .local. siblings of those on disk
  const files = [...mainFiles.filter((file) => file in inline || onDisk.has(file)), ...[...onDisk].filter((file) => !mainFiles.includes(file))];
  const documents = readSettingsDocuments(files, inline);

  const store = new DynaconfStore({ environ, currentEnv: env, cwd });
  for (const { file, document } of documents) applySettingsDocument(store, file, document, env);
  applyEnvironmentVariables(store, environ);
  refuseIncludes(store);

  const snapshot = store.snapshot();
  return {
    values: toPlainObject(snapshot.values),
    origins: Object.fromEntries(snapshot.origins),
    env,
    files: documents.map((entry) => entry.file),
  };
}

/**
 * dynaconf loads further files named by `dynaconf_include` (or
 * INCLUDES_FOR_DYNACONF). The plugin does not follow them, so it refuses
 * rather than print settings that differ from what the component sees.
 */
function refuseIncludes(store: DynaconfStore): void {
  for (const key of ['DYNACONF_INCLUDE', 'INCLUDES_FOR_DYNACONF']) {
    if (store.has(key)) {
      throw new SettingsValueError(
        `${key.toLowerCase()} is set: the plugin does not load included files. Move those settings into config/settings.toml.`,
      );
    }
  }
}

/** Reads every file before applying any, so that all broken files are reported together. */
function readSettingsDocuments(files: readonly string[], inline: Readonly<Record<string, string>> = {}): Array<{ file: string; document: PyDict }> {
  const documents: Array<{ file: string; document: PyDict }> = [];
  const problems: SettingsFileProblem[] = [];
  for (const file of files) {
    const read = file in inline ? readTomlSettingsText(file, inline[file]) : readTomlSettingsFile(file);
    if (read.status === 'parsed') documents.push({ file, document: read.document });
    if (read.status === 'broken') problems.push(read.problem);
  }
  if (problems.length > 0) throw new SettingsFileError(problems);
  return documents;
}

/**
 * dynaconf's `build_env_list`: [default], [dynaconf] (its legacy name for
 * default), each current environment (comma-separated names allowed), [global].
 * [global] comes last even when it is also the current environment.
 */
export function environmentSections(env: string): string[] {
  const sections = ['default', 'dynaconf'];
  for (const item of env.split(',')) {
    const name = pyLower(item.trim());
    if (item.length > 0 && !sections.includes(name)) sections.push(name);
  }
  sections.push('global');
  return sections;
}

/** dynaconf's `_load_all_envs` for one file. */
function applySettingsDocument(store: DynaconfStore, file: string, document: PyDict, env: string): void {
  // Section names are matched in lower case; of [Production] and [production], the later wins.
  const sectionsByName: PyDict = newPyDict();
  for (const [name, value] of document) sectionsByName.set(pyLower(name), value);
  const fileMerge = sectionsByName.get('dynaconf_merge');
  const fileDottedLookup = sectionsByName.get('dynaconf_dotted_lookup');

  for (const section of environmentSections(env)) {
    if (!sectionsByName.has(section)) continue;
    const data = sectionsByName.get(section) as PyValue;
    if (!pyTruthy(data)) continue;
    if (!isPyDict(data)) {
      throw new SettingsFileError([{ file, message: `"${section}" must be a table ([${section}]), not a single value` }]);
    }
    const source: SettingOrigin = { kind: 'file', file, section };
    applySection(store, copyDict(data), source, fileMerge, fileDottedLookup);
  }
}

/** dynaconf's `_set_data_to_obj`: top-level keys upper-cased, section-level merge/dotted switches honoured. */
function applySection(
  store: DynaconfStore,
  data: PyDict,
  source: SettingOrigin,
  fileMerge: PyValue | undefined,
  fileDottedLookup: PyValue | undefined,
): void {
  const upperData: PyDict = newPyDict();
  for (const [key, value] of data) upperData.set(upperfy(key), value);
  const sectionMerge = pyDictPop(upperData, 'DYNACONF_MERGE', null);
  const merge = sectionMerge === null || sectionMerge === undefined ? fileMerge : sectionMerge;
  const dottedLookup =
    fileDottedLookup === undefined ? pyDictPop(upperData, 'DYNACONF_DOTTED_LOOKUP', true) : fileDottedLookup;
  for (const [key, value] of upperData) {
    withValueErrorLocation(`${describeOrigin(source)}, key ${key}`, () =>
      store.set(key, value, { source, merge, dottedLookup }),
    );
  }
}

/** Each section is applied from a fresh copy: dynaconf parses values in place. */
function copyDict(dict: PyDict): PyDict {
  return newPyDict([...dict].map(([key, value]) => [key, cloneValue(value)]));
}

function cloneValue(value: PyValue): PyValue {
  if (isPyDict(value)) return copyDict(value);
  if (isPyList(value)) return value.map(cloneValue);
  return value;
}

// ------------------------------------------------------------- plain values

function toPlainObject(dict: PyDict): Record<string, unknown> {
  return Object.fromEntries([...dict].map(([key, value]) => [key, toPlainValue(value)]));
}

/** Python values to what TypeScript callers expect: numbers (bigint only beyond 2^53), objects, arrays. */
function toPlainValue(value: PyValue): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (isPyDict(value)) return toPlainObject(value);
  if (isPyList(value)) return value.map(toPlainValue);
  if (value instanceof TomlDate) return value;
  if (isDynaconfMarker(value)) return new LeftoverDynaconfMarker(value.pyTypeName, value.token);
  if (typeof value === 'object' && value !== null) {
    throw new SettingsError(`unexpected value in settings: ${value.pyTypeName}`);
  }
  return value;
}
