/**
 * deploy and run, for the pipeline command (pipeline-cli.ts, which loads this
 * only for them) and the deploy and run executors: one implementation.
 */
import { deployPipeline, DeployError } from '../deploy/deploy-pipeline';
import { DeploySettingsError } from '../deploy/deploy-settings';
import { RunParameterError } from '../deploy/run-parameters';
import { KfpApiError } from '../backends/kfp-rest/index';
import { ImageBuildError } from '../images/index';
import { IrReadError, RunSetupError } from '../local-runner/index';
import { SettingsError } from '../settings/settings-errors';
import { redactedErrorMessage, redactedLine, redactingLog, registerEnvironmentSecrets } from '../secrets/index';
import type { DeployExecutorSchema } from '../executors/deploy/schema';
import { PipelineCheckError } from './pipeline-problems';
import { settingsFilesAreValid, type PipelineCommandContext, type PipelineCommandOutput } from './pipeline-cli';

/** Options of deploy and run: the deploy executor's (schema.json, typed in schema.d.ts). */
export type DeployCommandOptions = DeployExecutorSchema;

/** Errors that are the user's to fix: their message is the whole story. */
const EXPECTED_DEPLOY_ERRORS = [DeployError, DeploySettingsError, ImageBuildError, KfpApiError, IrReadError, PipelineCheckError, RunParameterError, RunSetupError, SettingsError];

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What delivers Ctrl-C: the process, or a stand-in in specs (which must send no process-wide signal). */
export interface InterruptSource {
  on(signal: (typeof INTERRUPTS)[number], listener: () => void): unknown;
  off(signal: (typeof INTERRUPTS)[number], listener: () => void): unknown;
}

/**
 * deploy (and run, which is deploy --run --wait): the executor's work.
 * Ctrl-C stops the run's task processes (they run in their own process
 * groups) before this process ends, and no report is written for a run so
 * stopped. Resolves to the exit code.
 */
export async function runDeployCommand(
  options: DeployCommandOptions,
  context: PipelineCommandContext,
  output: PipelineCommandOutput,
  { environ = process.env, interrupts = process }: { environ?: NodeJS.ProcessEnv; interrupts?: InterruptSource } = {},
): Promise<number> {
  const { projectName } = context;
  // Before anything is read or printed: a settings error or a child's output may quote a credential the environment holds.
  registerEnvironmentSecrets(environ);
  if (!settingsFilesAreValid(context, output)) return 1;
  const controller = new AbortController();
  // Ctrl-C reaches this process (the terminal's whole foreground group), then Nx sends SIGTERM to its task's
  // process tree (run-commands' tree-kill; the forked executor's the same), more than once, and exits without
  // waiting: every such signal is held here (a second one with no listener would end this process before its
  // tasks), and output to an Nx that is gone is dropped, until the run's tasks have stopped.
  const interrupt = () => {
    if (controller.signal.aborted) return;
    ignoreClosedOutput();
    output.warn(`[${projectName}] interrupted: stopping the run's tasks`);
    controller.abort();
  };
  for (const signal of INTERRUPTS) interrupts.on(signal, interrupt);
  try {
    const result = await deployPipeline({
      workspaceRoot: context.workspaceRoot,
      projectName,
      projects: context.projects,
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
      allowRunTimeImages: options.allowRunTimeImages,
      signal: controller.signal,
      environ,
      // Every line from the library and the backends, a server's words included, loses the credentials this process holds.
      log: redactingLog((line) => output.info(line)),
    });
    if (result.outcome && result.outcome.state !== 'SUCCEEDED') {
      output.error(redactedLine(`[${projectName}] run ${result.outcome.runId} ${result.outcome.state}${result.outcome.error ? `: ${result.outcome.error}` : ''}`));
      return 1;
    }
    return 0;
  } catch (error) {
    output.error(`[${projectName}] cannot deploy: ${redactedErrorMessage(error)}`);
    // A user's problem is its message; anything else is ours, and its stack helps with --verbose.
    if (!EXPECTED_DEPLOY_ERRORS.some((kind) => error instanceof kind) && error instanceof Error && environ.NX_VERBOSE_LOGGING === 'true') {
      output.error(redactedErrorMessage(error, true));
    }
    return 1;
  } finally {
    for (const signal of INTERRUPTS) interrupts.off(signal, interrupt);
  }
}

/** Writes to a closed stdout/stderr (EPIPE once Nx has exited) must not throw out of the interrupted run. */
function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => undefined);
  }
}
