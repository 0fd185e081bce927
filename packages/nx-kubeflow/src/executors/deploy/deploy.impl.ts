import { logger, type ExecutorContext } from '@nx/devkit';
import { deployPipeline, DeployError } from '../../deploy/deploy-pipeline';
import { DeploySettingsError } from '../../deploy/deploy-settings';
import { RunParameterError } from '../../deploy/run-parameters';
import { KfpApiError } from '../../backends/kfp-rest/index';
import { ImageBuildError } from '../../images/index';
import { IrReadError, RunSetupError } from '../../local-runner/index';
import { PipelineCheckError } from '../../pipeline/pipeline-problems';
import { SettingsError } from '../../settings/index';
import { redactedErrorMessage, redactedLine, redactingLog, registerEnvironmentSecrets } from '../../secrets/index';
import { settingsFilesAreValid } from '../settings/settings-preflight';
import type { DeployExecutorSchema } from './schema';

/** Errors that are the user's to fix: their message is the whole story. */
const EXPECTED_ERRORS = [DeployError, DeploySettingsError, ImageBuildError, KfpApiError, IrReadError, PipelineCheckError, RunParameterError, RunSetupError, SettingsError];

/**
 * `nx run <pipeline>:deploy`. Ctrl-C stops the run's task processes (they
 * run in their own process groups) before this process ends.
 */
export default async function deployExecutor(
  options: DeployExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  // Before anything is read or printed: a settings error or a child's output may quote a credential the environment holds.
  registerEnvironmentSecrets(process.env);
  // every settings file the pipeline and its components read, named file:line:column before anything runs
  if (!settingsFilesAreValid(context)) return { success: false };
  const controller = new AbortController();
  // Ctrl-C reaches this process, then Nx sends SIGTERM to its whole process tree, more than once, and exits
  // without waiting: every such signal is held here (a second one with no listener would end this process
  // before its tasks), and output to an Nx that is gone is dropped, until the run's tasks have stopped.
  const interrupt = () => {
    if (controller.signal.aborted) return;
    ignoreClosedOutput();
    logger.warn(`[${projectName}] interrupted: stopping the run's tasks`);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  process.on('SIGHUP', interrupt);
  try {
    const result = await deployPipeline({
      workspaceRoot: context.root,
      projectName,
      projects: context.projectsConfigurations?.projects ?? {},
      env: options.env,
      run: options.run,
      wait: options.wait,
      params: options.param === undefined ? [] : ([] as string[]).concat(options.param),
      maxParallelTasks: options.maxParallelTasks ?? options.parallel,
      mode: options.mode,
      output: options.output,
      dryRun: options.dryRun,
      engine: options.engine,
      forceBuild: options.force,
      allowMutableImages: options.allowMutableImages,
      signal: controller.signal,
      // Every line from the library and the backends, a server's words included, loses the credentials this process holds.
      log: redactingLog((line) => logger.info(line)),
    });
    if (result.outcome && result.outcome.state !== 'SUCCEEDED') {
      logger.error(redactedLine(`[${projectName}] run ${result.outcome.runId} ${result.outcome.state}${result.outcome.error ? `: ${result.outcome.error}` : ''}`));
      return { success: false };
    }
    return { success: true };
  } catch (error) {
    logger.error(`[${projectName}] cannot deploy: ${redactedErrorMessage(error)}`);
    // A user's problem is its message; anything else is ours, and its stack helps with --verbose.
    if (!EXPECTED_ERRORS.some((kind) => error instanceof kind) && error instanceof Error && process.env.NX_VERBOSE_LOGGING === 'true') {
      logger.error(redactedErrorMessage(error, true));
    }
    return { success: false };
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    process.off('SIGHUP', interrupt);
  }
}

/** Writes to a closed stdout/stderr (EPIPE once Nx has exited) must not throw out of the interrupted run. */
function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => undefined);
  }
}
