import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, TargetConfiguration } from '@nx/devkit';
// @nx/devkit's createNodesFromFiles, from the module Nx's plugin worker has loaded already: the
// devkit index would load ~100 ms more of Nx on every graph build (graph-cache.ts).
import { createNodesFromFiles } from 'nx/src/project-graph/plugins/utils';
import { dirname } from 'node:path';
import { normalizePluginOptions, type NormalizedPluginOptions, type NxKubeflowPluginOptions } from '../plugin/plugin-options';
import {
  compileTarget,
  deployTarget,
  dockerBuildTarget,
  lintTarget,
  runTarget,
  settingsTarget,
  uiTarget,
  pipelineCommandLauncher,
  pythonCommandLauncher,
  testTarget,
  VENV_TARGET_NAME,
  venvTarget,
  type UpstreamInput,
} from './inferred-targets';
import { PROJECT_FILES_GLOB, PROJECT_TAGS, projectKindOf, projectMarkerFiles, projectNameOf } from './project-kinds';
import { GraphCache, graphCachePath } from './graph-cache';
import { MatchedFiles, projectFacts, type ProjectFacts } from './project-facts';

export type { NxKubeflowPluginOptions } from '../plugin/plugin-options';

/**
 * The project a marker file makes, from what its folder holds (`facts`,
 * read or cached) and the environments of the whole workspace. Pure: no
 * file is read here.
 */
export function projectNode(
  markerFile: string,
  options: NormalizedPluginOptions,
  facts: ProjectFacts,
  workspaceEnvironments: readonly string[],
  upstreamInput: UpstreamInput = '^production',
  pythonLauncher = 'node node_modules/nx-kubeflow/src/commands/python-cli.js',
  pipelineLauncher = 'node node_modules/nx-kubeflow/src/commands/pipeline-cli.js',
): CreateNodesResult {
  const kind = projectKindOf(markerFile, options);
  if (!kind) return {};
  const root = dirname(markerFile);
  const name = projectNameOf(markerFile);
  const environments = kind === 'python-package' ? [] : workspaceEnvironments;
  const isPython = facts.hasPyproject && kind !== 'pipeline';

  const targets: Record<string, TargetConfiguration> = {};
  if (isPython) {
    targets[VENV_TARGET_NAME] = venvTarget(name, VENV_TARGET_NAME, root, { launcher: pythonLauncher });
    targets[options.testTargetName] = testTarget(name, options.testTargetName, root, { upstreamInput, launcher: pythonLauncher });
    targets[options.lintTargetName] = lintTarget(name, options.lintTargetName, root, { syncComponentReadme: kind === 'component' });
  }
  if (kind !== 'python-package') targets[options.settingsTargetName] = settingsTarget(name, options.settingsTargetName, environments);
  if (kind === 'component' && facts.hasDockerfile) {
    targets[options.dockerBuildTargetName] = dockerBuildTarget(name, options.dockerBuildTargetName, environments);
  }
  if (kind === 'pipeline') {
    const command = { launcher: pipelineLauncher, projectRoot: root };
    targets[options.compileTargetName] = compileTarget(name, options.compileTargetName, environments, upstreamInput, command);
    targets[options.deployTargetName] = deployTarget(name, options.deployTargetName, environments, command);
    targets[options.runTargetName] = runTarget(name, options.runTargetName, environments, command);
    targets[options.uiTargetName] = uiTarget(name, options.uiTargetName);
  }
  return {
    projects: {
      [root]: {
        root,
        name,
        projectType: kind === 'python-package' ? 'library' : 'application',
        tags: PROJECT_TAGS[kind],
        targets,
      },
    },
  };
}

/**
 * Runs on every nx command that builds the project graph. Per project it
 * needs three facts: whether pyproject.toml and a Dockerfile exist (the glob
 * matches them, so Nx's file list says), and the environments
 * config/settings.toml declares, kept in .nx/workspace-data by the file's
 * identity (project-facts.ts), as @nx/jest keeps its targets, so a graph
 * rebuild reads only the settings files that changed.
 *
 * Configurations are the union of the environments every project's settings
 * declare: Nx silently drops `-c staging` for a target without that
 * configuration and runs its defaults, so a pipeline whose own settings.toml
 * has no [staging] (its components' do, or a settings.local.toml) must still
 * get `--env staging`, not a development deploy.
 */
export const createNodesV2: CreateNodesV2<NxKubeflowPluginOptions> = [
  PROJECT_FILES_GLOB,
  async (files, rawOptions, context: CreateNodesContextV2) => {
    const options = normalizePluginOptions(rawOptions);
    const markers = projectMarkerFiles(files, options);
    const matched = new MatchedFiles(files);
    const cache = new GraphCache<string[]>(graphCachePath(context.workspaceRoot, 'settings-environments', options));
    try {
      const kinds = markers.map((marker) => projectKindOf(marker, options)!);
      const facts: ProjectFacts[] = markers.map((marker) => projectFacts(context.workspaceRoot, dirname(marker), matched, cache));
      const environments = [
        ...new Set(
          facts.flatMap((projectFacts, index) => (kinds[index] === 'python-package' ? [] : projectFacts.environments)),
        ),
      ].sort();
      const pythonLauncher = pythonCommandLauncher(context.workspaceRoot);
      const pipelineLauncher = pipelineCommandLauncher(context.workspaceRoot);
      return await createNodesFromFiles(
        (marker, _options, _context, index) =>
          projectNode(marker, options, facts[index], environments, upstreamInputOf(context), pythonLauncher, pipelineLauncher),
        markers,
        rawOptions ?? {},
        context,
      );
    } finally {
      cache.save();
    }
  },
];

/** Nx 22 reads the v2 shape under either name. */
export const createNodes = createNodesV2;

/**
 * What a target hashes of the projects it depends on: their production files
 * where nx.json names that input, else all their files, as @nx/jest's inferred
 * targets do. Workspaces from some presets (npm, for one) define no
 * `production`, and an undefined named input fails every task that uses it.
 */
export function upstreamInputOf(context: Pick<CreateNodesContextV2, 'nxJsonConfiguration'>): UpstreamInput {
  return context.nxJsonConfiguration?.namedInputs?.['production'] ? '^production' : '^default';
}
