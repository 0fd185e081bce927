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
  /** Names of `[project].dependencies`, normalized as PEP 503 does (lowercase, runs of -_. as one -). */
  dependencyNames: string[];
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
    dependencyNames: (Array.isArray(data.project?.dependencies) ? data.project.dependencies : [])
      .map((requirement: unknown) => (typeof requirement === 'string' ? requirementName(requirement) : undefined))
      .filter((name: string | undefined): name is string => Boolean(name)),
  };
}

/** The distribution name a PEP 508 requirement starts with, PEP 503-normalized: `Component_Runtime[x]==1` → `component-runtime`. */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement);
  return match ? normalizePackageName(match[1]) : undefined;
}

export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
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
