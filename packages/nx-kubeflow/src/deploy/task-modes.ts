import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskMode } from '../local-runner/index';
import { readPipeline } from '../pipeline/read-pipeline';

/**
 * How the local backend runs each task of a pipeline: a component with a
 * pyproject.toml in its venv (python resolves to the venv's, the folder is
 * the working directory, as in its image); any other its command as it stands.
 * IR task names are pipeline.yaml's task names.
 */
export function localTaskModes(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  projects: Readonly<Record<string, { root: string }>>;
}): Record<string, TaskMode> {
  const file = join(options.pipelineRoot, 'pipeline.yaml');
  const { definition } = readPipeline(readFileSync(join(options.workspaceRoot, file), 'utf8'), file);
  const modes: Record<string, TaskMode> = {};
  for (const task of definition?.tasks ?? []) {
    const projectRoot = options.projects[task.component]?.root;
    if (!projectRoot) continue; // compile has refused an unknown component before this runs
    modes[task.name] = existsSync(join(options.workspaceRoot, projectRoot, 'pyproject.toml'))
      ? { mode: 'venv', projectRoot }
      : { mode: 'command', projectRoot };
  }
  return modes;
}
