import { names, readNxJson, type Tree } from '@nx/devkit';
import { pluginOptionsFromNxJson, type NormalizedPluginOptions } from '../../../plugin/plugin-options';
import type { CiGeneratorSchema, CiProvider } from '../schema';
import { workspaceEnvironments, type DeployEnvironment } from './deploy-environments';
import { KFP_TOKEN, registryLogin, type RegistryLogin } from './registry-logins';

export interface CiDeployEnvironment extends DeployEnvironment {
  logins: RegistryLogin[];
}

export interface NormalizedCiOptions {
  provider: CiProvider;
  workflowName: string;
  /** GitHub: .github/workflows/<workflowFileName>.yml */
  workflowFileName: string;
  mainBranch: string;
  nodeVersion: string;
  pythonVersion: string;
  /** GitLab: the node image whose Debian release ships pythonVersion. */
  gitlabImage: string;
  /** Target names, as the plugin options in nx.json name them. */
  targets: { lint: string; test: string; dockerBuild: string; deploy: string; run: string };
  /** Globs of the Python projects' pyproject.toml files (the venv and pip cache key). */
  pyprojectGlobs: string[];
  /** Globs of the project venvs (<project>/.venv, src/python/venv.ts). */
  venvGlobs: string[];
  /** Every environment the pipelines declare, for messages. */
  declaredEnvironments: string[];
  pipelines: string[];
  environments: CiDeployEnvironment[];
  /** The secret with the KFP token, in every deploy job's environment. */
  kfpTokenSecret: string;
  hasLockfile: boolean;
  makefile: boolean;
  overwrite: boolean;
}

export class CiOptionsError extends Error {}

const PROVIDERS: readonly CiProvider[] = ['github', 'gitlab'];
const DEFAULT_NODE = '22';
const DEFAULT_PYTHON = '3.11';
/** Debian releases of the official node images, by the python3 they ship. */
const DEBIAN_FOR_PYTHON: Record<string, string> = { '3.11': 'bookworm', '3.13': 'trixie' };
const OTHER_LOCKFILES: Record<string, string> = { 'pnpm-lock.yaml': 'pnpm', 'yarn.lock': 'yarn', 'bun.lockb': 'bun', 'bun.lock': 'bun' };

/**
 * Checks and completes the options, reading the workspace (nx.json plugin
 * options, version files, the pipelines' settings) from the tree. Every
 * problem is collected and reported in one error, before anything is written.
 */
