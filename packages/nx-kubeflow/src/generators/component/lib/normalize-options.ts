import { getProjects, glob, joinPathFragments, names, offsetFromRoot, readNxJson, type Tree } from '@nx/devkit';
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, join, relative, isAbsolute } from 'node:path';
import { COMPONENT_RUNTIME_SOURCE, pluginOptionsFromNxJson, type NormalizedPluginOptions } from '../../../plugin/plugin-options';
import { componentRuntimeRoot, isPublicVersion } from '../../init/lib/component-runtime-source';
import { pluginPackage } from '../../init/lib/plugin-package';
import type { ComponentGeneratorSchema } from '../schema';
import { duplicateNames, parseComponentIo, type ComponentIo } from './component-io';

export interface NormalizedComponentOptions {
  name: string;
  /** Workspace-relative folder of the new component. */
  projectRoot: string;
  description: string;
  inputs: ComponentIo[];
  outputs: ComponentIo[];
  /** snake_case module under src/lib holding the logic. */
  moduleName: string;
  /** Path from the component folder to the workspace root, ending in a slash. */
  offsetFromRoot: string;
  /** Workspace-relative folder of component-runtime (<packagesDir>/component-runtime). */
  runtimeRoot: string;
  /**
   * How the component depends on component-runtime: by path on the
   * workspace's copy when the tree holds it, else pinned to a published version.
   */
  runtime: ComponentRuntimeDependency;
  /** The plugin options of nx.json: folders and target names. */
  pluginOptions: NormalizedPluginOptions;
}

export type ComponentRuntimeDependency =
  | { kind: 'path'; /** from the component folder, as [tool.uv.sources] takes it */ path: string }
  | { kind: 'pinned'; version: string; /** the workspace asked for source but has none */ sourceMissing: boolean };

/** Lowercase DNS-1123 label: what Kubernetes, image names and KFP all accept. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class ComponentOptionsError extends Error {}

/**
 * Checks and completes the options. Every problem is collected and reported
 * in one error, before anything is written.
 */
export function normalizeOptions(tree: Tree, options: ComponentGeneratorSchema): NormalizedComponentOptions {
  const errors: string[] = [];
  const name = (options.name ?? '').trim();
  if (!DNS_1123_LABEL.test(name) || name.length > 63) {
    errors.push(
      `"${name}" is not a valid component name: use a lowercase DNS-1123 label (a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters), e.g. data-loader.`,
    );
  }
  const nameIsValid = errors.length === 0;
  const pluginOptions = pluginOptionsFromNxJson(readNxJson(tree));
  const { componentsDir } = pluginOptions;
  const projectRoot = normalizeDirectory(options.directory ?? joinPathFragments(componentsDir, name));
  const directoryOption = options.directory ?? projectRoot;
  if (!nameIsValid && options.directory === undefined) {
    // the folder would be made of the bad name: the name's error says it all
  } else if (!projectRoot.startsWith(`${componentsDir}/`)) {
    errors.push(
      `--directory "${directoryOption}" is not under ${componentsDir}/: the plugin finds components there (componentsDir in nx.json's nx-kubeflow options).`,
    );
  } else if (symlinkOutside(tree.root, projectRoot)) {
    errors.push(`--directory "${directoryOption}": ${symlinkOutside(tree.root, projectRoot)}`);
  } else if (basename(projectRoot) !== name) {
    errors.push(
      `--directory "${directoryOption}" must end in the component name "${name}" (the folder name is the project name), e.g. ${joinPathFragments(projectRoot, name)}.`,
    );
  }
  const existing = existingProjectNames(tree, pluginOptions);
  if (existing.has(name)) {
    errors.push(`A project named "${name}" already exists (${existing.get(name)}). Choose another name.`);
  } else if (tree.exists(projectRoot) && tree.children(projectRoot).length > 0) {
    errors.push(`${projectRoot} already exists and is not empty. Choose another name or --directory.`);
  }

  const inputs = parseComponentIo(options.inputs, '--inputs');
  const outputs = parseComponentIo(options.outputs, '--outputs');
  errors.push(...inputs.errors, ...outputs.errors, ...duplicateNames(inputs.items, outputs.items));

  const runtimeRoot = componentRuntimeRoot(pluginOptions.packagesDir);
  const runtime = runtimeDependency(tree, projectRoot, runtimeRoot, pluginOptions.componentRuntime);
  if (typeof runtime === 'string') errors.push(runtime);

  if (errors.length || typeof runtime === 'string') {
    throw new ComponentOptionsError(`Cannot create component "${name}"; nothing was written:\n  - ${errors.join('\n  - ')}`);
  }
  return {
    name,
    projectRoot,
    description: options.description?.trim() || `The ${name} component`,
    inputs: inputs.items,
    outputs: outputs.items,
    moduleName: names(name).fileName.replace(/-/g, '_'),
    offsetFromRoot: offsetFromRoot(projectRoot),
    runtimeRoot,
    runtime,
    pluginOptions,
  };
}

