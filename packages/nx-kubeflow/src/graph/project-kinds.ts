import { basename, dirname } from 'node:path';

/**
 * The project kinds the plugin infers, each from the file that marks it.
 * A folder is a project of a kind when it holds that kind's marker file.
 */
export const COMPONENT_MARKER = 'component.yaml';
export const PYTHON_PACKAGE_MARKER = 'pyproject.toml';
export const PIPELINE_MARKER = 'pipeline.yaml';

export const COMPONENTS_GLOB = `components/**/${COMPONENT_MARKER}`;
export const PYTHON_PACKAGES_GLOB = `packages/*/${PYTHON_PACKAGE_MARKER}`;
export const PIPELINES_GLOB = `pipelines/**/${PIPELINE_MARKER}`;

/** One glob for createNodes: Nx calls the plugin with every file that matches. */
export const PROJECT_FILES_GLOB = `{${COMPONENTS_GLOB},${PYTHON_PACKAGES_GLOB},${PIPELINES_GLOB}}`;

export type ProjectKind = 'component' | 'python-package' | 'pipeline';

export function projectKindOf(markerFile: string): ProjectKind | undefined {
  const normalized = markerFile.split('\\').join('/');
  if (normalized.startsWith('components/') && basename(normalized) === COMPONENT_MARKER) return 'component';
  if (normalized.startsWith('packages/') && basename(normalized) === PYTHON_PACKAGE_MARKER) return 'python-package';
  if (normalized.startsWith('pipelines/') && basename(normalized) === PIPELINE_MARKER) return 'pipeline';
  return undefined;
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
