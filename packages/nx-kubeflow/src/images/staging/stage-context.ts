/**
 * The build context of a component's image, staged under
 * dist/components/<name>/context/:
 *
 *   component/          the component folder
 *   packages/<folder>/  each local Python package it depends on ([tool.uv.sources] paths, transitively)
 *
 * without anything isExcludedFromContext names, nor what the component's own
 * .dockerignore leaves out (dockerignore.ts). The context is written beside
 * the old one and swapped in at the end, so a stage that fails half way leaves
 * no half-written context behind.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { localDependencyClosure } from '../../python/pyproject';
import { DockerignoreRules, readDockerignore } from './dockerignore';
import { StagingError } from './staging-error';
import { isExcludedFromContext } from './staging-rules';

export { StagingError };

export interface StagedFile {
  /** Path inside the context, `/`-separated (`component/src/run.py`). */
  path: string;
  /** Absolute path of the staged copy. */
  absolutePath: string;
  kind: 'file' | 'symlink';
  /** Whether any execute bit is set (it changes what the image holds). */
  executable: boolean;
}

export interface StagedContext {
  contextDir: string;
  /** Every staged file, sorted by path. */
  files: StagedFile[];
  /** Workspace-relative roots of the local packages staged, dependencies first. */
  packages: string[];
}

export interface StageContextOptions {
  workspaceRoot: string;
  /** Workspace-relative component root. */
  projectRoot: string;
  /** Absolute folder to stage into (replaced whole). */
  contextDir: string;
}

export function stageContext(options: StageContextOptions): StagedContext {
  const { workspaceRoot, projectRoot, contextDir } = options;
  const packages = localPackagesOf(workspaceRoot, projectRoot);
  const dockerignore = readDockerignore(join(workspaceRoot, projectRoot), projectRoot);
  const sources: Array<[string, string]> = [['component', projectRoot]];
  const folders = new Map<string, string>();
  for (const pkg of packages) {
    const folder = basename(pkg);
    const clash = folders.get(folder);
    if (clash !== undefined) {
      throw new StagingError(
        `Local packages ${clash} and ${pkg} would both be staged as packages/${folder}; rename one folder.`,
      );
    }
    if (!existsSync(join(workspaceRoot, pkg))) {
      throw new StagingError(`${projectRoot}/pyproject.toml depends on ${pkg} ([tool.uv.sources]), which does not exist.`);
    }
    folders.set(folder, pkg);
    sources.push([`packages/${folder}`, pkg]);
  }

  const staging = `${contextDir}.staging-${process.pid}-${randomBytes(4).toString('hex')}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const files: StagedFile[] = [];
    for (const [target, source] of sources) {
      copyProject(join(workspaceRoot, source), staging, target, files, target === 'component' ? dockerignore : undefined);
    }
    if (packages.length === 0) mkdirSync(join(staging, 'packages'), { recursive: true });
    swapIn(staging, contextDir);
    const relocated = files.map((file) => ({ ...file, absolutePath: join(contextDir, file.path) }));
    relocated.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { contextDir, files: relocated, packages };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function localPackagesOf(workspaceRoot: string, projectRoot: string): string[] {
  if (!existsSync(join(workspaceRoot, projectRoot, 'pyproject.toml'))) return [];
  try {
    return localDependencyClosure(workspaceRoot, projectRoot);
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    if (code !== 'ENOENT') throw error;
    throw new StagingError(
      `A local dependency of ${projectRoot} ([tool.uv.sources] path) has no pyproject.toml: ${path}. Fix the path or restore the package.`,
    );
  }
}

/**
 * Copies `sourceRoot` to `<stagingRoot>/<target>`. A folder `dockerignore`
 * leaves out is skipped whole, unless the file has exceptions: then it is
 * walked, nothing of it is made, and only files brought back are copied
 * (with the folders above them), as Docker sends them.
 */
function copyProject(
  sourceRoot: string,
  stagingRoot: string,
  target: string,
  files: StagedFile[],
  dockerignore?: DockerignoreRules,
): void {
  const walk = (relative: string, leftOut: boolean) => {
    const from = relative ? join(sourceRoot, relative) : sourceRoot;
    if (!leftOut) mkdirSync(join(stagingRoot, target, relative), { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (isExcludedFromContext(child)) continue;
      const ignored = dockerignore !== undefined && child !== 'Dockerfile' && dockerignore.ignores(child);
      if (entry.isDirectory()) {
        if (!ignored || dockerignore?.hasExceptions) walk(child, ignored);
        continue;
      }
      if (ignored) continue;
      const source = join(sourceRoot, child);
      const destination = join(stagingRoot, target, child);
      const path = `${target}/${child}`;
      if (leftOut) mkdirSync(dirname(destination), { recursive: true });
      if (entry.isSymbolicLink()) {
        symlinkSync(readlinkSync(source), destination);
        files.push({ path, absolutePath: destination, kind: 'symlink', executable: false });
      } else if (entry.isFile()) {
        copyFileSync(source, destination);
        const executable = (lstatSync(source).mode & 0o111) !== 0;
        files.push({ path, absolutePath: destination, kind: 'file', executable });
      }
      // sockets, fifos and devices have no place in an image
    }
  };
  walk('', false);
}

/** Replaces `contextDir` with `staging` by renames, so readers see the old or the new, never a mix. */
function swapIn(staging: string, contextDir: string): void {
  const old = `${staging}.old`;
  const hadOld = existsSync(contextDir);
  if (hadOld) renameSync(contextDir, old);
  renameSync(staging, contextDir);
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
