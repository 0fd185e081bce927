import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON_PACKAGE_MARKER } from './project-kinds';
import type { GraphCache } from './graph-cache';

/** What createNodes needs to know of a project folder. */
export interface ProjectFacts {
  hasPyproject: boolean;
  hasDockerfile: boolean;
  /** The environments config/settings.toml declares (none when it is missing or does not parse). */
  environments: string[];
}

/** The files of a project folder the facts come from; only the settings file is ever read. */
export const FACT_FILES = { pyproject: PYTHON_PACKAGE_MARKER, dockerfile: 'Dockerfile', settings: 'config/settings.toml' } as const;

/** Which marker files the workspace has, from the paths Nx matched against the glob (workspace-relative, `/`-separated). */
export class MatchedFiles {
  private readonly present: Set<string>;

  constructor(files: readonly string[]) {
    this.present = new Set(files.map((file) => file.split('\\').join('/')));
  }

  has(projectRoot: string, file: string): boolean {
    return this.present.has(projectRoot === '.' || projectRoot === '' ? file : `${projectRoot}/${file}`);
  }
}

/**
 * A project's facts: pyproject.toml from the matched files (a marker, so in
 * Nx's list), the Dockerfile from one stat, and the environments from its
 * settings file, kept in `environmentsCache` by the file's path and identity
 * on disk (size, modification and change times, inode; the same stat says
 * whether it exists). Any write to a file changes its change time (which no
 * tool sets back), so a changed file is a new key, and reading it again is
 * the only work a changed project costs.
 *
 * Why not Nx's content hashes (hashMultiGlobWithWorkspaceContext, as @nx/jest
 * keys its cache): in a plugin worker without the daemon that builds a second
 * workspace context, and matching one glob group per project is quadratic
 * (1.3 to 2.3 s at 1,000 components). Why not widen the glob to the
 * Dockerfile and settings file to spare the two stats: see PROJECT_FILES_GLOB.
 */
export function projectFacts(
  workspaceRoot: string,
  projectRoot: string,
  matched: MatchedFiles,
  environmentsCache: GraphCache<string[]>,
): ProjectFacts {
  const settingsKey = fileIdentityKey(join(workspaceRoot, projectRoot, FACT_FILES.settings));
  return {
    hasPyproject: matched.has(projectRoot, FACT_FILES.pyproject),
    hasDockerfile: statSync(join(workspaceRoot, projectRoot, FACT_FILES.dockerfile), { throwIfNoEntry: false })?.isFile() ?? false,
    environments: settingsKey
      ? environmentsCache.get(settingsKey, () =>
          // loaded on the first cache miss: with every project's environments cached, no TOML parser is loaded
          (require('./settings-environments') as typeof import('./settings-environments')).settingsEnvironments(
            join(workspaceRoot, projectRoot, FACT_FILES.settings),
          ),
        )
      : [],
  };
}

/** A file's path and identity on disk; undefined (never cached) when it cannot be stat'ed. */
export function fileIdentityKey(file: string): string | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${file}\0${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}\0${stats.ino}` : undefined;
}