export function normalizeOptions(tree: Tree, schema: CiGeneratorSchema): NormalizedCiOptions {
  const errors: string[] = [];
  const provider = schema.provider;
  if (!PROVIDERS.includes(provider)) errors.push(`--provider "${provider ?? ''}" is not one of ${PROVIDERS.join(', ')}.`);

  const nxJson = readNxJson(tree);
  const plugin: NormalizedPluginOptions = pluginOptionsFromNxJson(nxJson);

  const workflowName = (schema.name ?? 'CI').trim();
  if (!/^[a-zA-Z][a-zA-Z0-9 _-]*$/.test(workflowName)) errors.push(`--name "${workflowName}": use letters, digits, spaces, '-' and '_', starting with a letter (e.g. CI).`);

  const mainBranch = (schema.mainBranch ?? defaultBaseOf(nxJson?.defaultBase ?? nxJson?.affected?.defaultBase) ?? 'main').trim();
  if (!/^[A-Za-z0-9._/-]+$/.test(mainBranch) || mainBranch.includes('..')) errors.push(`--mainBranch "${mainBranch}" is not a branch name.`);

  const nodeVersion = versionOption(tree, schema.nodeVersion, ['.nvmrc', '.node-version'], DEFAULT_NODE, 'nodeVersion', errors);
  if (nodeVersion && Number(nodeVersion.split('.')[0]) < 20) errors.push(`Node ${nodeVersion} is too old for Nx 22: use 20.19 or later (--nodeVersion 22).`);
  const pythonVersion = versionOption(tree, schema.pythonVersion, ['.python-version'], DEFAULT_PYTHON, 'pythonVersion', errors);
  const [pyMajor, pyMinor] = pythonVersion.split('.').map(Number);
  if (pythonVersion && (pyMajor < 3 || (pyMajor === 3 && pyMinor < 10))) errors.push(`Python ${pythonVersion} is too old: components need 3.10+.`);
  const debian = DEBIAN_FOR_PYTHON[pythonVersion.split('.').slice(0, 2).join('.')];
  if (provider === 'gitlab' && pythonVersion && !debian) {
    errors.push(
      `GitLab jobs run in the node image and take Python from its Debian release: 3.11 (bookworm) or 3.13 (trixie), not ${pythonVersion}. ` +
        `Pass --pythonVersion 3.11 or 3.13 (or change .python-version).`,
    );
  }

  for (const [lockfile, manager] of Object.entries(OTHER_LOCKFILES)) {
    if (tree.exists(lockfile)) {
      errors.push(`This workspace uses ${manager} (${lockfile}); nx-kubeflow:ci writes npm workflows (npm ci, the npm cache). Use npm, or adapt the install steps by hand.`);
    }
  }

  const requested = schema.environments === undefined ? undefined : splitList(schema.environments);
  if (requested && requested.length === 0) errors.push('--environments is empty: name the environments CI deploys, e.g. --environments production.');
  for (const env of requested ?? []) {
    if (!/^[a-z][a-z0-9_-]*$/.test(env)) errors.push(`--environments: "${env}" is not an environment name (lowercase letters, digits, '-', '_').`);
  }
  const found = workspaceEnvironments(tree, plugin, requested?.length ? requested : undefined);
  errors.push(...found.problems);

  if (errors.length) {
    throw new CiOptionsError(`Cannot write the CI workflow; nothing was written:\n  - ${errors.join('\n  - ')}`);
  }
  return {
    provider,
    workflowName,
    workflowFileName: names(workflowName).fileName.replace(/\s+/g, '-'),
    mainBranch,
    nodeVersion,
    pythonVersion,
    gitlabImage: `node:${nodeVersion.split('.')[0]}-${debian ?? 'bookworm'}`,
    targets: {
      lint: plugin.lintTargetName,
      test: plugin.testTargetName,
      dockerBuild: plugin.dockerBuildTargetName,
      deploy: plugin.deployTargetName,
      run: plugin.runTargetName,
    },
    pyprojectGlobs: [`${plugin.componentsDir}/**/pyproject.toml`, `${plugin.packagesDir}/*/pyproject.toml`],
    venvGlobs: [`${plugin.componentsDir}/**/.venv`, `${plugin.packagesDir}/*/.venv`],
    declaredEnvironments: found.declared,
    pipelines: found.pipelines,
    environments: found.deploy.map((env) => ({ ...env, logins: env.registryHosts.map((host) => registryLogin(provider, host)) })),
    kfpTokenSecret: KFP_TOKEN,
    hasLockfile: tree.exists('package-lock.json'),
    makefile: schema.makefile ?? true,
    overwrite: schema.overwrite ?? false,
  };
}

function defaultBaseOf(base: string | undefined): string | undefined {
  return base?.replace(/^origin\//, '') || undefined;
}

function splitList(text: string): string[] {
  return [...new Set(text.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean))];
}

/** An option, else the first version file that exists, else the default; "v22.1", "22" and "3.11" all read. */
function versionOption(tree: Tree, option: string | undefined, files: string[], fallback: string, name: string, errors: string[]): string {
  let value = option?.trim();
  let source = `--${name}`;
  if (!value) {
    const file = files.find((candidate) => tree.exists(candidate));
    if (!file) return fallback;
    value = (tree.read(file, 'utf-8') ?? '').split('\n')[0].trim();
    source = file;
  }
  const version = value.replace(/^v/, '');
  if (!/^\d+(\.\d+){0,2}$/.test(version)) {
    errors.push(`${source}: "${value}" is not a version number (e.g. ${fallback}); pass --${name}.`);
    return '';
  }
  return version;
}
