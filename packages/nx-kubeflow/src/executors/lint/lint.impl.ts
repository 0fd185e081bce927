import { ExecutorContext, logger } from '@nx/devkit';
import { lintPythonProject } from '../../lint/lint-python-project';
import { RUFF_VERSION } from '../../lint/ruff';
import { venvOptionsFor } from '../../python/project-venv';
import { findTestTarget, findVenvTarget } from '../../python/python-target-lookup';
import { LintExecutorSchema } from './schema';

export default async function lintExecutor(options: LintExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const project = context.projectsConfigurations!.projects[projectName];
  // the venv options of the inferred venv target (what the venv holds is its to say), or with the
  // executors of a project.json, of the test target, as the venv executor takes them; unless set here
  const venvTarget = findVenvTarget(project.targets);
  const venvOptionsSource = venvTarget?.executor === 'nx:run-commands' ? venvTarget : findTestTarget(project.targets);
  try {
    const result = await lintPythonProject({
      workspaceRoot: context.root,
      projectRoot: project.root,
      projectName,
      ...venvOptionsFor(options, venvOptionsSource?.options),
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
