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
      log: venvStepLog(projectName),
    });
    if (result.error) logger.error(`[${projectName}] ${result.error}`);
    return { success: result.success };
  } catch (error) {
    logger.error(`[${projectName}] ${(error as Error).message}`);
    return { success: false };
  }
}

/**
 * The venv target (which test depends on) has made the venv by now, so test
 * prints nothing about it. When it has not run (--exclude-task-dependencies,
 * a test target without dependsOn, or options given to test alone), test
 * makes the venv itself, and says first that this is why: these lines are
 * then part of the cached result and a cache hit shows them again.
 */
function venvStepLog(projectName: string): (message: string) => void {
  let told = false;
  return (message) => {
    if (!told) {
      told = true;
      logger.info(`[${projectName}] The venv is not ready, as its venv target did not run first: the test target makes it (a cache hit of this test replays these lines).`);
    }
    logger.info(`[${projectName}] ${message}`);
  };
}
