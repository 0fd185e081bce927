import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ExecutorContext, logger } from '@nx/devkit';
import {
  describeOrigin,
  formatSettingsJson,
  isSecretPath,
  LoadedSettings,
  loadSettings,
  REDACTED,
  redactSecrets,
  SettingsError,
} from '../../settings/index';
import { resolveSettingsFiles } from './settings-project';
import { SettingsExecutorSchema } from './schema';

/**
 * `nx run <project>:settings [--env E] [--pipeline P] [--output-file F] [--explain]`
 *
 * The file is `settings.impl.ts`, not `settings.ts`: for a local plugin Nx
 * 22 resolves an extensionless implementation path by trying its trailing
 * segments under src/, and `./src/executors/settings/settings` would hit the
 * `src/settings` folder first. (Nx's own plugins use the same `.impl` suffix.)
 */
export default async function settingsExecutor(
  options: SettingsExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  try {
    const files = resolveSettingsFiles({
      workspaceRoot: context.root,
      projectName,
      pipelineName: options.pipeline,
      projects: context.projectsConfigurations?.projects ?? {},
    });
    const settings = loadSettings({ files, env: options.env, environ: process.env, cwd: context.root });
    const json = formatSettingsJson(options.showSecrets ? settings.values : redactSecrets(settings.values));
    if (options.outputFile) {
      const outputPath = resolve(context.root, options.outputFile);
      mkdirSync(dirname(outputPath), { recursive: true });
      writeFileSync(outputPath, `${json}\n`);
      logger.info(`[${projectName}] settings (${settings.env}) written to ${options.outputFile}`);
    } else {
      process.stdout.write(`${json}\n`);
    }
    if (options.explain) process.stdout.write(explanation(settings, context.root, options.showSecrets ?? false));
    return { success: true };
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : String((error as Error).stack ?? error);
    logger.error(`[${projectName}] ${message}`);
    return { success: false };
  }
}

/** One line per leaf setting: its path, value and source, sources shown workspace-relative. */
function explanation(settings: LoadedSettings, workspaceRoot: string, showSecrets: boolean): string {
  const display = (file: string) => relative(workspaceRoot, file) || file;
  const lines = Object.entries(settings.origins).map(([path, origin]) => {
    const value =
      !showSecrets && isSecretPath(path)
        ? JSON.stringify(REDACTED)
        : formatSettingsJson(showSecrets ? valueAtOriginPath(settings.values, path) : redactSecrets(valueAtOriginPath(settings.values, path))).replace(/\s*\n\s*/g, ' ');
    return `  ${path} = ${value}\n      <- ${describeOrigin(origin, display)}`;
  });
  const files = settings.files.map((file) => `  ${display(file)}`);
  return [
    '',
    `Environment: ${settings.env}`,
    'Files read, in order:',
    ...(files.length > 0 ? files : ['  (none)']),
    'Where each setting comes from (environment variables DYNACONF_* apply last):',
    ...lines,
    '',
  ].join('\n');
}

/** Origins name exact keys; quoted segments (keys with dots) are walked literally. */
function valueAtOriginPath(values: Record<string, unknown>, path: string): unknown {
  const segments = path.match(/"(?:[^"\\]|\\.)*"|[^.]+/g) ?? [];
  let current: unknown = values;
  for (const segment of segments) {
    const key = segment.startsWith('"') ? (JSON.parse(segment) as string) : segment;
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
