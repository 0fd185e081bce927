import { getProjects, glob, joinPathFragments, offsetFromRoot, readNxJson, type Tree } from '@nx/devkit';
import { basename, dirname, join, relative } from 'node:path';
import { parseComponentSpec } from '../../../kfp/component-spec';
import { pipelineNameProblem } from '../../../pipeline/pipeline-names';
import { symlinkOutside } from '../../component/lib/normalize-options';
import { pluginOptionsFromNxJson, type NormalizedPluginOptions } from '../../../plugin/plugin-options';
import type { PipelineGeneratorSchema } from '../schema';
import { wireTasks, type ComponentForWiring, type WiredParameter, type WiredTask } from './wire-tasks';

export interface NormalizedPipelineOptions {
  name: string;
  /** Workspace-relative folder of the new pipeline. */
  projectRoot: string;
  description: string;
  tasks: WiredTask[];
  parameters: WiredParameter[];
  /** Path from the pipeline folder to the workspace root, ending in a slash. */
  offsetFromRoot: string;
  /** pipeline.schema.json, relative to the pipeline folder, for the yaml-language-server line. */
  schemaPath: string;
  /** The plugin options of nx.json: folders and target names. */
  pluginOptions: NormalizedPluginOptions;
}

export class PipelineOptionsError extends Error {}

const SCHEMA_FILE = join(__dirname, '..', '..', '..', 'pipeline', 'pipeline.schema.json');
const PLUGIN_SOURCE_SCHEMA = 'packages/nx-kubeflow/src/pipeline/pipeline.schema.json';
const INSTALLED_SCHEMA = 'node_modules/nx-kubeflow/src/pipeline/pipeline.schema.json';

/**
 * Checks and completes the options, wiring the tasks. Every problem is
 * collected and reported in one error, before anything is written.
 */
export function normalizeOptions(tree: Tree, options: PipelineGeneratorSchema): NormalizedPipelineOptions {
  const errors: string[] = [];
  const name = (options.name ?? '').trim();
  const nameProblem = pipelineNameProblem(name);
  if (nameProblem || name.length > 63) {
    errors.push(nameProblem ?? `"${name}" is too long for a project name: at most 63 characters.`);
  }
  const pluginOptions = pluginOptionsFromNxJson(readNxJson(tree));
  const { pipelinesDir } = pluginOptions;
  const projectRoot = normalizeDirectory(options.directory ?? joinPathFragments(pipelinesDir, name));
  if (options.directory !== undefined) {
    if (!projectRoot.startsWith(`${pipelinesDir}/`)) {
      errors.push(
        `--directory "${options.directory}" is not under ${pipelinesDir}/: the plugin finds pipelines there (pipelinesDir in nx.json's nx-kubeflow options).`,
      );
    } else if (symlinkOutside(tree.root, projectRoot)) {
      errors.push(`--directory "${options.directory}": ${symlinkOutside(tree.root, projectRoot)}`);
    } else if (basename(projectRoot) !== name) {
      errors.push(
        `--directory "${options.directory}" must end in the pipeline name "${name}" (the folder name is the project name), e.g. ${joinPathFragments(projectRoot, name)}.`,
      );
    }
  }
  const existing = existingProjectNames(tree, pluginOptions);
  if (existing.has(name)) {
    errors.push(`A project named "${name}" already exists (${existing.get(name)}). Choose another name.`);
  } else if (name && tree.exists(projectRoot) && tree.children(projectRoot).length > 0) {
    errors.push(`${projectRoot} already exists and is not empty. Choose another name.`);
  }

  const requested = (options.components ?? '')
    .split(',')
    .map((component) => component.trim())
    .filter(Boolean);
  if (requested.length === 0) errors.push('--components is empty: name at least one component project, e.g. --components data-loader,trainer.');
  const available = componentProjects(tree, pluginOptions.componentsDir);
  const components: ComponentForWiring[] = [];
  for (const component of requested) {
    const file = available.get(component);
    if (!file) {
      errors.push(
        `unknown component "${component}": no ${pluginOptions.componentsDir}/**/${component}/component.yaml. Components in this workspace: ${[...available.keys()].sort().join(', ') || '(none)'}.`,
      );
      continue;
    }
    const { spec, problems } = parseComponentSpec(tree.read(file, 'utf-8') ?? '', file);
    if (!spec || problems.length > 0) {
      errors.push(...problems.map((problem) => `${problem.file}: ${problem.field}: ${problem.message}`));
      continue;
    }
    components.push({ name: component, root: dirname(file), spec });
  }
  const wiring = components.length === requested.length ? wireTasks(components) : undefined;
  if (wiring) errors.push(...wiring.errors);

  if (errors.length || !wiring) {
    throw new PipelineOptionsError(`Cannot create pipeline "${name}"; nothing was written:\n  - ${errors.join('\n  - ')}`);
  }
  return {
    name,
    projectRoot,
    description: options.description?.trim() || `Runs ${requested.join(', ')}`,
    tasks: wiring.tasks,
    parameters: wiring.parameters,
    offsetFromRoot: offsetFromRoot(projectRoot),
    schemaPath: schemaPathFor(tree, projectRoot),
    pluginOptions,
  };
}

/** Component project name -> its component.yaml. */
function componentProjects(tree: Tree, componentsDir: string): Map<string, string> {
  const components = new Map<string, string>();
  for (const file of glob(tree, [`${componentsDir}/**/component.yaml`])) components.set(basename(dirname(file)), file);
  return components;
}

function normalizeDirectory(directory: string): string {
  return joinPathFragments(directory.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
}

/**
 * The schema this plugin ships, relative to the pipeline folder: the
 * plugin's source where the workspace holds it (packages/nx-kubeflow, as
 * here), else wherever the running plugin sits inside the workspace, else its
 * copy in node_modules.
 */
function schemaPathFor(tree: Tree, projectRoot: string): string {
  const fromRoot = relative(tree.root, SCHEMA_FILE).split('\\').join('/');
  const candidates = [PLUGIN_SOURCE_SCHEMA, ...(fromRoot.startsWith('..') || fromRoot.startsWith('/') ? [] : [fromRoot])];
  const found = candidates.find((candidate) => tree.exists(candidate));
  return `${offsetFromRoot(projectRoot)}${found ?? INSTALLED_SCHEMA}`;
}

/**
 * Names taken by projects: those with a project.json or package.json (getProjects)
 * and those the plugin infers from marker files, which getProjects cannot see.
 */
function existingProjectNames(tree: Tree, pluginOptions: NormalizedPluginOptions): Map<string, string> {
  const taken = new Map<string, string>();
  for (const [projectName, project] of getProjects(tree)) taken.set(projectName, project.root);
  const markers = [
    `${pluginOptions.componentsDir}/**/component.yaml`,
    `${pluginOptions.packagesDir}/*/pyproject.toml`,
    `${pluginOptions.pipelinesDir}/**/pipeline.yaml`,
  ];
  for (const marker of glob(tree, markers)) {
    const root = dirname(marker);
    if (!taken.has(basename(root))) taken.set(basename(root), root);
  }
  return taken;
}
