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

/**
 * The files of a project folder the facts come from. The createNodes glob
 * (PROJECT_FILES_GLOB) names them all, so Nx's own file list says which
 * exist, and only the settings file is ever read.
 */
export const FACT_FILES = { pyproject: PYTHON_PACKAGE_MARKER, dockerfile: 'Dockerfile', settings: 'config/settings.toml' } as const;

/** Which files the workspace has, from the paths Nx matched against the glob (workspace-relative, `/`-separated). */
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
 * A project's facts: existence from the matched files (no disk access), the
 * environments from its settings file, kept in `environmentsCache` by the
 * file's path and identity on disk (size, modification and change times,
 * inode). Any write to a file changes its change time (which no tool sets
 * back), so a changed file is a new key, and reading it again is the only
 * work a changed project costs.
 *
 * Why not Nx's content hashes (hashMultiGlobWithWorkspaceContext, as @nx/jest
 * keys its cache): in a plugin worker without the daemon that builds a second
 * workspace context, and matching one glob group per project is quadratic
 * (1.3 to 2.3 s at 1,000 components). Why not stat every fact file, as this
 * did before: at 1,000 components three stats and a hash per project took
 * 100 to 120 ms of a cold graph build, and two existence checks more; one
 * stat and a plain string key cost a third of that (tools/bench/README.md).
 */
export function projectFacts(
  workspaceRoot: string,
  projectRoot: string,
  matched: MatchedFiles,
  environmentsCache: GraphCache<string[]>,
): ProjectFacts {
  const hasSettings = matched.has(projectRoot, FACT_FILES.settings);
  const settingsFile = join(workspaceRoot, projectRoot, FACT_FILES.settings);
  return {
    hasPyproject: matched.has(projectRoot, FACT_FILES.pyproject),
    hasDockerfile: matched.has(projectRoot, FACT_FILES.dockerfile),
    environments: hasSettings
      ? environmentsCache.get(fileIdentityKey(settingsFile), () =>
          // loaded on the first cache miss: with every project's environments cached, no TOML parser is loaded
          (require('./settings-environments') as typeof import('./settings-environments')).settingsEnvironments(settingsFile),
        )
      : [],
  };
}

/** A file's path and identity on disk; undefined (never cached) when it cannot be stat'ed. */
export function fileIdentityKey(file: string): string | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${file}\0${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}\0${stats.ino}` : undefined;
}
