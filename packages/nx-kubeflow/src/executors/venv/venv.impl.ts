import { ExecutorContext, logger } from '@nx/devkit';
import { venvOptionsFor } from '../../python/project-venv';
import { runVenvCommand } from '../../python/python-cli';
import { findTestTarget } from '../../python/python-target-lookup';
import { VenvExecutorSchema } from './schema';

/**
 * The venv step as an executor, for a project.json that names it; inferred
 * venv targets run the same work as a command (python/python-cli.ts). Its
 * python, extras and indexUrl default to those of the project's test target.
 */
export default async function venvExecutor(options: VenvExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const project = context.projectsConfigurations!.projects[projectName];
  const venvOptions = venvOptionsFor(options, findTestTarget(project.targets)?.options);
  const code = await runVenvCommand(
    {
      command: 'venv',
      projectName,
      projectRoot: project.root,
      ...venvOptions,
      settingsEnv: 'testing',
      junitFile: '',
      showInstallOutput: options.showInstallOutput ?? false,
      pytestArgs: [],
    },
    context.root,
    { info: (line) => logger.info(line), error: (line) => logger.error(line) },
  );
  return { success: code === 0 };
}
