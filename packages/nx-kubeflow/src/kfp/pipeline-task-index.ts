/**
 * Tasks of a pipeline definition by name. The compiler looks a task up for
 * every argument that names one; `pipeline.tasks.find` there made compiling
 * N tasks O(N²) (issue 15's scale goal). One index per tasks array, built on
 * the first lookup and again if the array's length changes.
 */
import type { PipelineTask } from './pipeline-model';

const indexes = new WeakMap<readonly PipelineTask[], { length: number; byName: Map<string, PipelineTask> }>();

/** The first task with this name, as `tasks.find((t) => t.name === name)` gives it. */
export function pipelineTaskNamed(pipeline: { readonly tasks: readonly PipelineTask[] }, name: string): PipelineTask | undefined {
  let index = indexes.get(pipeline.tasks);
  if (!index || index.length !== pipeline.tasks.length) {
    const byName = new Map<string, PipelineTask>();
    for (const task of pipeline.tasks) if (!byName.has(task.name)) byName.set(task.name, task);
    index = { length: pipeline.tasks.length, byName };
    indexes.set(pipeline.tasks, index);
  }
  return index.byName.get(name);
}
