/** The components a pipeline names: found as projects, their component.yaml read with src/kfp's loader. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseComponentSpec, type SpecWarning } from '../kfp/component-spec';
import type { ComponentSpec } from '../kfp/pipeline-model';
import type { PipelineProblem } from './pipeline-problems';

export const COMPONENT_FILE = 'component.yaml';

/**
 * The component names the tasks of a pipeline.yaml mention, in order, each
 * once. For the project graph: a plain YAML parse, no checking; a file that
 * does not parse names nothing (compile reports it).
 */
export function componentNamesIn(pipelineYaml: string): string[] {
  return projectNamesIn(pipelineYaml).components;
}

/** Keys of a block entry that hold values, never tasks (a literal there may well say `component:`). */
const NOT_TASKS = new Set(['if', 'arguments', 'for_each', 'items', 'importer', 'create_pvc', 'delete_pvc']);

/**
 * The components (`component:`) and pipelines (`pipeline:`) the tasks of a
 * pipeline.yaml run, in order, each once, at any depth: an entry without
 * either is a block (a condition's then/elif/else, or any other grouping),
 * whose values are searched for more tasks.
 */
export function projectNamesIn(pipelineYaml: string): { components: string[]; pipelines: string[] } {
  const components = new Set<string>();
  const pipelines = new Set<string>();
  let raw: unknown;
  try {
    raw = parseYaml(pipelineYaml);
  } catch {
    return { components: [], pipelines: [] };
  }
  const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  // a mapping of names to entries: tasks, or blocks holding more of them
  const walkEntries = (entries: Record<string, unknown>) => {
    for (const entry of Object.values(entries)) {
      if (!isMapping(entry)) continue;
      if (entry.component === undefined && entry.pipeline === undefined) walkBlock(entry);
      else if (typeof entry.component === 'string' && entry.component !== '') components.add(entry.component);
      else if (typeof entry.pipeline === 'string' && entry.pipeline !== '') pipelines.add(entry.pipeline);
    }
  };
  // a block: its mappings are more entries (then, else, ...), its lists hold blocks (elif)
  const walkBlock = (block: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(block)) {
      if (NOT_TASKS.has(key)) continue;
      if (isMapping(value)) walkEntries(value);
      else if (Array.isArray(value)) for (const item of value) if (isMapping(item)) walkBlock(item);
    }
  };
  const tasks = (raw as { tasks?: unknown } | null)?.tasks;
  if (isMapping(tasks)) walkEntries(tasks);
  return { components: [...components], pipelines: [...pipelines] };
}

export interface LoadedComponents {
  /** Component project name -> its interface. */
  specs: Map<string, ComponentSpec>;
  /** Workspace-relative root of every component project (loaded, broken or not asked for). */
  roots: Map<string, string>;
  /** Components that exist but whose component.yaml is broken. */
  broken: Set<string>;
  problems: PipelineProblem[];
  /** Unquoted scalars YAML 1.1 (kfp) and 1.2 read differently: read as kfp does, worth quoting. */
  warnings: SpecWarning[];
}

/**
 * Reads the component.yaml of every component project in `projects` (name ->
 * workspace-relative root). All of them, not just the ones a pipeline names,
 * so "unknown component" can list what exists; `only` narrows that down.
 */
export function loadComponents(
  workspaceRoot: string,
  projects: Readonly<Record<string, { root: string }>>,
  only?: ReadonlySet<string>,
): LoadedComponents {
  const loaded: LoadedComponents = { specs: new Map(), roots: new Map(), broken: new Set(), problems: [], warnings: [] };
  for (const [name, { root }] of Object.entries(projects)) {
    const file = join(root, COMPONENT_FILE).split('\\').join('/');
    const absolute = join(workspaceRoot, file);
    if (!existsSync(absolute)) continue;
    loaded.roots.set(name, root);
    if (only && !only.has(name)) continue;
    const { spec, problems, warnings } = parseComponentSpec(readFileSync(absolute, 'utf8'), file);
    loaded.warnings.push(...warnings);
    if (spec && problems.length === 0) {
      loaded.specs.set(name, spec);
    } else {
      loaded.broken.add(name);
      loaded.problems.push(
        ...problems.map((problem) => ({ file, line: problem.line, column: problem.column, field: problem.field, message: problem.message })),
      );
    }
  }
  return loaded;
}
