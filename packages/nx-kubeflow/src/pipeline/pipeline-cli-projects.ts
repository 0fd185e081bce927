/**
 * The project roots (name -> workspace-relative root) the pipeline command
 * (pipeline-cli.ts) hands the compile and deploy libraries, without loading
 * Nx: an executor gets them from Nx's ExecutorContext, a command does not.
 *
 * First choice: Nx's cached project graph, `<workspace data>/project-graph.json`,
 * the file @nx/devkit's readCachedProjectGraph reads. `nx run` writes it
 * while it builds the graph for the run, so it is as fresh as the graph the
 * task was planned from. It is used only when it answers for everything the
 * pipeline names: the pipeline's components and the pipelines it runs as
 * tasks, at any depth, each at a root that holds its component.yaml or
 * pipeline.yaml. Otherwise (no file, unreadable, a name missing, a folder
 * moved) the roots come from the folders, by the plugin's own rules (nx.json
 * plugin options componentsDir, pipelinesDir, packagesDir; project-kinds.ts),
 * so a stale cache costs a folder walk, never a wrong answer.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NxJsonConfiguration } from '@nx/devkit';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { hasName } from '../kfp/named-records';
import { workspaceDataDirectory } from '../process/workspace-data-directory';
import { pluginOptionsFromNxJson } from '../plugin/plugin-options';
import { COMPONENT_MARKER, PIPELINE_MARKER, PYTHON_PACKAGE_MARKER, projectMarkerFiles, projectNameOf } from '../graph/project-kinds';
import { projectNamesIn } from './pipeline-components';

export type ProjectRoots = Record<string, { root: string }>;

export interface PipelineProjects {
  projects: ProjectRoots;
  /** Where the roots came from: the cached graph, or the folders (and why). */
  source: 'project-graph' | 'folders';
  reason?: string;
}

/** The roots of every project in Nx's cached graph, or undefined when there is no readable one. */
export function cachedProjectRoots(workspaceRoot: string, environ: NodeJS.ProcessEnv = process.env): ProjectRoots | undefined {
  const file = join(workspaceDataDirectory(workspaceRoot, environ), 'project-graph.json');
  let graph: { nodes?: Record<string, { name?: string; data?: { root?: unknown } }> };
  try {
    graph = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!graph || typeof graph.nodes !== 'object' || graph.nodes === null) return undefined;
  const projects: ProjectRoots = {};
  for (const [name, node] of Object.entries(graph.nodes)) {
    if (typeof node?.data?.root === 'string') projects[name] = { root: node.data.root };
  }
  return projects;
}

/**
 * Why `projects` cannot answer for the pipeline at `pipelineRoot`, or
 * undefined when it can: every component and pipeline it names, at any
 * depth, is there with its marker file in its root.
 */
export function missingFromProjects(workspaceRoot: string, pipelineRoot: string, projects: Readonly<ProjectRoots>): string | undefined {
  const seen = new Set<string>();
  const visit = (root: string): string | undefined => {
    if (seen.has(root)) return undefined;
    seen.add(root);
    const file = join(workspaceRoot, root, PIPELINE_MARKER);
    if (!existsSync(file)) return undefined; // compile says so, in its words
    const names = projectNamesIn(readFileSync(file, 'utf8'));
    for (const [kind, marker] of [['components', COMPONENT_MARKER], ['pipelines', PIPELINE_MARKER]] as const) {
      for (const name of names[kind]) {
        const root = hasName(projects, name) ? projects[name].root : undefined;
        if (root === undefined) return `${name} is not in it`;
        if (!existsSync(join(workspaceRoot, root, marker))) return `${name}'s ${root}/${marker} is gone`;
        if (kind === 'pipelines') {
          const deeper = visit(root);
          if (deeper) return deeper;
        }
      }
    }
    return undefined;
  };
  return visit(pipelineRoot);
}

/** Folders the walk never enters: tools' state, venvs, build output. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '__pycache__']);

/** Workspace-relative marker files under `folder`, at any depth (hidden folders skipped, as Nx's file list skips git-ignored ones). */
function markerFilesUnder(workspaceRoot: string, folder: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(join(workspaceRoot, folder), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) markerFilesUnder(workspaceRoot, path, out);
    } else if (entry.name === COMPONENT_MARKER || entry.name === PIPELINE_MARKER || entry.name === PYTHON_PACKAGE_MARKER) {
      out.push(path);
    }
  }
}

/** The projects the plugin infers, found from the folders by its rules (nx.json's plugin options). */
export function projectRootsFromFolders(workspaceRoot: string): ProjectRoots {
  let nxJson: NxJsonConfiguration | undefined;
  try {
    // as Nx reads it (jsonc-parser, Nx's own): comments and trailing commas are allowed
    const errors: ParseError[] = [];
    const parsed = parseJsonc(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8'), errors, { allowTrailingComma: true });
    nxJson = errors.length === 0 ? parsed : undefined;
  } catch {
    nxJson = undefined;
  }
  const options = pluginOptionsFromNxJson(nxJson);
  const files: string[] = [];
  const folders = [...new Set([options.componentsDir, options.pipelinesDir, options.packagesDir].map((dir) => (dir === '.' ? '' : dir)))];
  // a folder inside another is walked once, as part of the outer one
  for (const folder of folders) {
    if (!folders.some((other) => other !== folder && (other === '' || folder.startsWith(`${other}/`)))) markerFilesUnder(workspaceRoot, folder, files);
  }
  const projects: ProjectRoots = {};
  for (const marker of projectMarkerFiles(files.sort(), options)) {
    projects[projectNameOf(marker)] = { root: marker.slice(0, marker.lastIndexOf('/')) };
  }
  return projects;
}

/**
 * The roots for a command on the pipeline `projectName` at `projectRoot`
 * (its root is the command's argument, never looked up): the cached graph
 * when it answers for everything the pipeline names, else the folders, with
 * the cached projects whose roots still hold a marker file kept (a name a
 * project.json gives, which the folder rules cannot know).
 */
export function pipelineProjects(workspaceRoot: string, projectName: string, projectRoot: string, environ: NodeJS.ProcessEnv = process.env): PipelineProjects {
  const cached = cachedProjectRoots(workspaceRoot, environ);
  if (cached) {
    const projects = { ...cached, [projectName]: { root: projectRoot } };
    const reason = missingFromProjects(workspaceRoot, projectRoot, projects);
    if (reason === undefined) return { projects, source: 'project-graph' };
    return { projects: withFolders(workspaceRoot, projectName, projectRoot, cached), source: 'folders', reason: `Nx's cached project graph is stale: ${reason}` };
  }
  return { projects: withFolders(workspaceRoot, projectName, projectRoot, {}), source: 'folders', reason: "there is no readable cached project graph" };
}

function withFolders(workspaceRoot: string, projectName: string, projectRoot: string, cached: Readonly<ProjectRoots>): ProjectRoots {
  const found = projectRootsFromFolders(workspaceRoot);
  const kept: ProjectRoots = {};
  const takenRoots = new Set(Object.values(found).map(({ root }) => root));
  for (const [name, { root }] of Object.entries(cached)) {
    if (hasName(found, name) || takenRoots.has(root)) continue;
    if ([COMPONENT_MARKER, PIPELINE_MARKER].some((marker) => existsSync(join(workspaceRoot, root, marker)))) kept[name] = { root };
  }
  return { ...kept, ...found, [projectName]: { root: projectRoot } };
}
