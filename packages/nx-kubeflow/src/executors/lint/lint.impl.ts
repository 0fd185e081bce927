import { ExecutorContext, logger } from '@nx/devkit';
import { lintPythonProject } from '../../lint/lint-python-project';
import { RUFF_VERSION } from '../../lint/ruff';
import { venvOptionsFor } from '../../python/project-venv';
import { LintExecutorSchema } from './schema';

/** The executor of the project's test target, whose venv options this target shares. */
const TEST_EXECUTOR = 'nx-kubeflow:test';

export default async function lintExecutor(options: LintExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const project = context.projectsConfigurations!.projects[projectName];
  // the venv options of the project's test target unless set here, as the venv target takes them
  const testTarget = Object.values(project.targets ?? {}).find((target) => target.executor === TEST_EXECUTOR);
  try {
    const result = await lintPythonProject({
      workspaceRoot: context.root,
      projectRoot: project.root,
      projectName,
      ...venvOptionsFor(options, testTarget?.options),
      ruffVersion: options.ruffVersion ?? RUFF_VERSION,
      verbose: options.showInstallOutput ?? false,
      log: (message) => logger.info(`[${projectName}] ${message}`),
    });
    for (const problem of result.problems) logger.error(`[${projectName}] ${problem}`);
    return { success: result.success };
  } catch (error) {
    logger.error(`[${projectName}] ${(error as Error).message}`);
    return { success: false };
  }
}
