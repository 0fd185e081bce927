import { formatFiles, logger, readNxJson, type Tree } from '@nx/devkit';
import { normalizeMigrationContext, pluginIsRegistered } from './lib/context';
import { updateProjectTargets } from './lib/project-targets';
import { updateTargetDefaults } from './lib/target-defaults';

export { COMMAND_KINDS, type CommandKind } from './lib/command-kinds';

/**
 * 0.3.0: the inferred venv, test, compile, deploy and run targets are
 * `nx:run-commands` targets running the plugin's own commands instead of the
 * nx-kubeflow:<name> executors (Nx forked a process loading Nx for every
 * executor task). The executors remain, for project.json targets that name
 * them, with the same options as before (their schemas did not change since
 * 0.2.0, apart from `parallel`, which the 0.2.0 migration renames), so those
 * targets are left as they are. What changes meaning for inferred targets:
 *
 * - nx.json targetDefaults keyed by an executor (`nx-kubeflow:test`) no
 *   longer reach them (Nx reads defaults by executor, else by target name):
 *   they move to the inferred target's name, as the plugin options in nx.json
 *   name it; the executor's entry stays while a project.json target still
 *   runs that executor.
 * - the venv options (python, extras, indexUrl) are the venv target's, not
 *   the test target's; extras is one comma-separated string.
 * - compile, deploy and run name the settings environment `settingsEnv`:
 *   run-commands owns `env` (environment variables); it owns `parallel`
 *   too, so deploy and run's old name for maxParallelTasks is renamed here
 *   as well (a workspace already at 0.2.0 does not run that migration).
 * - a command receives single values only (run-commands passes no list or
 *   object option on):
 *   pytestArgs, the test executor's pass-through options and several deploy
 *   `param`s become the target's `args`, one `param` a string.
 *
 * The same rewrites apply to a targetDefaults entry keyed by the inferred
 * target's name and to a project.json target that adds options to an
 * inferred one (same name, no executor). Where a target name is also used by
 * something else in the workspace, defaults under that name are not written
 * and a warning says what to do by hand.
 */
export default async function moveOptionsToInferredCommandTargets(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree);
  if (!nxJson || !pluginIsRegistered(nxJson)) return;
  const context = normalizeMigrationContext(tree, nxJson);
  updateTargetDefaults(context);
  updateProjectTargets(context);
  for (const line of context.warnings) logger.warn(line);
  for (const line of context.moved) logger.info(line);
  await formatFiles(tree);
}
