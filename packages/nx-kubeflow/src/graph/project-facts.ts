import { hashArray, type CreateNodesContextV2 } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashMultiGlobWithWorkspaceContext } from 'nx/src/devkit-internals';
import type { NormalizedPluginOptions } from '../plugin/plugin-options';
import { PYTHON_PACKAGE_MARKER, projectKindOf } from './project-kinds';
import { settingsEnvironments } from './settings-environments';

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
    environments: settingsEnvironments(at('config/settings.toml')),
  };
}

/**
 * One key per marker file: a hash of the files its facts come from (from
 * Nx's workspace context, which has hashed every file already), of the
 * marker's path and of its kind. A file that appears, changes or goes away
 * changes the key.
 */
export async function projectFactsKeys(
  markers: readonly string[],
  options: NormalizedPluginOptions,
  context: CreateNodesContextV2,
): Promise<string[]> {
  if (markers.length === 0) return [];
  const globGroups = markers.map((marker) => FACT_FILES.map((file) => join(dirname(marker), file)));
  const hashes = await hashMultiGlobWithWorkspaceContext(context.workspaceRoot, globGroups);
  return markers.map((marker, index) => hashArray([hashes[index], marker, projectKindOf(marker, options) ?? '']));
}
