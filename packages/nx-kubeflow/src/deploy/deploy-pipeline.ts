import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { LocalBackend } from '../backends/local/local-backend';
import type { PipelineBackend, PublishResult, RunOutcome } from '../backends/pipeline-backend';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { readDeploySettings, type DeploySettings } from './deploy-settings';
import { parseRunParameters } from './run-parameters';
import { formatRunSummary, formatTaskStateChange } from './run-summary';
import { localTaskModes } from './task-modes';

export type TaskRunMode = 'subprocess' | 'container';

export interface DeployPipelineOptions {
  workspaceRoot: string;
  projectName: string;
  projects: Readonly<Record<string, { root: string }>>;
  /** Settings environment; else ENV_FOR_DYNACONF; else development. */
  env?: string;
  /** Start a run after publishing; default: the environment's deploy.run. */
  run?: boolean;
  /** Follow the run to its end; default: the environment's deploy.wait. */
  wait?: boolean;
  /** name=value overrides of pipeline parameters for the run. */
  params?: string[];
  parallel?: number;
  mode?: TaskRunMode;
  log: (line: string) => void;
  signal?: AbortSignal;
  environ?: Record<string, string | undefined>;
}

export interface DeployPipelineResult {
  settings: DeploySettings;
  published: PublishResult;
  outcome?: RunOutcome;
}

/** A problem deploy reports and stops at; the message says what to do. */
export class DeployError extends Error {}

/**
 * `deploy`: compile for the environment, publish the IR to the
 * environment's backend (nothing new when the content hash is already
 * there), then start and follow a run where asked.
 */
export async function deployPipeline(options: DeployPipelineOptions): Promise<DeployPipelineResult> {
  const pipelineRoot = options.projects[options.projectName]?.root;
  if (!pipelineRoot) throw new DeployError(`unknown project "${options.projectName}".`);
  const settings = readDeploySettings({ workspaceRoot: options.workspaceRoot, pipelineRoot, env: options.env, environ: options.environ });
  if ((options.mode ?? 'subprocess') === 'container') {
    throw new DeployError('--mode container runs tasks in their built images, which come with the docker-build target (issue 5). Use the default, --mode subprocess.');
  }

  const compiled = compilePipelineProject({ ...options, env: settings.env, environ: options.environ });
  const irYaml = readFileSync(`${options.workspaceRoot}/${compiled.outputFile}`, 'utf8');
  const backend = backendFor(settings, options, pipelineRoot);
  options.log(`Compiled ${options.projectName} (${settings.env}) to ${compiled.outputFile}; publishing to ${backend.description}`);

  const published = await backend.publish({ pipelineName: options.projectName, irYaml, contentHash: compiled.contentHash });
  options.log(
    published.created
      ? `Published version ${published.versionName} of ${options.projectName} (${published.location})`
      : `Unchanged: version ${published.versionName} of ${options.projectName} is already published; nothing new published`,
  );

  const run = options.run ?? settings.run;
  if (!run) {
    if (options.params?.length) options.log('warning: --param applies to runs; nothing was run (add --run, or use the run target)');
    return { settings, published };
  }
  const parameters = parseRunParameters(options.params ?? [], rootParameters(irYaml));
  const handle = await backend.startRun({ pipelineName: options.projectName, version: published, experiment: settings.experiment, parameters });
  options.log(`Run ${handle.runId} started (${handle.location})`);
  const wait = options.wait ?? settings.wait;
  if (!wait && backend instanceof LocalBackend) {
    options.log('The local backend runs in this process, so it follows the run to its end (deploy.wait = false applies on Kubeflow).');
  }
  const outcome = await backend.followRun(handle, {
    signal: options.signal,
    onTaskStateChange: (change) => options.log(formatTaskStateChange(handle.runId, change)),
  });
  options.log(`\n${formatRunSummary(outcome)}`);
  return { settings, published, outcome };
}

function backendFor(settings: DeploySettings, options: DeployPipelineOptions, pipelineRoot: string): PipelineBackend {
  if (settings.host === 'local') {
    return new LocalBackend({
      workspaceRoot: options.workspaceRoot,
      tasks: localTaskModes({ workspaceRoot: options.workspaceRoot, pipelineRoot, projects: options.projects }),
      parallel: options.parallel,
      onMessage: options.log,
    });
  }
  throw new DeployError(
    `kfp.host is "${settings.host}" in the ${settings.env} settings of ${options.projectName}: deploying to a Kubeflow API ` +
      `comes with the KFP REST backend (issue 6). Until then deploy works with kfp.host = "local".`,
  );
}

/** The compiled pipeline's root parameters and their IR types, for typing --param values. */
function rootParameters(irYaml: string): Record<string, { parameterType: string }> {
  const [spec] = parseAllDocuments(irYaml).map((document) => document.toJSON() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  return spec?.root?.inputDefinitions?.parameters ?? {};
}
