import { ExecutorContext, logger } from '@nx/devkit';
import { relative } from 'node:path';
import { prepareProjectVenv, venvOptionsFor } from '../../python/project-venv';
import { settingsFilesAreValid } from '../settings/settings-preflight';
import { componentFileIsValid } from '../test/component-preflight';
import { VenvExecutorSchema } from './schema';

/** The executor of the project's test target, whose venv options this target shares. */
const TEST_EXECUTOR = 'nx-kubeflow:test';

export default async function venvExecutor(options: VenvExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  // test and lint depend on this target, so it runs first: a broken settings file or component.yaml
  // the test reads is named here (file:line:column), not after a minute of pip it would not survive.
  if (!settingsFilesAreValid(context)) return { success: false };
  const project = context.projectsConfigurations!.projects[projectName];
  // its warnings are the test target's to print, once
  if (!componentFileIsValid(context.root, project.root, projectName, { showWarnings: false })) return { success: false };
  const testTarget = Object.values(project.targets ?? {}).find((target) => target.executor === TEST_EXECUTOR);
  const venvOptions = venvOptionsFor(options, testTarget?.options);
  const log = (message: string) => logger.info(`[${projectName}] ${message}`);
  try {
    const venv = await prepareProjectVenv({
      workspaceRoot: context.root,
      projectRoot: project.root,
      ...venvOptions,
      verbose: options.showInstallOutput ?? false,
      log,
    });
    if (!venv.installed) log(`venv ${relative(context.root, venv.dir)} is up to date`);
    return { success: true };
  } catch (error) {
    logger.error(`[${projectName}] ${(error as Error).message}`);
    return { success: false };
  }
}
