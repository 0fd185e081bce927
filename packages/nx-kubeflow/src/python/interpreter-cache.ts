/**
 * What the interpreter probe found, kept on disk between executor runs: the
 * probe spawns Python (through pyenv's bash shim, 80 ms here) before every
 * test, for an answer that changes only when the interpreter does.
 *
 * An entry is keyed by the command as resolved on PATH (real path, mtime,
 * size, inode) and by what makes a version manager's shim pick another
 * Python without the shim itself changing (PYENV_VERSION, the
 * .python-version files from the working folder up, pyenv's global version
 * file). A hit is taken only while the executable the probe reported still
 * has the mtime it had then, so a reinstalled or removed Python is probed
 * again. Writers replace the file by rename, so concurrent executors never
 * read half a file; a file that does not parse is a miss and is rewritten.
 */
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** Bumped when the entry's shape or the key's parts change: older files are then misses. */
const FORMAT = 1;
/** Enough for every interpreter one workspace uses; the oldest go first. */
const MAX_ENTRIES = 32;

export interface ProbedInterpreter {
  executable: string;
  version: string;
}

interface CacheEntry extends ProbedInterpreter {
  /** mtime of `executable` when it was probed. */
  executableMtimeMs: number;
}

interface CacheFile {
  format: number;
  entries: Record<string, CacheEntry>;
}

export interface InterpreterCacheOptions {
  /** The cache file (JSON); created with its folder on the first write. */
  file: string;
  environ?: NodeJS.ProcessEnv;
  /** Where .python-version files are looked up from (the probe's working folder); default process.cwd(). */
  cwd?: string;
}

/**
 * The key for `command`, or undefined when it cannot be resolved to a file
 * (then there is nothing to cache: the probe runs and reports the problem).
 */
export function interpreterCacheKey(command: string, options: Omit<InterpreterCacheOptions, 'file'> = {}): string | undefined {
  const environ = options.environ ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const found = resolveCommand(command, environ, cwd);
  if (!found) return undefined;
  const parts = [command, found, fileStamp(found), `PYENV_VERSION=${environ.PYENV_VERSION ?? ''}`];
  const [pyenvGlobal, ...localFiles] = versionSelectionFiles(environ, cwd);
  for (const file of localFiles) {
    const stamp = fileStamp(file);
    if (stamp) parts.push(`${file}:${stamp}`);
  }
  parts.push(`pyenv-global:${fileStamp(pyenvGlobal) ?? ''}`);
  return parts.join('\0');
}

/**
 * The files, present or not, that make a version manager's shim pick another
 * Python without the shim changing: pyenv's global `version` file first, then
 * the `.python-version` of every folder from `cwd` up. The cache key stamps
 * each; the venv target's fast path (venv-fresh.ts) watches the same list.
 */
export function versionSelectionFiles(environ: NodeJS.ProcessEnv, cwd: string): string[] {
  const files = [join(environ.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'version')];
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    files.push(join(folder, '.python-version'));
    if (dirname(folder) === folder) break;
  }
  return files;
}

/** The cached probe for `key`, or undefined (missing, unreadable file, or the executable changed since). */
export function readCachedInterpreter(file: string, key: string): ProbedInterpreter | undefined {
  const entry = readCacheFile(file).entries[key];
  if (!entry || typeof entry.executable !== 'string' || typeof entry.version !== 'string') return undefined;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(entry.executable).mtimeMs;
  } catch {
    return undefined;
  }
  return mtimeMs === entry.executableMtimeMs ? { executable: entry.executable, version: entry.version } : undefined;
}

/** Records a probe; a cache that cannot be written (read-only folder) is skipped, as it only saves time. */
export function writeCachedInterpreter(file: string, key: string, probed: ProbedInterpreter): void {
  let executableMtimeMs: number;
  try {
    executableMtimeMs = statSync(probed.executable).mtimeMs;
  } catch {
    return;
  }
  const { entries } = readCacheFile(file);
  delete entries[key];
  entries[key] = { executable: probed.executable, version: probed.version, executableMtimeMs };
  const keys = Object.keys(entries);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete entries[old];
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, entries } satisfies CacheFile) + '\n');
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}

function readCacheFile(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed?.format === FORMAT && parsed.entries && typeof parsed.entries === 'object' && !Array.isArray(parsed.entries)) {
      return { format: FORMAT, entries: parsed.entries };
    }
  } catch {
    // missing or corrupt: a miss, rewritten by the next probe
  }
  return { format: FORMAT, entries: {} };
}

/** `command` as the OS would find it: a path as given, else the first executable file of that name on PATH; real path. */
function resolveCommand(command: string, environ: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const found = findCommand(command, environ, cwd);
  try {
    return found === undefined ? undefined : realpathSync(found);
  } catch {
    return undefined; // gone since: nothing to cache, the probe reports it
  }
}

/** `command` as the OS would find it, before symlinks are resolved (the interpreter cache keys on its real path). */
export function findCommand(command: string, environ: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  const candidates = command.includes('/') || isAbsolute(command)
    ? [resolve(cwd, command)]
    : (environ.PATH ?? '').split(delimiter).filter(Boolean).map((folder) => resolve(cwd, folder, command));
  for (const candidate of candidates) {
    try {
      const stats = statSync(candidate);
      if (stats.isFile() && (stats.mode & 0o111) !== 0) return candidate;
    } catch {
      // not there: try the next folder
    }
  }
  return undefined;
}

function fileStamp(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.mtimeMs}:${stats.size}:${stats.ino}`;
  } catch {
    return undefined;
  }
}
