import {
  formatFiles,
  getProjects,
  logger,
  readNxJson,
  updateNxJson,
  updateProjectConfiguration,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { pluginOptionsFromNxJson, PLUGIN_PACKAGE_NAME } from '../../plugin/plugin-options';

/** The executors whose `parallel` option became `maxParallelTasks` in 0.2.0. */
export const RENAMED_IN_EXECUTORS: readonly string[] = [`${PLUGIN_PACKAGE_NAME}:deploy`, `${PLUGIN_PACKAGE_NAME}:run`];

const OLD_NAME = 'parallel';
const NEW_NAME = 'maxParallelTasks';

/**
 * 0.2.0: deploy and run take `maxParallelTasks` (--max-parallel-tasks),
 * because Nx keeps `--parallel` for itself. The old name still works but is
 * deprecated; this moves every place a workspace sets it in configuration:
 * targets in project.json files that run nx-kubeflow:deploy or
 * nx-kubeflow:run, the deploy/run targets a pipeline's project.json adds to
 * the inferred ones (no executor of their own), and nx.json targetDefaults
 * for those executors or target names. Where both names are set,
 * maxParallelTasks already won, so `parallel` is only removed.
 * `-- --parallel=N` in scripts cannot be found reliably and is left alone.
 */
export default async function renameParallelToMaxParallelTasks(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree);
  const pluginOptions = pluginOptionsFromNxJson(nxJson);
  const inferredTargetNames = new Set([pluginOptions.deployTargetName, pluginOptions.runTargetName]);
  const otherExecutorsOnInferredNames = new Set<string>();

  for (const [projectName, project] of getProjects(tree)) {
    const isPipeline = tree.exists(join(project.root, 'pipeline.yaml'));
    let changed = false;
    for (const [targetName, target] of Object.entries(project.targets ?? {})) {
      if (target.executor && !RENAMED_IN_EXECUTORS.includes(target.executor) && inferredTargetNames.has(targetName)) {
        otherExecutorsOnInferredNames.add(target.executor);
      }
      const runsDeployOrRun = target.executor
        ? RENAMED_IN_EXECUTORS.includes(target.executor)
        : isPipeline && inferredTargetNames.has(targetName);
      if (runsDeployOrRun && renameInTarget(target)) changed = true;
    }
    if (changed) updateProjectConfiguration(tree, projectName, project);
  }

  if (nxJson?.targetDefaults) {
    let changed = false;
    const pluginRegistered = (nxJson.plugins ?? []).some(
      (entry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_PACKAGE_NAME,
    );
    for (const [key, defaults] of Object.entries(nxJson.targetDefaults)) {
      if (!hasOldName(defaults)) continue;
      const forRenamedExecutor =
        RENAMED_IN_EXECUTORS.includes(key) || (defaults.executor !== undefined && RENAMED_IN_EXECUTORS.includes(defaults.executor));
      // Defaults keyed by a target name apply to every target of that name:
      // they are the plugin's own only when no project.json gives that name
      // to another executor.
      const forInferredTargetName = defaults.executor === undefined && pluginRegistered && inferredTargetNames.has(key);
      if (forRenamedExecutor || (forInferredTargetName && otherExecutorsOnInferredNames.size === 0)) {
        renameInTarget(defaults);
        changed = true;
      } else if (forInferredTargetName) {
        logger.warn(
          `nx.json targetDefaults["${key}"] sets "${OLD_NAME}" and was left as it is: targets named "${key}" also run ` +
            `${[...otherExecutorsOnInferredNames].sort().join(', ')}. For nx-kubeflow's deploy and run the option is now "${NEW_NAME}".`,
        );
      }
    }
    if (changed) updateNxJson(tree, nxJson);
  }

  await formatFiles(tree);
}

/** Renames the option in `options` and in every configuration; true when something changed. */
function renameInTarget(target: Partial<TargetConfiguration>): boolean {
  let changed = false;
  if (target.options && OLD_NAME in target.options) {
    target.options = renameKey(target.options, OLD_NAME, NEW_NAME);
    changed = true;
  }
  for (const [name, configuration] of Object.entries(target.configurations ?? {})) {
    if (configuration && OLD_NAME in configuration) {
      target.configurations![name] = renameKey(configuration, OLD_NAME, NEW_NAME);
      changed = true;
    }
  }
  return changed;
}

function hasOldName(target: Partial<TargetConfiguration>): boolean {
  return (
    (target.options !== undefined && OLD_NAME in target.options) ||
    Object.values(target.configurations ?? {}).some((configuration) => configuration && OLD_NAME in configuration)
  );
}

/**
 * The object with `from` renamed to `to` in the same place, so the file's
 * diff is one line; where `to` is already set it wins (as deploy reads them)
 * and `from` is dropped.
 */
export function renameKey(object: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const keepExisting = to in object;
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === from) {
      if (!keepExisting) renamed[to] = value;
    } else {
      renamed[key] = value;
    }
  }
  return renamed;
}
