import { joinPathFragments, type Tree } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folder under packagesDir that holds the runtime, as the graph and the Dockerfile expect it. */
export const COMPONENT_RUNTIME_FOLDER = 'component-runtime';

/** What the team gets of the runtime: the project and its tests, nothing a build or a venv made. */
const COPIED_FILES = ['pyproject.toml', 'README.md'];
const COPIED_FOLDERS = ['src', 'tests'];

/**
 * Left out at any depth: build and install by-products, caches, and the two
 * kinds of file that stay on the machine they were written on.
 */
function isLeftOut(name: string): boolean {
  return (
    name === '__pycache__' ||
    name === '.venv' ||
    name === '.pytest_cache' ||
    name === '.ruff_cache' ||
    name === 'settings.local.toml' ||
    name.startsWith('.secrets.') ||
    name.endsWith('.egg-info') ||
    name.endsWith('.pyc')
  );
}

export function componentRuntimeRoot(packagesDir: string): string {
  return joinPathFragments(packagesDir, COMPONENT_RUNTIME_FOLDER);
}

/**
 * Writes the runtime's source into the tree under `targetRoot`, so the
 * workspace owns it from then on. Through the tree, so `--dry-run` lists
 * every file. Returns the workspace-relative paths written.
 */
export function writeComponentRuntimeSource(tree: Tree, sourceDir: string, targetRoot: string): string[] {
  const written: string[] = [];
  const copy = (relative: string) => {
    const target = joinPathFragments(targetRoot, relative);
    tree.write(target, readFileSync(join(sourceDir, relative)));
    written.push(target);
  };
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(sourceDir, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (isLeftOut(entry.name)) continue;
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) copy(child);
    }
  };
  for (const file of COPIED_FILES) {
    if (existsSync(join(sourceDir, file))) copy(file);
  }
  for (const folder of COPIED_FOLDERS) {
    if (existsSync(join(sourceDir, folder))) walk(folder);
  }
  return written;
}

/**
 * A PEP 440 public version (N(.N)*[{a|b|rc}N][.postN][.devN]), the form
 * `component-runtime==<version>` takes; epochs and local labels are left out
 * as a published runtime has neither.
 */
export function isPublicVersion(version: string): boolean {
  return /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/.test(version);
}
