import { parseAllDocuments } from 'yaml';

/**
 * The names of a pipeline's own tasks, in the IR's order: the keys of every
 * DAG's tasks (the root's, then each DAG component's), and their
 * taskInfo.name where it differs. On KFP's Argo backend a task's workflow
 * node is named by its key; everything else the run reports (root-driver,
 * <task>-driver, executor, the pipeline's DAG node) is Argo's machinery.
 */
export function irTaskNames(spec: unknown): string[] {
  const names: string[] = [];
  const add = (name: unknown) => {
    if (typeof name === 'string' && name && !names.includes(name)) names.push(name);
  };
  const addDag = (dag: unknown) => {
    const tasks = (dag as { tasks?: Record<string, { taskInfo?: { name?: unknown } }> } | undefined)?.tasks;
    if (!tasks || typeof tasks !== 'object') return;
    for (const [key, task] of Object.entries(tasks)) {
      add(key);
      add(task?.taskInfo?.name);
    }
  };
  const ir = spec as { root?: { dag?: unknown }; components?: Record<string, { dag?: unknown }> } | undefined;
  addDag(ir?.root?.dag);
  for (const component of Object.values(ir?.components ?? {})) addDag(component?.dag);
  return names;
}

/** irTaskNames of the compiled IR's text (its first document; a second one is the platform spec). */
export function irTaskNamesOfYaml(irYaml: string): string[] {
  try {
    const [first] = parseAllDocuments(irYaml);
    return first ? irTaskNames(first.toJS()) : [];
  } catch {
    return [];
  }
}

/**
 * The spec a version answer carries: pipeline_spec is the IR, or, where the
 * upload held a platform spec too, {pipeline_spec, platform_spec}.
 */
export function irOfVersion(pipelineSpec: Record<string, unknown> | undefined): unknown {
  if (pipelineSpec && !pipelineSpec['root'] && pipelineSpec['pipeline_spec']) return pipelineSpec['pipeline_spec'];
  return pipelineSpec;
}
