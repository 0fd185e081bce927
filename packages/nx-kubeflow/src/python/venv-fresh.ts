/**
 * The script the venv target's shell fast path runs (venv-fresh-shell.ts says how), written by the
 * full check when it passes: it names everything the check consulted, as it was then, so that the
 * full check runs again as soon as any of it changes.
 *
 * What the full check consults, and how the script checks each:
 * - the options (`$*`, compared as the command got them) and what picks the interpreter
 *   (VENV_FRESH_ENVIRONMENT, and the command as PATH resolves it now, `command -v`);
 * - the pyproject.toml of the project and of every local path dependency (venv.ts fingerprints
 *   them; their contents give the dependency list), the settings files and component.yaml the
 *   checks read, and pipeline.yaml, whose presence changes what they read: watched when present,
 *   else they must still be missing;
 * - the interpreter: the command as found on PATH (by this process and by the shell), the
 *   executable the probe reported (whose modification the probe cache notices), the base
 *   interpreter the venv's python links to, every symlink on the way to each, and the files a pyenv
 *   shim decides by (interpreter-cache.ts, versionSelectionFiles): watched, or still missing;
 * - the venv's own python and install stamp (venv.ts), and the interpreter probe cache: they must
 *   still be there. The plugin removes the script before it changes the venv (venv.ts), and `nx
 *   reset` removes the probe cache, after which the full check probes the interpreter again.
 *
 * A watched path must still be the same file (`ls -i`, as the probe cache keys on the inode), and
 * neither its change time (ctime: every write, rename or link sets it, and no tool sets it back) nor
 * its modification time (for file systems whose ctime is the creation time) may be newer than the
 * script's modification time. That is set to at least two seconds before the check started (by
 * this machine's clock and by the workspace file system's, whichever is earlier, rounded down to a
 * second): a change during the check, a clock a little behind, or a file system that keeps whole
 * seconds (two for FAT) still shows as newer. The cost is one more full check when a file changed
 * in the two seconds before one started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { findCommand, versionSelectionFiles } from './interpreter-cache';
import type { PythonInterpreter } from './interpreter';
import { interpreterCacheFile } from './project-venv';
import { VENV_FRESH_ENVIRONMENT, VENV_FRESH_IDENTITY, VENV_FRESH_STAMP } from './venv-fresh-shell';

/** How far before the check the stamp's time is put (see the module comment). */
const MARGIN_MS = 2_000;
/** As Linux's MAXSYMLINKS: more links than this on one path is a loop. */
const MAX_SYMLINKS = 40;

/**
 * The time to give the stamp, taken before the check reads anything: the earlier of this
 * machine's clock and the file system's (a file written in `folder` and read back), less the
 * margin, rounded down to a whole second.
 */
export function venvFreshReferenceMs(folder: string): number {
  const now = Date.now();
  let fileSystemNow = now;
  const probe = join(folder, `.nx-kubeflow-clock-${process.pid}`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(probe, '');
    fileSystemNow = statSync(probe).mtimeMs;
  } catch {
    // a folder it cannot write: this machine's clock alone
  } finally {
    rmSync(probe, { force: true });
  }
  return Math.floor((Math.min(now, fileSystemNow) - MARGIN_MS) / 1000) * 1000;
}

export interface VenvFreshStampOptions {
  workspaceRoot: string;
  /** Absolute path of the venv folder. */
  venvDir: string;
  /** The venv command's arguments as it got them (`venv <project> <root> [options]`): the shell's `$*`. */
  args: readonly string[];
  interpreter: PythonInterpreter;
  /** Files the check read that it needs (pyproject.toml files), absolute. */
  requiredFiles: readonly string[];
  /** Files the check read when present or looked for (settings files, component.yaml, pipeline.yaml), absolute. */
  optionalFiles: readonly string[];
  /** The venv's files that must stay (python, install stamp), absolute. */
  venvFiles: readonly string[];
  /** What the full check prints when the venv is up to date, which the script prints in its place. */
  upToDateLine: string;
  /** From venvFreshReferenceMs, taken when the check started. */
  referenceMs: number;
  environ?: NodeJS.ProcessEnv;
}

/** What the script checks (for the specs): paths by change time and identity, paths that must exist, paths that must not. */
export interface VenvFreshWatch {
  watched: string[];
  present: string[];
  missing: string[];
}

/**
 * Writes the venv's fast-path script (venv-fresh-shell.ts; by rename, so no shell ever reads half
 * of one), or says why not: the command then finds none and runs the full check every time, as
 * before the fast path.
 */
