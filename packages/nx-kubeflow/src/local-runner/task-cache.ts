/**
 * The local execution cache: a task whose executor, component source and
 * resolved inputs were all seen before takes the outputs of that earlier
 * execution instead of running. An entry is cacheDir/<key>/ holding a copy
 * of the task's outputs folder and entry.json (the typed output parameters).
 * Entries are copied in and out, never linked, so no later task can change
 * what the cache holds; an entry appears by rename, whole or not at all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IrContainer } from './ir-reader';

export interface CacheKeyParts {
  /** The executor as the IR has it (placeholders unresolved: run folders differ, the spec does not). */
  container: IrContainer;
  /** Output names and types: a changed interface is a different task. */
  outputs: { parameters: Record<string, string>; artifacts: string[] };
  /** Digest of the component's source folder(s); absent for a command without a project. */
  sourceDigest?: string;
  /** Digest of what the component reads beside its sources: settings.local.toml, .secrets.* (source-digest.ts), and DYNACONF_* variables. */
  localSettingsDigest?: string;
  /** Digest of the Secret and ConfigMap values a task reads locally (kubernetes-locally.ts); absent when it reads none. */
  kubernetesDigest?: string;
  /** Environment the runner adds to every task (options.env). */
  extraEnv: Record<string, string>;
  /** Resolved input parameter values (after defaults). */
  parameters: Record<string, unknown>;
  /** Input artifact name -> content digest. */
  artifactDigests: Record<string, string>;
}

export interface CacheEntry {
  key: string;
  /** Typed output parameters of the execution that made the entry. */
  parameters: Record<string, unknown>;
  createdAt: string;
  /** The run and task that made it, for the record. */
  origin: { runId: string; task: string };
}

/**
 * A task's own cache key (set_caching_options(cache_key=...)): as the IR's
 * CachingOptions says, it stands for the inputs, image, command and
 * arguments, combined with the component's identity so that two components
 * never share an entry.
 */
export function customCacheKey(cacheKeyText: string, componentName: string): string {
  return createHash('sha256').update(canonicalJson({ customCacheKey: cacheKeyText, component: componentName })).digest('hex');
}

/** sha256 over a canonical JSON of the parts (object keys sorted). */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function lookupCache(cacheDir: string, key: string): CacheEntry | undefined {
  const file = join(cacheDir, key, 'entry.json');
  if (!existsSync(file)) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    return entry.key === key ? entry : undefined;
  } catch {
    return undefined; // unreadable: treat as a miss, the next success replaces it
  }
}

/** The log of the execution that made an entry, kept with it so that a cached task's run folder has one. */
export function cachedLogFile(cacheDir: string, key: string): string {
  return join(cacheDir, key, 'log.txt');
}

/** Copies the cached outputs into a task's (emptied) outputs folder. */
export function restoreFromCache(cacheDir: string, key: string, outputsDir: string): void {
  rmSync(outputsDir, { recursive: true, force: true });
  mkdirSync(outputsDir, { recursive: true });
  const cached = join(cacheDir, key, 'outputs');
  if (existsSync(cached)) cpSync(cached, outputsDir, { recursive: true });
}

/**
 * Stores a successful task's outputs (and its log) under its key: staged
 * beside the entry, then renamed into place. A readable entry is never
 * removed or replaced - the same key means the same outputs - so a run
 * restoring it while another stores it never finds it half gone (that was
 * ENOENT). Only an unreadable entry is moved aside first, by rename.
 */
export function storeInCache(cacheDir: string, entry: CacheEntry, outputsDir: string, logFile?: string): void {
  const target = join(cacheDir, entry.key);
  if (lookupCache(cacheDir, entry.key)) return;
  const unique = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const staging = join(cacheDir, `.${entry.key}.${unique}.tmp`);
  mkdirSync(staging, { recursive: true });
  try {
    if (existsSync(outputsDir)) cpSync(outputsDir, join(staging, 'outputs'), { recursive: true });
    if (logFile && existsSync(logFile)) cpSync(logFile, join(staging, 'log.txt'));
    writeFileSync(join(staging, 'entry.json'), JSON.stringify(entry, null, 2) + '\n');
    if (existsSync(target) && !lookupCache(cacheDir, entry.key)) {
      const aside = join(cacheDir, `.${entry.key}.${unique}.broken`);
      try {
        renameSync(target, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // another process moved it first
      }
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another run stored the same key first (rename onto a non-empty folder fails): theirs stays.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
