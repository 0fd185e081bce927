/**
 * What docker-build reads from settings (component's, under the pipeline's
 * when one is given), for one environment:
 *
 *   image.registry            "" (local images only) or e.g. "ghcr.io/acme/ml"
 *   image.base                -> build arg BASE_IMAGE
 *   image.build_args          table of further build args
 *   image.pip_index_url       private index credentials, passed as build secrets,
 *   image.pip_extra_index_url never as build args (those stay in the image history)
 *   image.pip_cert            a CA bundle file pip should trust (a TLS-intercepting proxy,
 *                             a private index with its own CA), also passed as a build secret
 *
 * PIP_INDEX_URL / PIP_EXTRA_INDEX_URL / PIP_CERT in the environment win over
 * the pip keys, as they do for pip itself: a build on this machine's network
 * needs what pip on this machine needs. settings.local.toml and DYNACONF_*
 * apply (docker-build runs on this machine, like deploy); the place for an
 * index token is one of those, never the committed settings.toml.
 */
import { loadSettings, readSetting, settingsFilesFor } from '../settings/index';
import { join } from 'node:path';
import { knownSecrets } from '../secrets/index';

export class ImageSettingsError extends Error {}

export interface ImageSettings {
  env: string;
  registry: string;
  baseImage?: string;
  buildArgs: Record<string, string>;
  pipIndexUrl?: string;
  pipExtraIndexUrl?: string;
  /** Path of a CA bundle for pip (PIP_CERT), absolute or workspace-relative. */
  pipCert?: string;
}

export function readImageSettings(options: {
  workspaceRoot: string;
  projectRoot: string;
  pipelineRoot?: string;
  env?: string;
  environ?: Readonly<Record<string, string | undefined>>;
}): ImageSettings {
  const environ = options.environ ?? process.env;
  const settings = loadSettings({
    files: settingsFilesFor({
      componentRoot: join(options.workspaceRoot, options.projectRoot),
      pipelineRoot: options.pipelineRoot ? join(options.workspaceRoot, options.pipelineRoot) : undefined,
    }),
    env: options.env,
    environ,
    cwd: options.workspaceRoot,
  });
  const value = (path: string) => readSetting(settings.values, path);
  const pipIndexUrl = nonEmpty(environ['PIP_INDEX_URL']) ?? optionalString(value('image.pip_index_url'), 'image.pip_index_url');
  const pipExtraIndexUrl = nonEmpty(environ['PIP_EXTRA_INDEX_URL']) ?? optionalString(value('image.pip_extra_index_url'), 'image.pip_extra_index_url');
  // The index passwords this process now holds: no line it prints may carry them (an engine's output may).
  for (const url of [pipIndexUrl, ...(pipExtraIndexUrl ?? '').split(/\s+/)]) knownSecrets.addUrlCredentials(url);
  return {
    env: settings.env,
    registry: optionalString(value('image.registry'), 'image.registry') ?? '',
    baseImage: optionalString(value('image.base'), 'image.base'),
    buildArgs: buildArgTable(value('image.build_args')),
    pipIndexUrl,
    pipExtraIndexUrl,
    pipCert: nonEmpty(environ['PIP_CERT']) ?? optionalString(value('image.pip_cert'), 'image.pip_cert'),
  };
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ImageSettingsError(`Setting ${key} must be a string, not ${JSON.stringify(value)}.`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function buildArgTable(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ImageSettingsError(`Setting image.build_args must be a table of NAME = "value", not ${JSON.stringify(value)}.`);
  }
  const args: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'object' && item !== null) {
      throw new ImageSettingsError(`Setting image.build_args.${key} must be a string, number or boolean.`);
    }
    args[key] = String(item);
  }
  return args;
}

/** `--build-arg NAME=value` values, checked; later ones win. */
export function parseBuildArgFlags(values: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq === -1 ? '' : value.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ImageSettingsError(`--build-arg "${value}" must look like NAME=value.`);
    }
    args[key] = value.slice(eq + 1);
  }
  return args;
}
