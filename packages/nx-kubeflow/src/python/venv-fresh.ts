/**
 * The stamp the venv target's shell fast path answers from (venv-fresh-shell.ts says how it is
 * read): written by the full check when it passes, listing everything the check consulted, so that
 * the shell runs the full check again as soon as any of it changes.
 *
 * What the full check consults, and how each is watched:
 * - the pyproject.toml of the project and of every local path dependency (venv.ts fingerprints
 *   them; their contents give the dependency list), the settings files and component.yaml the
 *   checks read and pipeline.yaml, whose presence changes what they read: `+` when present
 *   (change time), `-` when missing;
 * - the interpreter: the command as found on PATH (by this process and by the shell, with every
 *   symlink on the way), the executable the probe reported (whose modification the probe cache
 *   watches), the venv's python and the symlinks from it to the base interpreter, and the files a
 *   pyenv shim decides by (interpreter-cache.ts, versionSelectionFiles); the variables that pick
 *   it are in the key;
 * - the options, as the key's `$*`;
 * - which file each `+` path is (its inode, by `ls -i`): a path may come to lead to another file
 *   whose times are older than the stamp (a folder renamed over another, a rebuilt container's
 *   interpreter), which the times alone would not show;
 * - the venv's own python and install stamp (venv.ts), and the interpreter probe cache, `=`: the
 *   plugin removes this stamp before it changes the venv, so they need only still be there; the
 *   probe cache goes with `nx reset`, after which the full check probes the interpreter again.
 *
 * A change time (and a modification time, for file systems whose change time is the creation
 * time) is compared with the stamp's modification time, which is set to at least two
 * seconds before the check started (by this machine's clock and by the workspace file system's,
 * whichever is earlier, rounded down to a second): a change during the check, a clock that runs a
 * little behind, or a file system that keeps whole seconds (two for FAT) still shows as newer. The
 * cost is one more full check when a file changed in the two seconds before one started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { findCommand, versionSelectionFiles } from './interpreter-cache';
import type { PythonInterpreter } from './interpreter';
import { interpreterCacheFile } from './project-venv';
import { VENV_FRESH_IDENTITY, VENV_FRESH_KEY, VENV_FRESH_STAMP } from './venv-fresh-shell';

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
  /** From venvFreshReferenceMs, taken when the check started. */
  referenceMs: number;
  environ?: NodeJS.ProcessEnv;
}

/**
 * Writes the stamp (by rename, so the shell never reads half of one), or says why not: the shell
 * then finds none and runs the full check every time, as before the fast path.
 */
export function writeVenvFreshStamp(options: VenvFreshStampOptions): { written: true } | { written: false; reason: string } {
  const environ = options.environ ?? process.env;
  const stamp = join(options.venvDir, VENV_FRESH_STAMP);
  rmSync(stamp, { force: true });
  if (process.platform === 'win32') return { written: false, reason: 'Windows runs the full check (cmd.exe has no fast path)' };
  // the key is written out as the shell expands it: an index URL with a user or token in it must not be
  if (options.args.some((arg) => /:\/\/[^/\s]*@/.test(arg))) return { written: false, reason: 'an option holds a URL with credentials' };

  const shell = spawnSync('/bin/sh', ['-c', `nxk_c=$1; shift; printf '%s\\n' "${VENV_FRESH_KEY}"; command -v "$nxk_c"`, 'sh', options.interpreter.command, ...options.args], {
    cwd: options.workspaceRoot,
    env: environ,
    encoding: 'utf8',
  });
  const [key, shellFound] = (shell.stdout ?? '').split('\n');
  if (shell.status !== 0 || !key) return { written: false, reason: `the shell did not expand the key (${shell.error?.message ?? `exit ${shell.status}`})` };

  const lines = new Set<string>();
  const venvPrefix = options.venvDir + sep;
  const watch = (path: string, { required }: { required: boolean }): boolean => {
    const chain = resolutionChain(path);
    if (!chain) {
      if (required) return false;
      lines.add(`-${resolve(path)}`);
      return true;
    }
    for (const entry of chain) lines.add(entry.startsWith(venvPrefix) ? `=${entry}` : `+${entry}`);
    return true;
  };
  // as the probe cache finds the command and its .python-version files: from this process's folder (the workspace root)
  const found = findCommand(options.interpreter.command, environ, process.cwd());
  const required = [
    ...options.requiredFiles,
    ...options.venvFiles,
    options.interpreter.executable,
    ...(found ? [found] : []),
    ...(shellFound ? [shellFound] : []),
  ];
  for (const file of required) {
    if (!watch(file, { required: true })) return { written: false, reason: `${file} does not resolve` };
  }
  for (const file of [...options.optionalFiles, ...versionSelectionFiles(environ, process.cwd())]) watch(file, { required: false });
  // `nx reset` removes the probe cache: the full check then probes the interpreter again, and so should the next run
  const probeCache = interpreterCacheFile(options.workspaceRoot, environ);
  if (existsSync(probeCache)) lines.add(`=${probeCache}`);

  // which files the `+` paths are now, as the shell's `ls` prints it (in the same order, so the same sorting)
  const watched = [...lines].filter((line) => line.startsWith('+')).map((line) => line.slice(1));
  const identity = spawnSync('/bin/sh', ['-c', VENV_FRESH_IDENTITY, 'sh', ...watched], { cwd: options.workspaceRoot, env: environ, encoding: 'utf8' });
  if (identity.status !== 0) return { written: false, reason: `ls -i failed: ${identity.stdout ?? ''}${identity.error?.message ?? ''}`.trim() };
  const identities = identity.stdout.replace(/\n$/, '').split('\n').map((line) => `#${line}`);

  const stampLines = [options.interpreter.command, key, ...lines, ...identities];
  if (stampLines.some((line) => line.includes('\n'))) return { written: false, reason: 'a path or the key holds a line break' };
  const text = stampLines.join('\n') + '\n';
  const temporary = `${stamp}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    utimesSync(temporary, options.referenceMs / 1000, options.referenceMs / 1000);
    renameSync(temporary, stamp);
  } catch (error) {
    rmSync(temporary, { force: true });
    return { written: false, reason: (error as Error).message };
  }
  return { written: true };
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
