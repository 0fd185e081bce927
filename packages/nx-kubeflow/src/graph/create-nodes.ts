import { createNodesFromFiles, type CreateNodesContextV2, type CreateNodesResult, type CreateNodesV2 } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileTarget, deployTarget, dockerBuildTarget, runTarget, settingsTarget, testTarget } from './inferred-targets';
import { settingsEnvironments } from './settings-environments';
import { PROJECT_FILES_GLOB, PROJECT_TAGS, PYTHON_PACKAGE_MARKER, projectKindOf, projectNameOf } from './project-kinds';

export type NxKubeflowPluginOptions = Record<string, never>;

/**
 * Runs on every nx command, so it looks at which marker files exist and
 * reads one small file at most: the project's config/settings.toml, whose
 * environments become target configurations.
 */
export function createProjectNode(
  markerFile: string,
  _options: NxKubeflowPluginOptions | undefined,
  context: CreateNodesContextV2,
): CreateNodesResult {
  const kind = projectKindOf(markerFile);
  if (!kind) return {};
  const root = dirname(markerFile);
  const name = projectNameOf(markerFile);
  const hasPyproject = existsSync(join(context.workspaceRoot, root, PYTHON_PACKAGE_MARKER));
  const hasDockerfile = kind === 'component' && existsSync(join(context.workspaceRoot, root, 'Dockerfile'));
  const environments = kind === 'python-package' ? [] : settingsEnvironments(join(context.workspaceRoot, root, 'config', 'settings.toml'));

  const targets: CreateNodesResult['projects'] = {};
  const project = {
    root,
    name,
    projectType: kind === 'python-package' ? ('library' as const) : ('application' as const),
    tags: PROJECT_TAGS[kind],
    targets: {
      ...(hasPyproject && kind !== 'pipeline' ? { test: testTarget(name) } : {}),
      ...(kind !== 'python-package' ? { settings: settingsTarget(environments) } : {}),
      ...(hasDockerfile ? { 'docker-build': dockerBuildTarget(environments) } : {}),
      ...(kind === 'pipeline'
        ? { compile: compileTarget(name, environments), deploy: deployTarget(environments), run: runTarget(environments) }
        : {}),
    },
  };
  targets[root] = project;
  return { projects: targets };
}

export const createNodesV2: CreateNodesV2<NxKubeflowPluginOptions> = [
  PROJECT_FILES_GLOB,
  (files, options, context) => createNodesFromFiles(createProjectNode, files, options ?? {}, context),
];

/** Nx 22 reads the v2 shape under either name. */
export const createNodes = createNodesV2;
