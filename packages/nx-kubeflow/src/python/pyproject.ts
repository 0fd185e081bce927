import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';

/** The parts of a PEP 621 pyproject.toml the plugin reads. */
export interface Pyproject {
  /** Workspace-relative path of the file. */
  file: string;
  name?: string;
  /**
   * Local path dependencies, workspace-relative, from `[tool.uv.sources]`
   * entries with a `path` (the convention uv workspaces use, so the file
   * works with uv as it stands).
   */
  localDependencies: string[];
  /** Names of `[project.optional-dependencies]` groups. */
  extras: string[];
}

export class PyprojectError extends Error {}

export function readPyproject(workspaceRoot: string, file: string): Pyproject {
  const absolute = resolve(workspaceRoot, file);
  const text = readFileSync(absolute, 'utf8');
  let data: Record<string, any>;
  try {
    data = parse(text) as Record<string, any>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new PyprojectError(
        `${file}:${error.line}:${error.column}: invalid TOML: ${firstLine(error.message)}. Fix the syntax at that position.`,
      );
    }
    throw error;
  }
  const sources: Record<string, any> = data.tool?.uv?.sources ?? {};
  const projectDir = dirname(absolute);
  const localDependencies = Object.values(sources)
    .filter((source) => source && typeof source.path === 'string')
    .map((source) => normalize(relative(workspaceRoot, join(projectDir, source.path))).split('\\').join('/'));
  return {
    file,
    name: data.project?.name,
    localDependencies,
    extras: Object.keys(data.project?.['optional-dependencies'] ?? {}),
  };
}

/**
 * Every local path dependency of a project, transitively, dependencies first,
 * so they can be installed in that order. Cycles are ignored after the first visit.
 */
export function localDependencyClosure(workspaceRoot: string, projectRoot: string): string[] {
  const ordered: string[] = [];
  const seen = new Set<string>([projectRoot]);
  const visit = (root: string) => {
    for (const dependency of readPyproject(workspaceRoot, join(root, 'pyproject.toml')).localDependencies) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      visit(dependency);
      ordered.push(dependency);
    }
  };
  visit(projectRoot);
  return ordered;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
