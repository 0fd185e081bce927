import { hashArray } from '@nx/devkit';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PYTHON_PACKAGE_MARKER } from './project-kinds';

/** What createNodes needs to know of a project folder: everything it reads from disk. */
export interface ProjectFacts {
  hasPyproject: boolean;
  hasDockerfile: boolean;
  /** The environments config/settings.toml declares (none when it is missing or does not parse). */
  environments: string[];
}

/** The files of a project folder that the facts come from. */
const FACT_FILES = [PYTHON_PACKAGE_MARKER, 'Dockerfile', 'config/settings.toml'];

export function readProjectFacts(workspaceRoot: string, projectRoot: string): ProjectFacts {
  const at = (file: string) => join(workspaceRoot, projectRoot, file);
  return {
    hasPyproject: existsSync(at(PYTHON_PACKAGE_MARKER)),
    hasDockerfile: existsSync(at('Dockerfile')),
    // loaded on the first cache miss: with every project's facts cached, no TOML parser is loaded
    environments: (require('./settings-environments') as typeof import('./settings-environments')).settingsEnvironments(at('config/settings.toml')),
  };
}

/**
 * The cache key of a project's facts: a hash of each fact file's path and
 * identity on disk (size, modification and change times, inode), or of its
 * absence, and of the project's kind. Any write to a file changes its change
 * time (which no tool sets back), so a changed, added or removed file is a
 * new key, and reading it again is the only work a changed project costs.
 *
 * Not Nx's content hashes (hashMultiGlobWithWorkspaceContext, as @nx/jest
 * keys its cache): in a plugin worker without the daemon that builds a second
 * workspace context, and matching one glob group per project is quadratic.
 * Measured at 1,000 components (tools/bench/graph-inference.mjs's tree): the
 * globs took 1.3 to 2.3 s, reading every project's facts 0.1 to 0.35 s,
 * these keys 0.03 to 0.2 s.
 */
export function projectFactsKey(workspaceRoot: string, markerFile: string, kind: string): string {
  const root = dirname(markerFile);
  const parts: Array<string | number> = [markerFile, kind];
  for (const file of FACT_FILES) {
    const stats = statSync(join(workspaceRoot, root, file), { throwIfNoEntry: false });
    parts.push(file, ...(stats ? [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino] : ['absent']));
  }
  return hashArray(parts.map(String));
}
