import type { CreateDependencies, CreateDependenciesContext, RawProjectGraphDependency } from '@nx/devkit';
// Not from @nx/devkit's index, which loads ~100 ms of Nx the plugin worker has no other use for (graph-cache.ts).
import { DependencyType } from 'nx/src/config/project-graph';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { normalizePluginOptions, type NormalizedPluginOptions, type NxKubeflowPluginOptions } from '../plugin/plugin-options';
import { GraphCache, graphCachePath } from './graph-cache';
import { COMPONENT_MARKER, PIPELINE_MARKER, PYTHON_PACKAGE_MARKER, rootMayHoldKind } from './project-kinds';

/**
 * component -> package edges from pyproject path dependencies, and
 * pipeline -> component edges from the tasks of pipeline.yaml, so that a
 * change in component-runtime reaches every component, and a change in a
 * component (its code, component.yaml or settings) reaches every pipeline using it.
 *
 * What each pyproject.toml and pipeline.yaml names is cached by the file's
 * hash (Nx hands every file's hash in context.fileMap), so a graph rebuild
 * parses only the files that changed.
 */
export const createDependencies: CreateDependencies<NxKubeflowPluginOptions> = (rawOptions, context) => {
  const options = normalizePluginOptions(rawOptions);
  const files = new WorkspaceFiles(context);
  const cache = new GraphCache<CachedNames>(graphCachePath(context.workspaceRoot, 'dependencies-v2', options));
  try {
    return [...pythonPackageDependencies(context, files, cache), ...pipelineComponentDependencies(context, options, files, cache)];
  } finally {
    cache.save();
  }
};

/** What a pipeline.yaml names (components and pipelines its tasks run). v2 of the cache: v1 held a list of components. */
type ProjectNames = { components: string[]; pipelines: string[] };
/** Per file hash: a pyproject.toml's local dependencies, or a pipeline.yaml's names; null for a file that does not parse. */
type CachedNames = string[] | ProjectNames | null;

/** [tool.uv.sources] entries with a path. */
function pythonPackageDependencies(
  context: CreateDependenciesContext,
  files: WorkspaceFiles,
  cache: GraphCache<CachedNames>,
): RawProjectGraphDependency[] {
  const projectByRoot = new Map(Object.entries(context.projects).map(([name, project]) => [project.root, name]));
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const pyprojectFile = posix.join(project.root, PYTHON_PACKAGE_MARKER);
    if (!files.exists(source, pyprojectFile)) continue;
    const localDependencies = cache.get(files.key(source, pyprojectFile), () => {
      try {
        return parsers().readLocalDependencies(context.workspaceRoot, pyprojectFile);
      } catch {
        // A broken pyproject.toml is reported by the targets that read it;
        // the graph must still build so that other projects keep working.
        return null;
      }
    });
    for (const root of (localDependencies as string[] | null) ?? []) {
      const target = projectByRoot.get(root);
      if (!target || target === source) continue;
      dependencies.push({ source, target, type: DependencyType.static, sourceFile: pyprojectFile });
    }
  }
  return dependencies;
}

/**
 * Each component a pipeline's tasks run, and each pipeline they run as a
 * task (so a change in a pipeline reaches the pipelines that use it).
 * pipeline.yaml is only parsed, not checked (compile does that); a broken
 * file or an unknown name adds no edge.
 */
function pipelineComponentDependencies(
  context: CreateDependenciesContext,
  options: NormalizedPluginOptions,
  files: WorkspaceFiles,
  cache: GraphCache<CachedNames>,
): RawProjectGraphDependency[] {
  const pipelines = new Set(
    Object.entries(context.projects)
      .filter(([, project]) => rootMayHoldKind(project.root, 'pipeline', options))
      .filter(([name, project]) => files.exists(name, posix.join(project.root, PIPELINE_MARKER)))
      .map(([name]) => name),
  );
  const components = new Set(
    Object.entries(context.projects)
      .filter(([, project]) => rootMayHoldKind(project.root, 'component', options))
      .filter(([name, project]) => files.exists(name, posix.join(project.root, COMPONENT_MARKER)))
      .map(([name]) => name),
  );
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    if (!rootMayHoldKind(project.root, 'pipeline', options)) continue;
    const pipelineFile = posix.join(project.root, PIPELINE_MARKER);
    if (!files.exists(source, pipelineFile)) continue;
    const named = cache.get(files.key(source, pipelineFile), () => {
      try {
        return parsers().projectNamesIn(readFileSync(join(context.workspaceRoot, pipelineFile), 'utf8'));
      } catch {
        return null;
      }
    }) as ProjectNames | null;
    const targets = [
      ...(named?.components ?? []).filter((target) => components.has(target)),
      ...(named?.pipelines ?? []).filter((target) => pipelines.has(target)),
    ];
    for (const target of targets) {
      if (target === source) continue;
      dependencies.push({ source, target, type: DependencyType.static, sourceFile: pipelineFile });
    }
  }
  return dependencies;
}

/**
 * Which files a project has and their hashes, from the file map Nx hands
 * createDependencies (no disk access). Without one (a caller that builds
 * its own context) it asks the disk and caches nothing.
 */
class WorkspaceFiles {
  private readonly hashes = new Map<string, Map<string, string>>();

  constructor(private readonly context: CreateDependenciesContext) {}

  exists(project: string, file: string): boolean {
    const hashes = this.projectHashes(project);
    return hashes ? hashes.has(file) : existsSync(join(this.context.workspaceRoot, file));
  }

  /** The cache key of a file's parse: its path and content hash. */
  key(project: string, file: string): string | undefined {
    const hash = this.projectHashes(project)?.get(file);
    return hash === undefined ? undefined : `${file}\0${hash}`;
  }

  private projectHashes(project: string): Map<string, string> | undefined {
    const projectFiles = this.context.fileMap?.projectFileMap?.[project];
    if (!projectFiles) return undefined;
    let hashes = this.hashes.get(project);
    if (!hashes) {
      hashes = new Map(projectFiles.map((file) => [file.file, file.hash]));
      this.hashes.set(project, hashes);
    }
    return hashes;
  }
}

/**
 * The TOML and YAML readers, loaded on the first cache miss: with every parse
 * cached, a graph build loads neither (their modules, yaml and the component
 * spec reader among them, took ~40 ms to load in a plugin worker).
 */
function parsers(): {
  readLocalDependencies: typeof import('../python/pyproject').readLocalDependencies;
  projectNamesIn: typeof import('../pipeline/pipeline-components').projectNamesIn;
} {
  return {
    readLocalDependencies: (require('../python/pyproject') as typeof import('../python/pyproject')).readLocalDependencies,
    projectNamesIn: (require('../pipeline/pipeline-components') as typeof import('../pipeline/pipeline-components')).projectNamesIn,
  };
}
