import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskMode } from '../local-runner/index';
import { readPipeline } from '../pipeline/read-pipeline';
import { imageText } from '../pipeline/read-task-image';

/**
 * How the local backend runs each task of a pipeline: a component with a
 * pyproject.toml in its venv (python resolves to the venv's, the folder is
 * the working directory, as in its image); any other its command as it stands.
 * IR task names are pipeline.yaml's task names; a nested pipeline's are <task>/<its task>.
 */
export function localTaskModes(options: {
  workspaceRoot: string;
  pipelineRoot: string;
  projects: Readonly<Record<string, { root: string }>>;
}): Record<string, TaskMode> {
  return pipelineTaskModes(options, options.pipelineRoot, '', new Set());
}

/**
 * A task that runs a pipeline (`pipeline: <project>`) runs that pipeline's tasks, which the local runner
 * names <task>/<inner task> (ir-nested-pipelines.ts): each takes the mode of its own component.
 */
function pipelineTaskModes(
  options: { workspaceRoot: string; projects: Readonly<Record<string, { root: string }>> },
  pipelineRoot: string,
  prefix: string,
  reading: ReadonlySet<string>,
): Record<string, TaskMode> {
  const file = join(pipelineRoot, 'pipeline.yaml');
  const { definition } = readPipeline(readFileSync(join(options.workspaceRoot, file), 'utf8'), file);
  const modes: Record<string, TaskMode> = {};
  for (const task of definition?.tasks ?? []) {
    const projectRoot = options.projects[task.component]?.root;
    if (!projectRoot) continue; // compile has refused an unknown component before this runs
    if (task.calls === 'pipeline') {
      // compile has refused a pipeline that runs itself; this only keeps a broken tree from looping
      if (!reading.has(projectRoot)) Object.assign(modes, pipelineTaskModes(options, projectRoot, `${prefix}${task.name}/`, new Set([...reading, pipelineRoot])));
      continue;
    }
    // image: (set_container_image) goes with the task, so that a local process can say it does not run in it
    // (as written: a reference, or {parameter: p} / {task: t, output: o} / {item: x}, which the run resolves)
    const imageOverride = task.image ? { imageOverride: imageText(task.image) } : {};
    modes[prefix + task.name] = existsSync(join(options.workspaceRoot, projectRoot, 'pyproject.toml'))
      ? { mode: 'venv', projectRoot, ...imageOverride }
      : { mode: 'command', projectRoot, ...imageOverride };
  }
  return modes;
}
