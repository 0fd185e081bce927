import type { ExecutorContext } from '@nx/devkit';
import { loggerOutput } from '../deploy/logger-output';
import { runCompileCommand } from '../../pipeline/pipeline-cli';
import type { CompileExecutorSchema } from './schema';

/**
 * `nx run <pipeline>:compile [--env E]` for a project.json that names this
 * executor; inferred compile targets run the same work as a command
 * (src/pipeline/pipeline-cli.ts), without a forked Nx process. Named
 * compile.impl.ts: Nx 22 mis-resolves extensionless implementation paths
 * that collide with src/ folders.
 */
export default async function compileExecutor(options: CompileExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const code = runCompileCommand(
    options,
    { workspaceRoot: context.root, projectName: context.projectName ?? '', projects: context.projectsConfigurations?.projects ?? {} },
    loggerOutput,
  );
  return { success: code === 0 };
}