/**
 * The workspace's copy of component-runtime wins while it exists (it is what
 * the team edits); without one, the version nx.json pins, or else the version
 * this plugin ships, from the package index. A string: why there is none.
 */
function runtimeDependency(tree: Tree, projectRoot: string, runtimeRoot: string, componentRuntime: string): ComponentRuntimeDependency | string {
  if (tree.exists(join(runtimeRoot, 'pyproject.toml'))) {
    return { kind: 'path', path: `${offsetFromRoot(projectRoot)}${runtimeRoot}` };
  }
  if (componentRuntime !== COMPONENT_RUNTIME_SOURCE) {
    if (!isPublicVersion(componentRuntime)) {
      return `nx.json: the nx-kubeflow plugin's componentRuntime option is "${componentRuntime}": use "source" or a version pip can pin, such as "0.1.0".`;
    }
    return { kind: 'pinned', version: componentRuntime, sourceMissing: false };
  }
  const shipped = pluginPackage().componentRuntimeVersion;
  if (!shipped) {
    return `${runtimeRoot}/pyproject.toml is missing and nx.json pins no component-runtime version: run \`npx nx g nx-kubeflow:init\` to add its source, or \`npx nx g nx-kubeflow:init --runtime=pinned --runtimeVersion <version>\`.`;
  }
  return { kind: 'pinned', version: shipped, sourceMissing: true };
}

/**
 * A folder on the way to the new component that is a symbolic link leading out
 * of the workspace: generating there would write files outside it. Only what
 * exists on disk can be a link (a tree made in memory has none).
 */
export function symlinkOutside(workspaceRoot: string, projectRoot: string): string | undefined {
  if (!existsSync(workspaceRoot)) return undefined;
  const realRoot = realpathSync(workspaceRoot);
  const segments = projectRoot.split('/');
  for (let depth = 1; depth <= segments.length; depth++) {
    const prefix = segments.slice(0, depth).join('/');
    const onDisk = join(workspaceRoot, prefix);
    if (!existsSync(onDisk) || !lstatSync(onDisk).isSymbolicLink()) continue;
    const target = realpathSync(onDisk);
    const inside = relative(realRoot, target);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      return `${prefix} is a symbolic link to ${target}, outside the workspace; files would be written there. Use a folder inside the workspace.`;
    }
  }
  return undefined;
}

function normalizeDirectory(directory: string): string {
  return joinPathFragments(directory.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
}

/**
 * Names taken by projects: those with a project.json or package.json (getProjects)
 * and those the plugin infers from marker files, which getProjects cannot see.
 */
function existingProjectNames(tree: Tree, pluginOptions: NormalizedPluginOptions): Map<string, string> {
  const taken = new Map<string, string>();
  for (const [projectName, project] of getProjects(tree)) taken.set(projectName, project.root);
  const markers = glob(tree, [
    `${pluginOptions.componentsDir}/**/component.yaml`,
    `${pluginOptions.packagesDir}/*/pyproject.toml`,
    `${pluginOptions.pipelinesDir}/**/pipeline.yaml`,
  ]);
  for (const marker of markers) {
    const root = marker.split('/').slice(0, -1).join('/');
    const projectName = basename(root);
    if (!taken.has(projectName)) taken.set(projectName, root);
  }
  return taken;
}
