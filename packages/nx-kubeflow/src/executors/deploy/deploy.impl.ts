import type { ExecutorContext } from '@nx/devkit';
import { loggerOutput } from './logger-output';
import { runDeployCommand } from '../../pipeline/pipeline-cli-deploy';
import type { DeployExecutorSchema } from './schema';

/**
 * `nx run <pipeline>:deploy` for a project.json that names this executor;
 * inferred deploy targets run the same work as a command
 * (src/pipeline/pipeline-cli.ts, runDeployCommand: settings preflight,
 * secrets redaction, Ctrl-C stopping the run's tasks first).
 */
export default async function deployExecutor(options: DeployExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const code = await runDeployCommand(
    options,
    { workspaceRoot: context.root, projectName: context.projectName ?? '', projects: context.projectsConfigurations?.projects ?? {} },
    loggerOutput,
  );
  return { success: code === 0 };
}
