/**
 * What the view must never show: the values in the workspace's
 * settings.local.toml files under keys the `settings` target masks, every
 * value of a .secrets.* file, and the credentials this process holds
 * (src/secrets). A component can log or write any of them; the view replaces
 * them, by value, in everything it serves (run.json, logs, artifact
 * previews), and masks secret-looking keys and strings
 * (redact-secrets.ts) as `settings` does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { KnownSecrets, redactKnownSecrets } from '../secrets/index';
import { isSecretKey, redactSecrets, redactSecretsInText } from '../settings/redact-secrets';

const SKIPPED_FOLDERS = new Set(['node_modules', '.venv', 'dist', '.git', '.nx', '__pycache__']);

function isSecretsFile(name: string): boolean {
  return /^\.secrets\.(toml|ya?ml|json)$/.test(name);
}

/** settings.local.toml and .secrets.* files under the folders given, a few levels deep (a project and its config/). */
export function localSettingsFiles(folders: readonly string[], depth = 4): string[] {
  const found: string[] = [];
  const walk = (dir: string, level: number) => {
    if (level > depth || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name), level + 1);
      else if (entry.isFile() && (entry.name === 'settings.local.toml' || isSecretsFile(entry.name))) found.push(join(dir, entry.name));
    }
  };
  for (const folder of folders) walk(folder, 0);
  return found.sort();
}

function parseFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.toml')) return parseToml(text);
  if (file.endsWith('.json')) return JSON.parse(text);
  return parseYaml(text);
}

/** Leaf values: all of them (`all`), or those under a secret-looking key. */
function secretLeaves(value: unknown, all: boolean, under: boolean, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) secretLeaves(item, all, under, out);
  } else if (typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) secretLeaves(item, all, under || isSecretKey(key), out);
  } else if (all || under) {
    out.push(String(value));
  }
}

export interface ServedSecrets {
  /** Text with every secret value replaced by *** and secret-looking `name=value` masked. */
  redactText(text: string): string;
  /** A JSON-able value with secret keys masked and every string redacted. */
  redactValue<T>(value: T): T;
  /** Files that could not be read (the view still starts; their values are unknown to it). */
  unreadable: { file: string; message: string }[];
  /** How many values it masks (for the startup line). */
  size: number;
}

export function servedSecrets(files: readonly string[]): ServedSecrets {
  const known = new KnownSecrets();
  const unreadable: ServedSecrets['unreadable'] = [];
  for (const file of files) {
    try {
      const values: string[] = [];
      secretLeaves(parseFile(file), isSecretsFile(file.split(/[\\/]/).pop()!), false, values);
      for (const value of values) known.add(value);
    } catch (error) {
      unreadable.push({ file, message: (error as Error).message.split('\n')[0] });
    }
  }
  const redactText = (text: string) => redactSecretsInText(redactKnownSecrets(known.redact(text)));
  // string by string, so a mask never cuts through JSON's own quoting
  const redactStrings = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(redactStrings);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item)]));
    return value;
  };
  const redactValue = <T>(value: T): T => redactStrings(redactSecrets(value)) as T;
  return { redactText, redactValue, unreadable, size: known.size };
}
