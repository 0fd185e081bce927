import { ExecutorContext, logger } from '@nx/devkit';
import { pytestArgsFromOverrides } from '../../python/pytest-args';
import { testPythonProject } from '../../python/test-python-project';
import { settingsFilesAreValid } from '../settings/settings-preflight';
import { componentFileIsValid } from './component-preflight';
import schema from './schema.json';
import { TestExecutorSchema } from './schema';

export default async function testExecutor(
  options: TestExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  if (!settingsFilesAreValid(context)) return { success: false };
  const projectRoot = context.projectsConfigurations!.projects[projectName].root;
  if (!componentFileIsValid(context.root, projectRoot, projectName)) return { success: false };
  const passThrough = pytestArgsFromOverrides(options as Record<string, unknown>, Object.keys(schema.properties));
  try {
    const result = await testPythonProject({
      workspaceRoot: context.root,
      projectRoot,
      projectName,
      python: options.python,
      extras: options.extras ?? ['test'],
      indexUrl: options.indexUrl,
      settingsEnv: options.settingsEnv ?? 'testing',
      junitFile: options.junitFile ?? `dist/test-results/${projectName}/junit.xml`,
      pytestArgs: [...(options.pytestArgs ?? []), ...passThrough],
      verbose: options.showInstallOutput ?? false,
      log: (message) => logger.info(`[${projectName}] ${message}`),
    });
    if (result.error) logger.error(`[${projectName}] ${result.error}`);
    return { success: result.success };
  } catch (error) {
    logger.error(`[${projectName}] ${(error as Error).message}`);
    return { success: false };
  }
}
