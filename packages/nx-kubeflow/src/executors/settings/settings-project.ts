/** Which settings files the `settings` target reads for a project (component or pipeline). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settingsFilesFor, SettingsError } from '../../settings/index';

export const PIPELINE_MARKER = 'pipeline.yaml';

export interface SettingsProjectOptions {
  workspaceRoot: string;
  projectName: string;
  /** --pipeline: for a component, the pipeline whose settings load first. */
  pipelineName?: string;
  /** Project name -> root (workspace-relative), as in context.projectsConfigurations.projects. */
  projects: Readonly<Record<string, { root: string }>>;
}

function isPipelineRoot(workspaceRoot: string, root: string): boolean {
  return existsSync(join(workspaceRoot, root, PIPELINE_MARKER));
}

/** Main settings files in layering order; loadSettings adds the `.local.` siblings. */
export function resolveSettingsFiles(options: SettingsProjectOptions): string[] {
  const { workspaceRoot, projectName, pipelineName, projects } = options;
  const project = projects[projectName];
  if (!project) throw new SettingsError(`Unknown project "${projectName}".`);
  const projectRoot = join(workspaceRoot, project.root);

  if (isPipelineRoot(workspaceRoot, project.root)) {
    if (pipelineName !== undefined && pipelineName !== projectName) {
      throw new SettingsError(
        `"${projectName}" is a pipeline; --pipeline is for component projects (e.g. nx run <component>:settings --pipeline ${projectName}).`,
      );
    }
    return settingsFilesFor({ pipelineRoot: projectRoot });
  }
  if (pipelineName === undefined) return settingsFilesFor({ componentRoot: projectRoot });

  const pipeline = projects[pipelineName];
  if (!pipeline || !isPipelineRoot(workspaceRoot, pipeline.root)) {
    const pipelines = Object.keys(projects)
      .filter((name) => isPipelineRoot(workspaceRoot, projects[name].root))
      .sort();
    const known = pipelines.length > 0 ? pipelines.join(', ') : '(none: no project has a pipeline.yaml)';
    throw new SettingsError(`Unknown pipeline "${pipelineName}" for --pipeline. Pipelines in this workspace: ${known}.`);
  }
  return settingsFilesFor({ pipelineRoot: join(workspaceRoot, pipeline.root), componentRoot: projectRoot });
}
