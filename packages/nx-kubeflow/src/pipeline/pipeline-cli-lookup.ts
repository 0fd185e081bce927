/* What graph inference needs of the pipeline command (pipeline-cli.ts). No imports: createNodes loads this, and the command loads the whole deploy stack. */

/** The command's file name, by which an inferred compile, deploy or run target is known. */
export const PIPELINE_COMMAND_FILE = 'pipeline-cli';

/**
 * The option the inferred targets name the settings environment with
 * (configurations, compile's outputs, the command line): not `env`, which is
 * run-commands' own (environment variables for the command, an object), so
 * Nx refuses `--env production` on such a target before the command starts.
 */
export const SETTINGS_ENV_OPTION = 'settingsEnv';
