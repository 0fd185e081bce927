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
  return {
    file,
    name: data.project?.name,
    localDependencies: pathSources(workspaceRoot, absolute, data.tool?.uv?.sources),
    extras: Object.keys(data.project?.['optional-dependencies'] ?? {}),
    dependencyNames: (Array.isArray(data.project?.dependencies) ? data.project.dependencies : [])
      .map((requirement: unknown) => (typeof requirement === 'string' ? requirementName(requirement) : undefined))
      .filter((name: string | undefined): name is string => Boolean(name)),
  };
}

/**
 * Only the local path dependencies of a pyproject.toml, for the project
 * graph, which reads nothing else of it. It parses the `[tool.uv.sources]`
 * table alone where the file has it in that plain form (every generated
 * project does): at 1,000 components parsing whole files was 200 to 380 ms
 * of a cold graph build, most of createDependencies (tools/bench/README.md).
 * Any other spelling (`sources` under `[tool.uv]`, dotted or inline keys,
 * several mentions) is read by parsing the whole file, so the answer is
 * always TOML's. Throws PyprojectError where readPyproject does, except that
 * a syntax error outside the sources table goes unnoticed here (the targets
 * that read the whole file report it).
 */
export function readLocalDependencies(workspaceRoot: string, file: string): string[] {
  const absolute = resolve(workspaceRoot, file);
  const text = readFileSync(absolute, 'utf8');
  const table = uvSourcesTable(text);
  return table === undefined ? readPyproject(workspaceRoot, file).localDependencies : pathSources(workspaceRoot, absolute, table);
}

const UV_SOURCES_HEADER = /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*uv[ \t]*\.[ \t]*sources[ \t]*\][ \t]*(?:#[^\n]*)?\r?$/m;
const TABLE_HEADER = /^[ \t]*\[/m;

/**
 * The `[tool.uv.sources]` table of a file that spells it in exactly one
 * place as that header ({} when the file names no `sources` at all), or
 * undefined when only a whole parse can tell. The table ends at the next
 * line that opens with `[`: a table header, or inside a multi-line value
 * (a string or an array), where the cut leaves that value open and the
 * parse of the slice fails, which falls back too.
 */
export function uvSourcesTable(text: string): Record<string, unknown> | undefined {
  // \u escapes in quoted keys could spell "sources" without the word
  if (/\\[uU]/.test(text)) return undefined;
  const mentions = text.split('sources').length - 1;
  if (mentions === 0) return {};
  const header = UV_SOURCES_HEADER.exec(text);
  if (!header || mentions !== 1) return undefined;
  const body = text.slice(header.index + header[0].length);
  const next = TABLE_HEADER.exec(body);
  try {
    const data = parse(body.slice(0, next ? next.index : body.length)) as Record<string, unknown>;
    return data;
  } catch {
    return undefined;
  }
}

function pathSources(workspaceRoot: string, absoluteFile: string, sources: unknown): string[] {
  if (sources === null || typeof sources !== 'object') return [];
  const projectDir = dirname(absoluteFile);
  return Object.values(sources as Record<string, any>)
    .filter((source) => source && typeof source.path === 'string')
    .map((source) => normalize(relative(workspaceRoot, join(projectDir, source.path))).split('\\').join('/'));
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
