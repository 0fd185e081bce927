import { basename, dirname } from 'node:path';
import type { NormalizedPluginOptions } from '../plugin/plugin-options';

/**
 * The project kinds the plugin infers, each from the file that marks it.
 * A folder is a project of a kind when it holds that kind's marker file
 * under the folder the plugin options give that kind.
 */
export const COMPONENT_MARKER = 'component.yaml';
export const PYTHON_PACKAGE_MARKER = 'pyproject.toml';
export const PIPELINE_MARKER = 'pipeline.yaml';

/**
 * One glob for createNodes, matched against every file of the workspace.
 * Nx takes it before it knows the plugin's options, so it cannot name the
 * folders (componentsDir and the others): it names the marker files
 * anywhere, and projectKindOf keeps those in the folders the options give.
 *
 * Only the markers, nothing more: Nx's Rust glob finds the files every
 * plugin's pattern matches, and then, in its main process, runs minimatch
 * of each plugin's pattern over each of those files, compiling the pattern
 * again for every file (project-configuration-utils findMatchingConfigFiles,
 * Nx 22.7): this pattern costs ~40 us of CPU per file, the plain
 * project.json pattern ~10; each plugin's pattern runs over the files its own
 * glob found (~96 ms of CPU for the 2,001 files of 1,000 components, on every
 * command's path). Naming Dockerfile and settings.toml too (to spare a stat per
 * project) doubled the list and made the main process spend ~250 ms more at
 * 1,000 components than the stats it saved (tools/bench/README.md).
 */
export const PROJECT_FILES_GLOB = `**/{${COMPONENT_MARKER},${PYTHON_PACKAGE_MARKER},${PIPELINE_MARKER}}`;

export type ProjectKind = 'component' | 'python-package' | 'pipeline';

type KindFolders = Pick<NormalizedPluginOptions, 'componentsDir' | 'pipelinesDir' | 'packagesDir'>;

/**
 * What a marker file makes of its folder: a component (component.yaml at any
 * depth under componentsDir), a pipeline (pipeline.yaml at any depth under
 * pipelinesDir), a Python package (pyproject.toml in a direct child of
 * packagesDir), or nothing.
 */
export function projectKindOf(markerFile: string, folders: KindFolders): ProjectKind | undefined {
  const file = markerFile.split('\\').join('/');
  const name = basename(file);
  if (name === COMPONENT_MARKER && isUnder(file, folders.componentsDir)) return 'component';
  if (name === PIPELINE_MARKER && isUnder(file, folders.pipelinesDir)) return 'pipeline';
  if (name === PYTHON_PACKAGE_MARKER && isUnder(file, folders.packagesDir)) {
    const root = dirname(file);
    if (dirname(root) === (isWholeWorkspace(folders.packagesDir) ? '.' : folders.packagesDir)) return 'python-package';
  }
  return undefined;
}

/**
 * The marker files of Nx's glob match that make projects, one per folder: a
 * folder with a component.yaml is a component even where packagesDir would
 * make its pyproject.toml a Python package (the component's own dependencies).
 */
export function projectMarkerFiles(files: readonly string[], folders: KindFolders): string[] {
  const componentRoots = new Set(
    files.filter((file) => projectKindOf(file, folders) === 'component').map((file) => dirname(file)),
  );
  return files.filter((file) => {
    const kind = projectKindOf(file, folders);
    if (!kind) return false;
    return kind !== 'python-package' || !componentRoots.has(dirname(file));
  });
}

/** Whether a project root lies where a project of `kind` may live (createDependencies has roots, not files). */
export function rootMayHoldKind(root: string, kind: ProjectKind, folders: KindFolders): boolean {
  const marker = kind === 'component' ? COMPONENT_MARKER : kind === 'pipeline' ? PIPELINE_MARKER : PYTHON_PACKAGE_MARKER;
  return projectKindOf(root === '.' || root === '' ? marker : `${root}/${marker}`, folders) === kind;
}

/** Projects are named after their folder, which the generators keep a DNS-1123 label. */
export function projectNameOf(markerFile: string): string {
  return basename(dirname(markerFile));
}

export const PROJECT_TAGS: Record<ProjectKind, string[]> = {
  component: ['kubeflow:component'],
  'python-package': ['python:package'],
  pipeline: ['kubeflow:pipeline'],
};

/** "" and "." name the workspace root: every file is under it. */
function isWholeWorkspace(folder: string): boolean {
  return folder === '' || folder === '.';
}

function isUnder(file: string, folder: string): boolean {
  return isWholeWorkspace(folder) || file.startsWith(`${folder}/`);
}
