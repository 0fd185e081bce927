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
  /** kfp.mode: "api" publishes through the KFP REST API; "crd" writes Pipeline/PipelineVersion resources for GitOps. */
  mode: 'api' | 'crd';
  /** The whole [kfp] table, for the REST backend's connection options (auth, TLS, timeouts). */
  kfp: Record<string, unknown>;
  /** image.registry: where docker-build pushes for this environment; empty: local images only. */
  imageRegistry: string;
  /** deploy.task_timeout_seconds: the local runner stops and fails a task after it, where its IR sets no set_timeout; undefined: none. */
  taskTimeoutSeconds?: number;
  /** [schedule]: a recurring run on deploy; undefined when the environment has none (deploy disables an existing one). */
  schedule?: { cron?: string; intervalSecond?: number; raw: Record<string, unknown> };
}

/** A settings value deploy cannot use; the message names the key and the file to fix. */
export class DeploySettingsError extends Error {}

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
  const where = `the ${settings.env} settings of ${options.pipelineRoot} (config/settings.toml, settings.local.toml or DYNACONF_*)`;
  const problems: string[] = [];
  const mode = stringSetting(value('kfp.mode'), 'api');
  if (mode !== 'api' && mode !== 'crd') problems.push(`kfp.mode is "${mode}": use "api" (the KFP REST API) or "crd" (GitOps resources).`);
  const kfp = value('kfp');
  const schedule = readSchedule(value('schedule'), problems);
  const timeout = value('deploy.task_timeout_seconds');
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) {
    problems.push(`deploy.task_timeout_seconds is ${JSON.stringify(timeout)}: give a number of seconds (0 for none), e.g. [default] deploy.task_timeout_seconds = 3600.`);
  }
  if (problems.length > 0) throw new DeploySettingsError(`${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in ${where}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return {
    env: settings.env,
    host: stringSetting(value('kfp.host'), 'local'),
    namespace: stringSetting(value('kfp.namespace'), ''),
    experiment: stringSetting(value('kfp.experiment'), 'Default'),
    run: value('deploy.run') === true,
    wait: value('deploy.wait') === true,
    mode: mode as 'api' | 'crd',
    kfp: isTable(kfp) ? kfp : {},
    imageRegistry: stringSetting(value('image.registry'), ''),
    ...(typeof timeout === 'number' && timeout > 0 ? { taskTimeoutSeconds: timeout } : {}),
    ...(schedule ? { schedule } : {}),
  };
}

/**
 * [schedule] with cron (six fields, seconds first, as KFP's cron schedule
 * reads it) or interval_second; an empty table or enabled = false means none.
 */
function readSchedule(raw: unknown, problems: string[]): DeploySettings['schedule'] {
  if (raw === undefined || raw === null) return undefined;
  if (!isTable(raw)) {
    problems.push('schedule must be a table, e.g. [production.schedule] cron = "0 0 4 * * *".');
    return undefined;
  }
  if (raw['enabled'] === false || Object.keys(raw).length === 0) return undefined;
  const cron = raw['cron'];
  const interval = raw['interval_second'];
  if (cron !== undefined && interval !== undefined) {
    problems.push('schedule sets both cron and interval_second: keep one.');
    return undefined;
  }
  if (cron !== undefined) {
    if (typeof cron !== 'string' || cron.trim().split(/\s+/).length !== 6) {
      problems.push(
        `schedule.cron is ${JSON.stringify(cron)}: KFP reads six fields, seconds first ("second minute hour day-of-month month day-of-week"), e.g. "0 0 4 * * *" for 04:00 every day.`,
      );
      return undefined;
    }
    return { cron: cron.trim(), raw };
  }
  if (interval !== undefined) {
    if (typeof interval !== 'number' || !Number.isInteger(interval) || interval <= 0) {
      problems.push(`schedule.interval_second is ${JSON.stringify(interval)}: give a whole number of seconds above 0.`);
      return undefined;
    }
    return { intervalSecond: interval, raw };
  }
  problems.push('schedule has neither cron nor interval_second: set one, or enabled = false to have no schedule.');
  return undefined;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function stringSetting(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
