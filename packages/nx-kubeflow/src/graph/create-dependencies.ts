import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readPyproject } from '../python/pyproject';
import type { NxKubeflowPluginOptions } from './create-nodes';

/**
 * component -> package edges from pyproject path dependencies
 * ([tool.uv.sources] entries with a path), so a change in component-runtime
 * makes every component that uses it affected.
 */
export const createDependencies: CreateDependencies<NxKubeflowPluginOptions> = (_options, context) => {
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
};
