import { createNodesFromFiles, type CreateNodesContextV2, type CreateNodesResult, type CreateNodesV2 } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileTarget, deployTarget, runTarget, settingsTarget, testTarget } from './inferred-targets';
import { PROJECT_FILES_GLOB, PROJECT_TAGS, PYTHON_PACKAGE_MARKER, projectKindOf, projectNameOf } from './project-kinds';

export type NxKubeflowPluginOptions = Record<string, never>;

/**
 * Runs on every nx command, so it only looks at which marker files exist;
 * no file is parsed here.
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

  const targets: CreateNodesResult['projects'] = {};
  const project = {
    root,
    name,
    projectType: kind === 'python-package' ? ('library' as const) : ('application' as const),
    tags: PROJECT_TAGS[kind],
    targets: {
      ...(hasPyproject && kind !== 'pipeline' ? { test: testTarget(name) } : {}),
      ...(kind !== 'python-package' ? { settings: settingsTarget() } : {}),
      ...(kind === 'pipeline' ? { compile: compileTarget(name), deploy: deployTarget(), run: runTarget() } : {}),
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
