import { glob, joinPathFragments, type Tree } from '@nx/devkit';
import { dirname } from 'node:path';
import { parse, TomlError } from 'smol-toml';

/**
 * Environments that never deploy from CI: development is each developer's
 * own (kfp.host "local", deploy.run = true in the generated settings) and
 * testing is what the test target loads (ENV_FOR_DYNACONF=testing).
 */
export const LOCAL_ONLY_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'testing']);

/** Sections of a dynaconf settings file that are not environments (as src/graph/settings-environments.ts reads them). */
const NOT_ENVIRONMENTS = new Set(['default', 'global', 'dynaconf']);

/** What `nx g pipeline` declares, so a workspace without pipelines yet still deploys the first one. */
export const PIPELINE_TEMPLATE_ENVIRONMENTS = ['production'];

export interface SettingsDocument {
  /** Workspace-relative config/settings.toml. */
  file: string;
  /** The project folder. */
  projectRoot: string;
  document: Record<string, unknown>;
}

export interface DeployEnvironment {
  name: string;
  /** Registry hosts the environment's images are pushed to (image.registry of pipelines and components), sorted. */
  registryHosts: string[];
  /** Pipelines whose settings leave kfp.host "local" (or unset) for this environment: CI deploys them to the runner. */
  localPipelines: string[];
  /** Pipelines whose settings do not declare the environment: `deploy -c <env>` refuses them when they are affected. */
  undeclaredIn: string[];
}

export interface WorkspaceEnvironments {
  pipelines: string[];
  /** Every environment the pipelines declare, local-only ones included, sorted. */
  declared: string[];
  deploy: DeployEnvironment[];
  problems: string[];
}

/**
 * Reads the committed settings (config/settings.toml, never the git-ignored
 * settings.local.toml, which CI does not have) of every pipeline and
 * component in the tree, so a preset that has just written its example
 * pipeline sees it. `requested`, when given, replaces the default choice.
 */
export function workspaceEnvironments(
  tree: Tree,
  folders: { componentsDir: string; pipelinesDir: string },
  requested?: string[],
): WorkspaceEnvironments {
  const problems: string[] = [];
  const pipelines = readSettingsOf(tree, `${folders.pipelinesDir}/**/pipeline.yaml`, problems);
  const components = readSettingsOf(tree, `${folders.componentsDir}/**/component.yaml`, problems);

  const declaredBy = new Map<string, Set<string>>();
  for (const pipeline of pipelines) {
    for (const env of declaredEnvironments(pipeline.document)) {
      if (!declaredBy.has(env)) declaredBy.set(env, new Set());
      declaredBy.get(env)!.add(pipeline.projectRoot);
    }
  }
  const declared = [...declaredBy.keys()].sort();

  let names: string[];
  if (requested) {
    names = requested;
    for (const env of requested) {
      if (LOCAL_ONLY_ENVIRONMENTS.has(env)) {
        problems.push(`--environments: "${env}" is not deployed from CI (development and testing stay on developers' machines); name the environments CI deploys, e.g. production.`);
      } else if (pipelines.length > 0 && !declaredBy.has(env)) {
        problems.push(
          `--environments: "${env}" is declared in no pipeline's config/settings.toml, so deploy would refuse it. ` +
            `Declared: ${declared.join(', ') || '(none)'}. Add a [${env}] section to a pipeline's settings first.`,
        );
      }
    }
  } else if (pipelines.length === 0) {
    names = [...PIPELINE_TEMPLATE_ENVIRONMENTS];
  } else {
    names = declared.filter((env) => !LOCAL_ONLY_ENVIRONMENTS.has(env));
  }

  const deploy = names.map((name) => ({
    name,
    registryHosts: [...new Set([...pipelines, ...components].map((settings) => registryHost(settingFor(settings.document, name, 'image', 'registry'))).filter((host): host is string => !!host))].sort(),
    localPipelines: pipelines.filter((pipeline) => declaredBy.get(name)?.has(pipeline.projectRoot) && isLocalHost(settingFor(pipeline.document, name, 'kfp', 'host'))).map((pipeline) => pipeline.projectRoot),
    undeclaredIn: pipelines.filter((pipeline) => !declaredBy.get(name)?.has(pipeline.projectRoot)).map((pipeline) => pipeline.projectRoot),
  }));
  return { pipelines: pipelines.map((pipeline) => pipeline.projectRoot), declared, deploy, problems };
}

/** The environments a settings document declares: its top-level tables other than [default], [global] and [dynaconf]. */
export function declaredEnvironments(document: Record<string, unknown>): string[] {
  return Object.entries(document)
    .filter(([name, value]) => !NOT_ENVIRONMENTS.has(name.toLowerCase()) && isTable(value))
    .map(([name]) => name.toLowerCase())
    .sort();
}

/**
 * `table.key` as the file sets it for `env`: [global] wins, then the
 * environment, then [default] (dynaconf's order within one file). Enough to
 * find a registry or a host; the settings target gives the full layering.
 */
export function settingFor(document: Record<string, unknown>, env: string, table: string, key: string): unknown {
  const sections = Object.entries(document).filter(([name]) => name.toLowerCase() === 'global' || name.toLowerCase() === env || name.toLowerCase() === 'default');
  const order = ['global', env, 'default'];
  sections.sort(([a], [b]) => order.indexOf(a.toLowerCase()) - order.indexOf(b.toLowerCase()));
  for (const [, section] of sections) {
    if (!isTable(section)) continue;
    const inner = Object.entries(section).find(([name]) => name.toLowerCase() === table)?.[1];
    if (isTable(inner) && key in inner) return inner[key];
    const dotted = (section as Record<string, unknown>)[`${table}.${key}`];
    if (dotted !== undefined) return dotted;
  }
  return undefined;
}

/**
 * The host part of an image.registry: ghcr.io/acme/ml -> ghcr.io,
 * localhost:5000/x -> localhost:5000; a bare namespace (acme) is on Docker
 * Hub, as the engines read it. Empty: local images only, nothing to log in to.
 */
export function registryHost(registry: unknown): string | undefined {
  if (typeof registry !== 'string') return undefined;
  const trimmed = registry.trim().replace(/^[a-z]+:\/\//i, '');
  if (!trimmed) return undefined;
  const first = trimmed.split('/')[0];
  return /[.:]/.test(first) || first === 'localhost' ? first.toLowerCase() : 'docker.io';
}

function isLocalHost(host: unknown): boolean {
  return host === undefined || (typeof host === 'string' && (host.trim() === '' || host.trim().toLowerCase() === 'local'));
}

function readSettingsOf(tree: Tree, markerGlob: string, problems: string[]): SettingsDocument[] {
  const documents: SettingsDocument[] = [];
  for (const marker of glob(tree, [markerGlob]).sort()) {
    const projectRoot = dirname(marker);
    const file = joinPathFragments(projectRoot, 'config', 'settings.toml');
    const text = tree.read(file, 'utf-8');
    if (text === null) {
      documents.push({ file, projectRoot, document: {} });
      continue;
    }
    try {
      documents.push({ file, projectRoot, document: parse(text) as Record<string, unknown> });
    } catch (error) {
      const where = error instanceof TomlError ? `:${error.line}:${error.column}` : '';
      const message = ((error as Error).message.split('\n')[0] ?? '').trim();
      problems.push(`${file}${where}: not valid TOML (${message}); fix it, then run the generator again (nx run <project>:settings shows the whole error).`);
    }
  }
  return documents;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
