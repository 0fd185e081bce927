import { ExecutorContext, logger } from '@nx/devkit';
import { buildComponentImage, BuildComponentImageOptions } from '../../images/index';
import { parseBuildArgFlags } from '../../images/image-settings';
import { redactedErrorMessage, redactingLog, registerEnvironmentSecrets } from '../../secrets/index';
import { settingsFilesAreValid } from '../settings/settings-preflight';
import { DockerBuildExecutorSchema } from './schema';

/**
 * `nx run <component>:docker-build [--engine E] [--env E] [--tag T]... [--build-arg K=V]... [--push] [--force]`
 *
 * A thin shell over buildComponentImage (src/images): options in, one line
 * per outcome out, every line prefixed with the component's name.
 */
export default async function dockerBuildExecutor(
  options: DockerBuildExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  // Before anything is read or printed: the engine's output may quote an index or registry credential the environment holds.
  registerEnvironmentSecrets(process.env);
  if (!settingsFilesAreValid(context, options.pipeline)) return { success: false };
  try {
    await buildComponentImage(normalizeOptions(options, context));
    return { success: true };
  } catch (error) {
    const message = redactedErrorMessage(error);
    logger.error(message.split('\n').map((line) => `[${projectName}] ${line}`).join('\n'));
    return { success: false };
  }
}

export function normalizeOptions(options: DockerBuildExecutorSchema, context: ExecutorContext): BuildComponentImageOptions {
  const projectName = context.projectName ?? '';
  const projects = context.projectsConfigurations?.projects ?? {};
  const project = projects[projectName];
  if (!project) throw new Error(`Unknown project "${projectName}".`);
  let pipelineRoot: string | undefined;
  if (options.pipeline !== undefined) {
    pipelineRoot = projects[options.pipeline]?.root;
    if (pipelineRoot === undefined) throw new Error(`Unknown pipeline "${options.pipeline}" for --pipeline.`);
  }
  return {
    workspaceRoot: context.root,
    projectName,
    projectRoot: project.root,
    pipelineRoot,
    env: options.env,
    engine: options.engine,
    push: options.push,
    force: options.force ?? false,
    tags: asList(options.tag),
    buildArgs: parseBuildArgFlags(asList(options.buildArg)),
    // An engine's output may repeat a registry or index credential: redacted before it is printed.
    log: redactingLog((line) => logger.info(line)),
  };
}

/** Nx passes a repeated flag as an array and a single one as a string. */
function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