export function writeVenvFreshStamp(options: VenvFreshStampOptions): ({ written: true } & VenvFreshWatch) | { written: false; reason: string } {
  const environ = options.environ ?? process.env;
  const stamp = join(options.venvDir, VENV_FRESH_STAMP);
  rmSync(stamp, { force: true });
  if (process.platform === 'win32') return { written: false, reason: 'Windows runs the full check (cmd.exe has no fast path)' };
  // the options are written out in the script: an index URL with a user or token in it must not be
  if (options.args.some((arg) => /:\/\/[^/\s]*@/.test(arg))) return { written: false, reason: 'an option holds a URL with credentials' };

  // what the script compares, as the same shell expands it in the same folder: nothing to spell twice
  const shell = spawnSync('/bin/sh', ['-c', `printf '%s\\n' "${VENV_FRESH_ENVIRONMENT}" "$(command -v "$1")"`, 'sh', options.interpreter.command], {
    cwd: options.workspaceRoot,
    env: environ,
    encoding: 'utf8',
  });
  const [environment, shellFound] = (shell.stdout ?? '').split('\n');
  if (shell.status !== 0 || !shellFound) return { written: false, reason: `the shell did not find ${options.interpreter.command} (${shell.error?.message ?? `exit ${shell.status}`})` };

  const watched = new Set<string>();
  const present = new Set<string>();
  const missing = new Set<string>();
  const venvPrefix = options.venvDir + sep;
  const watch = (path: string, { required }: { required: boolean }): boolean => {
    const chain = resolutionChain(path);
    if (!chain) {
      if (!required) missing.add(resolve(path));
      return !required;
    }
    for (const entry of chain) (entry.startsWith(venvPrefix) ? present : watched).add(entry);
    return true;
  };
  // as the probe cache finds the command and its .python-version files: from this process's folder (the workspace root)
  const found = findCommand(options.interpreter.command, environ, process.cwd());
  const required = [...options.requiredFiles, ...options.venvFiles, options.interpreter.executable, ...(found ? [found] : []), shellFound];
  for (const file of required) {
    if (!watch(file, { required: true })) return { written: false, reason: `${file} does not resolve` };
  }
  for (const file of [...options.optionalFiles, ...versionSelectionFiles(environ, process.cwd())]) watch(file, { required: false });
  // `nx reset` removes the probe cache: the full check then probes the interpreter again, and so should the next run
  const probeCache = interpreterCacheFile(options.workspaceRoot, environ);
  if (existsSync(probeCache)) present.add(probeCache);

  const identity = spawnSync('/bin/sh', ['-c', VENV_FRESH_IDENTITY, 'sh', ...watched], { cwd: options.workspaceRoot, env: environ, encoding: 'utf8' });
  if (identity.status !== 0) return { written: false, reason: `ls -i failed: ${identity.stdout ?? ''}${identity.error?.message ?? ''}`.trim() };

  const words = (paths: Iterable<string>) => [...paths].map(shellQuote).join(' ');
  const script = [
    '# nx-kubeflow: the venv target\'s fast path for this venv, written by its last full check (src/python/venv-fresh.ts).',
    '# The target\'s command sources it; it says the venv is up to date only while nothing that check read has changed.',
    `[ "$*" = ${shellQuote(options.args.join(' '))} ] || exit 1`,
    `[ "${VENV_FRESH_ENVIRONMENT}" = ${shellQuote(environment)} ] || exit 1`,
    `[ "$(command -v ${shellQuote(options.interpreter.command)})" = ${shellQuote(shellFound)} ] || exit 1`,
    ...(present.size ? [`for f in ${words(present)}; do [ -e "$f" ] || exit 1; done`] : []),
    ...(missing.size ? [`for f in ${words(missing)}; do [ -e "$f" ] && exit 1; done`] : []),
    '# changed since the check started (this file\'s modification time), by change time or modification time',
    `o=$(find ${words(watched)} -prune \\( -cnewer ${shellQuote(stamp)} -o -newer ${shellQuote(stamp)} \\) 2>&1) && [ -z "$o" ] || exit 1`,
    '# the same files',
    `set -- ${words(watched)}`,
    `o=$(${VENV_FRESH_IDENTITY}) && [ "$o" = ${shellQuote(identity.stdout.replace(/\n$/, ''))} ] || exit 1`,
    `printf '%s\\n' ${shellQuote(options.upToDateLine)}`,
    '',
  ].join('\n');
  const temporary = `${stamp}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script);
    utimesSync(temporary, options.referenceMs / 1000, options.referenceMs / 1000);
    renameSync(temporary, stamp);
  } catch (error) {
    rmSync(temporary, { force: true });
    return { written: false, reason: (error as Error).message };
  }
  return { written: true, watched: [...watched], present: [...present], missing: [...missing] };
}

/** One shell word, single-quoted. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every symlink met on the way to `path`'s real file, in order, then that file: what must stay
 * as it is for the path to lead to the same file with the same contents. Undefined when it leads
 * nowhere (missing, or a loop).
 */
export function resolutionChain(path: string): string[] | undefined {
  const met: string[] = [];
  let pending = resolve(path).split(sep).filter(Boolean);
  let current: string = sep;
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    // `current` holds no symlink, so its parent on disk is its parent by name
    if (part === '..') {
      current = resolve(current, '..');
      continue;
    }
    const next = join(current, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++links > MAX_SYMLINKS) return undefined;
    met.push(next);
    const target = readlinkSync(next);
    if (isAbsolute(target)) current = sep;
    pending = [...target.split(sep).filter(Boolean), ...pending];
  }
  return [...met, current];
}
