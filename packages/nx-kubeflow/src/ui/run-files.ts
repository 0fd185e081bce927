/**
 * Which files the view may serve: only those inside a run's folder. A path
 * comes from the page (an artifact's or a log's location) and is checked
 * three ways: as text (no absolute path, no `..` segment, once decoded: the
 * router decodes %2e%2e before it gets here, and a second encoding is refused
 * by refusing `%` in what remains), by resolving it under the run folder, and
 * by its real path (a symlink inside the run folder that points out of it is
 * refused too).
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

export class RunFileRefused extends Error {}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The absolute real path of `requested` (relative to the run folder, or
 * absolute but inside it, as run.json writes artifact paths), or a
 * RunFileRefused saying why not.
 */
export function runFile(runDir: string, requested: string): string {
  if (requested.includes('\0')) throw new RunFileRefused('the path holds a NUL character');
  if (/%[0-9a-f]{2}/i.test(requested)) throw new RunFileRefused('the path is still percent-encoded after decoding');
  const root = realpathSync(runDir);
  const candidate = isAbsolute(requested) ? resolve(requested) : resolve(runDir, requested);
  const segments = requested.split(/[\\/]+/);
  if (segments.includes('..')) throw new RunFileRefused('the path has a ".." segment');
  if (!inside(resolve(runDir), candidate) && !inside(root, candidate)) throw new RunFileRefused('the path is outside the run folder');
  if (!existsSync(candidate)) throw new RunFileRefused('no such file in the run folder');
  const real = realpathSync(candidate);
  if (!inside(root, real)) throw new RunFileRefused('the path leads out of the run folder (a symbolic link)');
  return real;
}

/** Whether a path is a file (a folder artifact is listed, not served). */
export function isFile(path: string): boolean {
  return statSync(path).isFile();
}

