import { ExecutorContext, logger } from '@nx/devkit';
import { checkSettingsFilesReadBy, SettingsError } from '../../settings/index';

/**
 * The first line of every executor that reads settings (test, compile,
 * docker-build, deploy, run): false, with every broken settings file named
 * file:line:column, before the target does anything else.
 */
export function settingsFilesAreValid(context: ExecutorContext, pipelineName?: string): boolean {
  const projectName = context.projectName ?? '';
  try {
    checkSettingsFilesReadBy({
      workspaceRoot: context.root,
      projects: context.projectsConfigurations?.projects ?? {},
      projectName,
      pipelineName,
    });
    return true;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    logger.error(error.message.split('\n').map((line) => `[${projectName}] ${line}`).join('\n'));
    return false;
  }
}
