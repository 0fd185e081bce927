import { logger, type ExecutorContext } from '@nx/devkit';
import { compileEnvironment, compilePipelineProject, isFolderName, pipelineOutputFile, removeStaleOutput } from '../../pipeline/compile-pipeline-project';
import { PipelineCheckError } from '../../pipeline/pipeline-problems';
import { settingsFilesAreValid } from '../settings/settings-preflight';
import type { CompileExecutorSchema } from './schema';

/**
 * `nx run <pipeline>:compile [--env E]`: the library does the work
 * (src/pipeline/compile-pipeline-project.ts). Named compile.impl.ts: Nx 22
 * mis-resolves extensionless implementation paths that collide with src/ folders.
 */
export default async function compileExecutor(
  options: CompileExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  if (!settingsFilesAreValid(context)) {
    // a failed compile leaves no IR of an earlier one behind (compile-pipeline-project.ts)
    const env = compileEnvironment(options.env);
    if (isFolderName(env)) removeStaleOutput(context.root, pipelineOutputFile(projectName, env, options.outputPath));
    return { success: false };
  }
  try {
    const result = compilePipelineProject({
      workspaceRoot: context.root,
      projectName,
      projects: context.projectsConfigurations?.projects ?? {},
      env: options.env,
      outputPath: options.outputPath,
    });
    for (const warning of result.warnings) logger.warn(`[${projectName}] warning: ${warning}`);
    logger.info(`[${projectName}] compiled (${result.env}) to ${result.outputFile}, sha256 ${result.contentHash.slice(0, 12)}`);
    return { success: true };
  } catch (error) {
    if (!(error instanceof PipelineCheckError)) throw error;
    logger.error(`[${projectName}] cannot compile: ${error.message}`);
    return { success: false };
  }
}
