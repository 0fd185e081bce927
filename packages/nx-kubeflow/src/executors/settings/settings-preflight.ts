import { ExecutorContext, logger } from '@nx/devkit';
import { settingsFileErrorLines } from '../../settings/settings-check';

/**
 * The first line of the executors that read settings (docker-build): false,
 * with every broken settings file named file:line:column, before the target
 * does anything else (settings/settings-check.ts, settingsFileErrorLines).
 */
export function settingsFilesAreValid(context: ExecutorContext, pipelineName?: string): boolean {
  const lines = settingsFileErrorLines({
    workspaceRoot: context.root,
    projects: context.projectsConfigurations?.projects ?? {},
    projectName: context.projectName ?? '',
    pipelineName,
  });
  if (lines.length > 0) logger.error(lines.join('\n'));
  return lines.length === 0;
}
