/**
 * The local execution cache: a task whose executor, component source and
 * resolved inputs were all seen before takes the outputs of that earlier
 * execution instead of running. An entry is cacheDir/<key>/ holding a copy
 * of the task's outputs folder and entry.json (the typed output parameters).
 * Entries are copied in and out, never linked, so no later task can change
 * what the cache holds; an entry appears by rename, whole or not at all.
 */
import { createHash } from 'node:crypto';
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

/** Copies the cached outputs into a task's (emptied) outputs folder. */
export function restoreFromCache(cacheDir: string, key: string, outputsDir: string): void {
  rmSync(outputsDir, { recursive: true, force: true });
  mkdirSync(outputsDir, { recursive: true });
  const cached = join(cacheDir, key, 'outputs');
  if (existsSync(cached)) cpSync(cached, outputsDir, { recursive: true });
}

/** Stores a successful task's outputs under its key: staged beside the entry, then renamed into place. */
export function storeInCache(cacheDir: string, entry: CacheEntry, outputsDir: string): void {
  const target = join(cacheDir, entry.key);
  const staging = join(cacheDir, `.${entry.key}.${process.pid}.${Date.now()}.tmp`);
  mkdirSync(staging, { recursive: true });
  try {
    if (existsSync(outputsDir)) cpSync(outputsDir, join(staging, 'outputs'), { recursive: true });
    writeFileSync(join(staging, 'entry.json'), JSON.stringify(entry, null, 2) + '\n');
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
