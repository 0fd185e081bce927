import { ExecutorContext, logger } from '@nx/devkit';
import { lintPythonProject } from '../../lint/lint-python-project';
import { RUFF_VERSION } from '../../lint/ruff';
import { LintExecutorSchema } from './schema';

export default async function lintExecutor(options: LintExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const projectRoot = context.projectsConfigurations!.projects[projectName].root;
  try {
    const result = await lintPythonProject({
      workspaceRoot: context.root,
      projectRoot,
      projectName,
      python: options.python,
      extras: options.extras ?? ['test'],
      indexUrl: options.indexUrl,
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
