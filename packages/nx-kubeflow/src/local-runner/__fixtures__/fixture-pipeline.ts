/**
 * Builds the IR of a pipeline over the fixture components with the real IR
 * compiler, so the specs run what compile would write, not a hand-made IR.
 */
import { join, relative, resolve } from 'node:path';
import { compilePipeline } from '../../kfp/ir-compiler';
import { loadComponentSpec } from '../../kfp/component-spec';
import type { PipelineDefinition, PipelineParameter, PipelineTask, ResolvedComponent } from '../../kfp/pipeline-model';
import type { IrDocuments } from '../ir-reader';
import type { TaskMode } from '../task-environment';

export const FIXTURES_DIR = __dirname;
/** The real workspace: fixtures live in it, so their paths are workspace-relative as a component's are. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../../..');

export type FixtureTask = Omit<PipelineTask, 'arguments' | 'after'> & Partial<Pick<PipelineTask, 'arguments' | 'after'>>;

export function fixtureRoot(component: string): string {
  return relative(WORKSPACE_ROOT, join(FIXTURES_DIR, component));
}

export function fixtureIr(tasks: FixtureTask[], parameters: PipelineParameter[] = [], more: Pick<PipelineDefinition, 'outputs'> = {}): IrDocuments {
  const components = new Map<string, ResolvedComponent>();
  for (const task of tasks) {
    if (components.has(task.component)) continue;
    const spec = loadComponentSpec(join(FIXTURES_DIR, task.component, 'component.yaml'));
    components.set(task.component, { project: task.component, spec, image: spec.implementation.container.image, usesComponentRuntime: false });
  }
  const compiled = compilePipeline({
    pipeline: {
      file: 'fixture/pipeline.yaml',
      name: 'fixture',
      parameters,
      tasks: tasks.map((task) => ({ arguments: {}, after: [], ...task })),
      ...more,
    },
    components,
  });
  const [pipelineSpec, platformSpec] = compiled.documents;
  return { pipelineSpec, ...(platformSpec ? { platformSpec } : {}) };
}

/** Every task in 'command' mode from its fixture folder. */
export function commandModes(tasks: FixtureTask[]): Record<string, TaskMode> {
  return Object.fromEntries(tasks.map((task) => [task.name, { mode: 'command' as const, projectRoot: fixtureRoot(task.component) }]));
}
