/**
 * Which environment a deploy goes to, said out loud. `-c production` on a
 * pipeline whose settings never mention production used to load [default]
 * alone and deploy to the local backend with exit code 0, as did a
 * [production] that leaves kfp.host at "local". The first is refused: an
 * environment must be declared (a [<env>] section in the pipeline's
 * settings.toml or settings.local.toml), except the default, development.
 * The second is allowed (a team may try production settings on its own
 * machine first) but printed as a warning before anything happens.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { settingsEnvironments } from '../graph/settings-environments';
import { settingsFilesFor, settingsFilesToLoad } from '../settings/index';
import { DeployError } from './deploy-backend';
import type { DeploySettings } from './deploy-settings';

/** The environment used when none is named: it needs no section of its own. */
export const DEFAULT_ENVIRONMENT = 'development';

/** Refuses an environment no settings file of the pipeline declares. */
export function checkEnvironmentDeclared(options: { workspaceRoot: string; pipelineRoot: string; env: string }): void {
  const { workspaceRoot, pipelineRoot, env } = options;
  if (env.toLowerCase() === DEFAULT_ENVIRONMENT) return;
  const files = settingsFilesToLoad(settingsFilesFor({ pipelineRoot: join(workspaceRoot, pipelineRoot) })).filter((file) => existsSync(file));
  const declared = new Set(files.flatMap((file) => settingsEnvironments(file)));
  if (declared.has(env.toLowerCase())) return;
  const mainFile = join(pipelineRoot, 'config', 'settings.toml');
  const known = [...declared].sort();
  throw new DeployError(
    `the environment "${env}" is declared in no settings file of ${pipelineRoot} ` +
      `(${files.map((file) => relative(workspaceRoot, file)).join(', ') || `${mainFile} is missing`}` +
      `${known.length ? `; they declare: ${known.join(', ')}` : ''}), so its kfp.host and image.registry would silently be [default]'s. ` +
      `Add a [${env}] section to ${mainFile}, or deploy one of the declared environments.`,
  );
}

/** A warning when a named environment other than development resolves to this machine. */
export function localBackendWarning(settings: DeploySettings, pipelineRoot: string): string | undefined {
  if (settings.host !== 'local' || settings.env.toLowerCase() === DEFAULT_ENVIRONMENT) return undefined;
  return (
    `WARNING: the ${settings.env} environment deploys to the LOCAL backend (kfp.host = "local"): nothing goes to Kubeflow. ` +
    `Set kfp.host under [${settings.env}] in ${join(pipelineRoot, 'config', 'settings.toml')} to deploy there.`
  );
}
