import { createNodesFromFiles, type CreateNodesContextV2, type CreateNodesResult, type CreateNodesV2 } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileTarget, deployTarget, dockerBuildTarget, runTarget, settingsTarget, testTarget } from './inferred-targets';
import { settingsEnvironments } from './settings-environments';
import { PROJECT_FILES_GLOB, PROJECT_TAGS, PYTHON_PACKAGE_MARKER, projectKindOf, projectNameOf } from './project-kinds';

export type NxKubeflowPluginOptions = Record<string, never>;

/** What createNodes works out once for the whole workspace. */
interface WorkspaceFacts {
  /** Every environment any project's settings declare. */
  environments: string[];
}

/**
 * Runs on every nx command, so it looks at which marker files exist and
 * reads one small file at most: the project's config/settings.toml, whose
 * environments become target configurations.
 */
export function createProjectNode(
  markerFile: string,
  _options: NxKubeflowPluginOptions | undefined,
  context: CreateNodesContextV2,
  facts: WorkspaceFacts = { environments: settingsEnvironments(settingsFileOf(context.workspaceRoot, markerFile)) },
): CreateNodesResult {
  const kind = projectKindOf(markerFile);
  if (!kind) return {};
  const root = dirname(markerFile);
  const name = projectNameOf(markerFile);
  const hasPyproject = existsSync(join(context.workspaceRoot, root, PYTHON_PACKAGE_MARKER));
  const hasDockerfile = kind === 'component' && existsSync(join(context.workspaceRoot, root, 'Dockerfile'));
  const environments = kind === 'python-package' ? [] : facts.environments;

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

/**
 * Configurations are the union of the environments every project's settings
 * declare: Nx silently drops `-c staging` for a target without that
 * configuration and runs its defaults, so a pipeline whose own settings.toml
 * has no [staging] (its components' do, or a settings.local.toml) must still
 * get `--env staging`, not a development deploy.
 */
export const createNodesV2: CreateNodesV2<NxKubeflowPluginOptions> = [
  PROJECT_FILES_GLOB,
  (files, options, context) => {
    const environments = new Set<string>();
    for (const file of files) {
      if (projectKindOf(file) === 'python-package') continue;
      for (const env of settingsEnvironments(settingsFileOf(context.workspaceRoot, file))) environments.add(env);
    }
    const facts: WorkspaceFacts = { environments: [...environments].sort() };
    return createNodesFromFiles((file, opts, ctx) => createProjectNode(file, opts, ctx, facts), files, options ?? {}, context);
  },
];

function settingsFileOf(workspaceRoot: string, markerFile: string): string {
  return join(workspaceRoot, dirname(markerFile), 'config', 'settings.toml');
}

/** Nx 22 reads the v2 shape under either name. */
export const createNodes = createNodesV2;
