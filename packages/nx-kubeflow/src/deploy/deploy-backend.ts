/**
 * Which backend a deploy publishes to: the embedded one (kfp.host = "local"),
 * the KFP REST API (kfp.host is a URL), or GitOps resources written to a file
 * (kfp.mode = "crd" or --output crd).
 */
import { join } from 'node:path';
import { GitOpsBackend } from '../backends/gitops/index';
import { kfpConnectionFrom, KfpRestBackend } from '../backends/kfp-rest/index';
import { LocalBackend } from '../backends/local/local-backend';
import type { PipelineBackend } from '../backends/pipeline-backend';
import type { TaskMode } from '../local-runner/index';
import type { DeploySettings } from './deploy-settings';

export type BackendKind = 'local' | 'kfp' | 'crd';

/** A problem deploy reports and stops at; the message says what to do. */
export class DeployError extends Error {}

export function backendKindFor(settings: DeploySettings, output?: 'api' | 'crd'): BackendKind {
  if ((output ?? settings.mode) === 'crd') return 'crd';
  return settings.host === 'local' ? 'local' : 'kfp';
}

export function createBackend(options: {
  kind: BackendKind;
  settings: DeploySettings;
  workspaceRoot: string;
  projectName: string;
  pipelineRoot: string;
  tasks: () => Record<string, TaskMode>;
  parallel?: number;
  dryRun: boolean;
  environ?: Record<string, string | undefined>;
  log: (line: string) => void;
}): PipelineBackend {
  const { kind, settings, log } = options;
  if (kind === 'local') {
    return new LocalBackend({
      workspaceRoot: options.workspaceRoot,
      tasks: options.tasks(),
      parallel: options.parallel,
      onMessage: log,
      dryRun: options.dryRun,
      ...(settings.taskTimeoutSeconds ? { taskTimeoutSeconds: settings.taskTimeoutSeconds } : {}),
    });
  }
  if (kind === 'crd') {
    return new GitOpsBackend({
      // Beside the environment's IR: each environment's resources are their own file, so a
      // production deploy never overwrites what staging wrote for its GitOps repository.
      outputFile: join(options.workspaceRoot, 'dist', 'pipelines', options.projectName, settings.env, 'kubeflow-resources.yaml'),
      namespace: settings.namespace || undefined,
      dryRun: options.dryRun,
      log,
    });
  }
  const { connection, problems } = kfpConnectionFrom(settings.kfp, options.environ ?? process.env);
  if (!connection) {
    const where = `the ${settings.env} settings of ${options.projectName} (${options.pipelineRoot}/config/settings.toml, settings.local.toml, DYNACONF_KFP__*)`;
    throw new DeployError(`cannot connect to Kubeflow Pipelines; ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in ${where}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  const poll = settings.kfp['poll_interval_seconds'];
  return new KfpRestBackend({
    connection,
    log,
    dryRun: options.dryRun,
    // kfp.poll_interval_seconds: how often a followed run is looked at (default 5 s).
    ...(typeof poll === 'number' && poll > 0 ? { pollIntervalMs: poll * 1000 } : {}),
  });
}
