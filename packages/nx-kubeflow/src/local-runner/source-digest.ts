/**
 * Content digests for the cache key: a component's source folder (the files
 * git would commit, else a plain walk), and an input artifact (a file or a
 * folder). Files that never reach an image or a commit - venvs, build output,
 * caches, settings.local.toml, .secrets.* - are left out, so creating a venv
 * or editing local settings does not invalidate the cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SKIPPED_DIRS = new Set(['.venv', 'dist', '__pycache__', '.pytest_cache', 'node_modules', '.git', '.mypy_cache', '.ruff_cache']);

function skipped(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  const file = parts[parts.length - 1];
  return (
    parts.slice(0, -1).some((dir) => SKIPPED_DIRS.has(dir) || dir.endsWith('.egg-info')) ||
    file === 'settings.local.toml' ||
    file.startsWith('.secrets.') ||
    file.endsWith('.pyc')
  );
}

/** Files of a folder, relative, sorted: git's view (tracked + untracked, not ignored) where there is one. */
export function sourceFiles(dir: string): string[] {
  const git = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '.'], { cwd: dir, encoding: 'utf8' });
  const listed =
    git.status === 0
      ? git.stdout.split('\0').filter((file) => file !== '')
      : walk(dir).map((file) => relative(dir, file).split(sep).join('/'));
  return [...new Set(listed)].filter((file) => !skipped(file) && isFile(join(dir, file))).sort();
}

/** sha256 over the relative path and content of every source file of a folder. */
export function sourceDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(dir)) hashFile(hash, file, join(dir, file));
  return hash.digest('hex');
}

/**
 * What the source digest leaves out but a component reads when it runs: its
 * settings.local.toml and .secrets.* files (dynaconf loads them after the
 * committed settings). Only a sha256 of their paths and contents goes into
 * the cache key - no secret is written to the cache. undefined when there
 * are none, so keys made before such files existed stay the same.
 */
export function localSettingsDigest(dir: string): string | undefined {
  const files = walk(dir)
    .map((file) => relative(dir, file).split(sep).join('/'))
    .filter((file) => {
      const name = file.split('/').pop() ?? '';
      return name === 'settings.local.toml' || name.startsWith('.secrets.');
    })
    .sort();
  if (files.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const file of files) hashFile(hash, file, join(dir, file));
  return hash.digest('hex');
}

/** sha256 of an artifact: a file's content, or a folder's files with their relative paths. */
export function artifactDigest(path: string): string {
  const hash = createHash('sha256');
  if (!existsSync(path)) hash.update('missing');
  else if (statSync(path).isDirectory()) {
    for (const file of walk(path).sort()) hashFile(hash, relative(path, file).split(sep).join('/'), file);
  } else hash.update(readFileSync(path));
  return hash.digest('hex');
}

function hashFile(hash: Hash, name: string, file: string): void {
  const content = readFileSync(file);
  hash.update(`${name}\0${content.length}\0`);
  hash.update(content);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // listed by git but deleted
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...walk(path));
    } else if (entry.isFile()) out.push(path);
  }
  return out;
}
