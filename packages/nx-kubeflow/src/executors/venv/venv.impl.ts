import { ExecutorContext, logger } from '@nx/devkit';
import { relative } from 'node:path';
import { prepareProjectVenv, venvOptionsFor } from '../../python/project-venv';
import { VenvExecutorSchema } from './schema';

/** The executor of the project's test target, whose venv options this target shares. */
const TEST_EXECUTOR = 'nx-kubeflow:test';

export default async function venvExecutor(options: VenvExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const project = context.projectsConfigurations!.projects[projectName];
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
