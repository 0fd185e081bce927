/**
 * What run.json keeps of how a task was started, for the run view: its
 * command line with the placeholders resolved, the variables the runner set
 * for it, its settings environment (ENV_FOR_DYNACONF) and the settings
 * component-runtime resolves from them. run.json is served by the view and
 * kept in dist/, so all of it is masked here, before it is written: values
 * under secret-looking names and secrets inside text as the `settings` target
 * masks them (redact-secrets.ts), every credential this process knows
 * (known-secrets.ts), and every value a `.secrets.*` file set.
 */
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { redactKnownSecrets } from '../secrets/known-secrets';
import { formatSettingsJson } from '../settings/settings-json';
import { loadSettings } from '../settings/load-settings';
import { isSecretKey, redactSecrets, redactSecretsInText, REDACTED } from '../settings/redact-secrets';
import { readSetting } from '../settings/settings-lookup';

export interface TaskRunEnvironment {
  /** ENV_FOR_DYNACONF as the task got it; absent when it got none. */
  settingsEnv?: string;
  /**
   * The variables the runner set for the task (the IR's env, its Kubernetes options, the env given
   * to the runner, the run's context variables) and the dynaconf variables it inherited, by name.
   */
  variables: { name: string; value: string }[];
  /** The settings component-runtime resolves for it (see resolvedSettings). */
  settings?: Record<string, unknown>;
  /** Why they could not be resolved, or why they are not resolved here. */
  settingsNote?: string;
}

/** Variables dynaconf reads: a task inherits them from the shell, and they change its settings. */
const DYNACONF_VARIABLE = /^(DYNACONF_|ENV_FOR_DYNACONF$|SETTINGS_FILES?_FOR_DYNACONF$)/;

/** Values to mask wherever they stand (a `.secrets.*` file's values), besides the credentials this process knows. */
type SecretValues = ReadonlySet<string>;

function maskText(text: string, secrets: SecretValues = new Set()): string {
  let masked = redactKnownSecrets(redactSecretsInText(text));
  for (const secret of secrets) if (secret.length >= 4) masked = masked.split(secret).join(REDACTED);
  return secrets.has(text) ? REDACTED : masked;
}

/** A JSON argument (the executor input) masked by its keys too: a parameter named password is a secret. */
function maskArgument(argument: string, secrets: SecretValues): string {
  if (/^\s*[{[]/.test(argument)) {
    try {
      return maskText(JSON.stringify(redactSecrets(JSON.parse(argument))), secrets);
    } catch {
      // not JSON after all: masked as text
    }
  }
  return maskText(argument, secrets);
}

export interface TaskRunRecordOptions {
  /** The command line, placeholders resolved. */
  argv: readonly string[];
  /** The environment the task's process got. */
  env: NodeJS.ProcessEnv;
  /** The names the runner set (IR env, Kubernetes options, the runner's env, context variables). */
  given: readonly string[];
  /** The component's folder (absolute) where its config/ is read from; absent: no component folder. */
  componentRoot?: string;
  /** A container reads its settings inside its image, which this machine does not resolve. */
  inContainer: boolean;
}

/** The task's command line and environment as run.json keeps them, masked. */
export function taskRunRecord(options: TaskRunRecordOptions): { command: string[]; environment: TaskRunEnvironment } {
  const settingsEnv = options.env.ENV_FOR_DYNACONF;
  const head: Pick<TaskRunEnvironment, 'settingsEnv'> = settingsEnv !== undefined ? { settingsEnv } : {};
  let settings: Pick<TaskRunEnvironment, 'settings' | 'settingsNote'> = {};
  let secrets: SecretValues = new Set();
  // the compiler gives ENV_FOR_DYNACONF and PIPELINE_SETTINGS_TOML to components built on component-runtime only
  if (settingsEnv !== undefined || options.env.PIPELINE_SETTINGS_TOML !== undefined) {
    if (options.inContainer) settings = { settingsNote: 'read inside the image, from the files built into it' };
    else {
      try {
        const resolved = resolvedSettings(options.env, options.componentRoot);
        settings = { settings: resolved.settings };
        secrets = resolved.secretValues;
      } catch (error) {
        settings = { settingsNote: `its settings could not be resolved: ${maskText((error as Error).message)}` };
      }
    }
  }
  const names = [...new Set([...options.given, ...Object.keys(options.env).filter((name) => DYNACONF_VARIABLE.test(name))])].sort();
  const variables = names
    .filter((name) => options.env[name] !== undefined)
    .map((name) => ({ name, value: isSecretKey(name) ? REDACTED : maskText(options.env[name]!, secrets) }));
  return { command: options.argv.map((argument) => maskArgument(argument, secrets)), environment: { ...head, variables, ...settings } };
}

/**
 * As component-runtime's load_settings (settings.py): the pipeline's settings (the text of
 * PIPELINE_SETTINGS_TOML, else NX_KUBEFLOW_PIPELINE_DIR's config/settings.toml), then the
 * component's config/settings.toml and config/.secrets.toml, each with its .local. sibling,
 * then the DYNACONF_* variables, for ENV_FOR_DYNACONF's environment; masked.
 */
export function resolvedSettings(env: NodeJS.ProcessEnv, componentRoot: string | undefined): { settings: Record<string, unknown>; secretValues: Set<string> } {
  const files: string[] = [];
  const inlineFiles: Record<string, string> = {};
  if (env.PIPELINE_SETTINGS_TOML !== undefined) {
    // where component-runtime's reader puts it: the pipeline's layer, first
    const standIn = resolve(tmpdir(), 'PIPELINE_SETTINGS_TOML', 'config', 'settings.toml');
    files.push(standIn);
    inlineFiles[standIn] = env.PIPELINE_SETTINGS_TOML;
  } else if (env.NX_KUBEFLOW_PIPELINE_DIR) {
    files.push(join(resolve(env.NX_KUBEFLOW_PIPELINE_DIR), 'config', 'settings.toml'));
  }
  if (componentRoot) files.push(join(componentRoot, 'config', 'settings.toml'), join(componentRoot, 'config', '.secrets.toml'));
  const loaded = loadSettings({ files, inlineFiles, environ: env, cwd: componentRoot ?? process.cwd() });
  // every value a secrets file set is a secret, whatever its key is called
  const fromSecretFiles = new Set<string>();
  for (const [path, origin] of Object.entries(loaded.origins)) {
    if (origin.kind !== 'file' || !basename(origin.file).startsWith('.secrets')) continue;
    const value = readSetting(loaded.values, path);
    if (value !== undefined && value !== null && typeof value !== 'object') fromSecretFiles.add(String(value));
  }
  const plain = JSON.parse(formatSettingsJson(redactSecrets(loaded.values))) as Record<string, unknown>;
  return { settings: maskValues(plain, fromSecretFiles) as Record<string, unknown>, secretValues: fromSecretFiles };
}

function maskValues(value: unknown, secrets: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => maskValues(item, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValues(item, secrets)]));
  if (value !== null && value !== undefined && secrets.has(String(value))) return REDACTED;
  return typeof value === 'string' ? redactKnownSecrets(value) : value;
}

