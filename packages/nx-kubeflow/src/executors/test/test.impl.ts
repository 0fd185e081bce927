import { ExecutorContext, logger } from '@nx/devkit';
import { pytestArgsFromOverrides } from '../../python/pytest-args';
import { runTestCommand } from '../../python/python-cli';
import schema from './schema.json';
import { TestExecutorSchema } from './schema';

/**
 * The test step as an executor, for a project.json that names it; inferred
 * test targets run the same work as a command (python/python-cli.ts).
 */
export default async function testExecutor(options: TestExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  const passThrough = pytestArgsFromOverrides(options as Record<string, unknown>, Object.keys(schema.properties));
  const code = await runTestCommand(
    {
      command: 'test',
      projectName,
      projectRoot: context.projectsConfigurations!.projects[projectName].root,
      python: options.python,
      extras: options.extras ?? ['test'],
      indexUrl: options.indexUrl,
      settingsEnv: options.settingsEnv ?? 'testing',
      junitFile: options.junitFile ?? `dist/test-results/${projectName}/junit.xml`,
      showInstallOutput: options.showInstallOutput ?? false,
      pytestArgs: [...(options.pytestArgs ?? []), ...passThrough],
    },
    context.root,
    { info: (line) => logger.info(line), error: (line) => logger.error(line) },
  );
  return { success: code === 0 };
}
