import { DependencyType, type CreateDependencies, type CreateDependenciesContext, type RawProjectGraphDependency } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentNamesIn } from '../pipeline/pipeline-components';
import { readPyproject } from '../python/pyproject';
import type { NxKubeflowPluginOptions } from './create-nodes';
import { COMPONENT_MARKER, PIPELINE_MARKER, projectKindOf } from './project-kinds';

/**
 * component -> package edges from pyproject path dependencies, and
 * pipeline -> component edges from the tasks of pipeline.yaml, so that a
 * change in component-runtime reaches every component, and a change in a
 * component (its code, component.yaml or settings) reaches every pipeline using it.
 */
export const createDependencies: CreateDependencies<NxKubeflowPluginOptions> = (_options, context) => [
  ...pythonPackageDependencies(context),
  ...pipelineComponentDependencies(context),
];

/** [tool.uv.sources] entries with a path. */
function pythonPackageDependencies(context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const projectByRoot = new Map(Object.entries(context.projects).map(([name, project]) => [project.root, name]));
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const pyprojectFile = join(project.root, 'pyproject.toml');
    if (!existsSync(join(context.workspaceRoot, pyprojectFile))) continue;
    let localDependencies: string[];
    try {
      localDependencies = readPyproject(context.workspaceRoot, pyprojectFile).localDependencies;
    } catch {
      // A broken pyproject.toml is reported by the targets that read it;
      // the graph must still build so that other projects keep working.
      continue;
    }
    for (const root of localDependencies) {
      const target = projectByRoot.get(root);
      if (!target || target === source) continue;
      dependencies.push({ source, target, type: DependencyType.static, sourceFile: pyprojectFile });
    }
  }
  return dependencies;
}

/**
 * Each component a pipeline's tasks name. pipeline.yaml is only parsed, not
 * checked (compile does that); a broken file or an unknown name adds no edge.
 */
function pipelineComponentDependencies(context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const components = new Set(
    Object.entries(context.projects)
      .filter(([, project]) => projectKindOf(`${project.root}/${COMPONENT_MARKER}`) === 'component')
      .filter(([, project]) => existsSync(join(context.workspaceRoot, project.root, COMPONENT_MARKER)))
      .map(([name]) => name),
  );
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const pipelineFile = `${project.root}/${PIPELINE_MARKER}`;
    if (projectKindOf(pipelineFile) !== 'pipeline') continue;
    let text: string;
    try {
      text = readFileSync(join(context.workspaceRoot, pipelineFile), 'utf8');
    } catch {
      continue;
    }
    for (const target of componentNamesIn(text)) {
      if (!components.has(target) || target === source) continue;
      dependencies.push({ source, target, type: DependencyType.static, sourceFile: pipelineFile });
    }
  }
  return dependencies;
}
