/**
 * Deploy's "depends on docker-build": outside the local subprocess mode a
 * pipeline's tasks run in its components' images, so deploy builds them first
 * (each skips itself when an image of the same content hash exists). Done here
 * rather than through the target's dependsOn because Nx's dependsOn cannot
 * depend on the environment: a local deploy must not need a container engine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildComponentImage, planComponentImage } from '../images/index';
import type { ImageRecord } from '../images/index';
import { projectNamesIn } from '../pipeline/pipeline-components';
import { hasName } from '../kfp/named-records';

/** Component names, in order, each once, following `pipeline:` tasks into their pipeline projects (each read once; a cycle is compile's to report). */
function componentsUsed(options: { workspaceRoot: string; pipelineRoot: string; projects: Readonly<Record<string, { root: string }>> }): string[] {
  const components = new Set<string>();
  const seenRoots = new Set<string>();
  const visit = (pipelineRoot: string) => {
    const pipelineFile = join(options.workspaceRoot, pipelineRoot, 'pipeline.yaml');
    if (seenRoots.has(pipelineRoot) || !existsSync(pipelineFile)) return;
    seenRoots.add(pipelineRoot);
    const names = projectNamesIn(readFileSync(pipelineFile, 'utf8'));
    for (const name of names.components) components.add(name);
    for (const name of names.pipelines) if (hasName(options.projects, name)) visit(options.projects[name].root);
  };
  visit(options.pipelineRoot);
  return [...components];
}
import type { ContainerEngine } from '../images/index';

/** The components a pipeline uses that have a Dockerfile, by project name -> root: its own tasks' and those of the pipelines it runs as tasks, at any depth. */
export function componentsWithImages(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  projects: Readonly<Record<string, { root: string }>>;
}): Array<{ name: string; root: string }> {
  return componentsUsed(options)
    .map((name) => ({ name, root: options.projects[name]?.root }))
    .filter((component): component is { name: string; root: string } => component.root !== undefined)
    .filter((component) => existsSync(join(options.workspaceRoot, component.root, 'Dockerfile')));
}

/**
 * Builds (or finds) the image of every component the pipeline uses, one at a
 * time - parallel builds on one engine mostly fight over its disk - with the
 * pipeline's settings under each component's, so the environment's
 * image.registry and image.base apply.
 */
export async function buildPipelineImages(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  projects: Readonly<Record<string, { root: string }>>;
  env: string;
  engine: ContainerEngine;
  push: boolean;
  force?: boolean;
  environ?: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
  signal?: AbortSignal;
}): Promise<Map<string, ImageRecord>> {
  const built = new Map<string, ImageRecord>();
  for (const component of componentsWithImages(options)) {
    const record = await buildComponentImage({
      workspaceRoot: options.workspaceRoot,
      projectName: component.name,
      projectRoot: component.root,
      pipelineRoot: options.pipelineRoot,
      env: options.env,
      engine: options.engine,
      push: options.push,
      force: options.force,
      environ: options.environ,
      log: options.log,
      signal: options.signal,
    });
    built.set(component.name, record);
  }
  return built;
}

/**
 * --dry-run: the references a build would give each component, worked out
 * without building, pushing or writing (staged in a temporary folder, the tag
 * looked up in the engine and the registry). Says which images would be built.
 */
export async function planPipelineImages(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  projects: Readonly<Record<string, { root: string }>>;
  env: string;
  engine?: string;
  environ?: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
}): Promise<Map<string, string>> {
  const references = new Map<string, string>();
  for (const component of componentsWithImages(options)) {
    const plan = await planComponentImage({
      workspaceRoot: options.workspaceRoot,
      projectName: component.name,
      projectRoot: component.root,
      pipelineRoot: options.pipelineRoot,
      env: options.env,
      ...(options.engine ? { engine: options.engine } : {}),
      environ: options.environ,
    });
    references.set(component.name, plan.reference);
    options.log(
      plan.state === 'would-build'
        ? `dry run: would build ${plan.tag} for ${component.name} (the version below names that tag; a push would pin it by digest)`
        : `dry run: ${component.name} is up to date: ${plan.reference} (${plan.state === 'in-registry' ? 'in the registry' : 'in the engine'})`,
    );
  }
  return references;
}
