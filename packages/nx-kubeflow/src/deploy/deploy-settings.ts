import { loadSettings, readSetting, settingsFilesFor } from '../settings/index';

/** What deploy reads from a pipeline's settings for one environment (DESIGN section 5). */
export interface DeploySettings {
  env: string;
  /** "local": the embedded backend; otherwise the KFP API base URL. */
  host: string;
  namespace: string;
  experiment: string;
  /** deploy.run: also start a run after publishing. */
  run: boolean;
  /** deploy.wait: follow the run to its end. */
  wait: boolean;
}

/**
 * The pipeline's settings for `env`, settings.local.toml and DYNACONF_*
 * included: deploy runs on this machine and is never cached, so personal
 * overrides (a dev cluster URL) apply here, unlike in compile.
 */
export function readDeploySettings(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  env?: string;
  environ?: Record<string, string | undefined>;
}): DeploySettings {
  const settings = loadSettings({
    files: settingsFilesFor({ pipelineRoot: options.pipelineRoot }),
    env: options.env,
    environ: options.environ,
    cwd: options.workspaceRoot,
  });
  const value = (path: string) => readSetting(settings.values, path);
  return {
    env: settings.env,
    host: stringSetting(value('kfp.host'), 'local'),
    namespace: stringSetting(value('kfp.namespace'), ''),
    experiment: stringSetting(value('kfp.experiment'), 'Default'),
    run: value('deploy.run') === true,
    wait: value('deploy.wait') === true,
  };
}

function stringSetting(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
