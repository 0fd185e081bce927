/**
 * A pipeline run as a task of another (a pipeline used as a component in the
 * DSL), folded into the outer IR as kfp folds it
 * (pipeline_spec_builder.merge_deployment_spec_and_component_spec): the inner
 * pipeline is compiled on its own; its executors join the outer ones, each
 * renamed -2, -3 where the label is taken, with the components and the
 * kubernetes executor configs that name it following; then its components
 * join, renamed where taken; its root (dag, input and output definitions)
 * becomes the task's component, comp-<task> made unique last.
 *
 * Two deliberate differences, both only where executor labels collide:
 * - kfp renames the inner executors in the order it iterates a protobuf map
 *   (upb's hash order, which nothing defines); this takes them in sorted order.
 * - kfp merges all the inner kubernetes configs into the outer ones once per
 *   inner executor, so a config whose executor is renamed in a later round is
 *   also left under its old label, the label of an outer executor: an inner
 *   task's secrets or tolerations land on an outer task as well. Here each
 *   config goes only under its executor's final label.
 * The differential fixture nested_pipelines has collisions where kfp's
 * output and this agree.
 */
import { makeNameUnique } from './kfp-names';
import { namedRecord } from './named-records';
import type { Built } from './ir-compiler';

type Tree = Record<string, unknown>;

/** Folds the compiled inner pipeline into `built`; returns the name of the task's component. */
export function mergeNestedPipeline(built: Built, innerSpec: Tree, innerPlatform: Record<string, Tree>, taskComponentName: string): string {
  const components = { ...(innerSpec.components as Record<string, Tree>) };
  const root = innerSpec.root as Tree;
  const platform = { ...innerPlatform };
  mergeExecutors(built, (innerSpec.deploymentSpec as { executors: Record<string, unknown> }).executors, components, platform);
  mergeComponents(built, components, root);
  const componentName = makeNameUnique(taskComponentName, new Set(Object.keys(built.components)));
  built.components[componentName] = root;
  return componentName;
}

function mergeExecutors(built: Built, innerExecutors: Record<string, unknown>, components: Record<string, Tree>, platform: Record<string, Tree>): void {
  for (const [label, executor] of Object.entries(innerExecutors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const unique = makeNameUnique(label, new Set(Object.keys(built.executors)));
    if (unique !== label) {
      // _rename_executor_labels: every component of the inner pipeline that names the old label
      for (const [name, component] of Object.entries(components)) {
        if (component.executorLabel === label) components[name] = { ...component, executorLabel: unique };
      }
      // _rename_platform_config_executor_labels
      if (label in platform) {
        platform[unique] = platform[label];
        delete platform[label];
      }
    }
    built.executors[unique] = executor;
    if (unique in platform) built.platformExecutors[unique] = platform[unique];
  }
}

function mergeComponents(built: Built, components: Record<string, Tree>, root: Tree): void {
  // names first, each unique against the outer components and the names chosen so far (old and new)
  const renamed = new Map<string, string>();
  const existing = Object.keys(built.components);
  for (const name of Object.keys(components)) {
    const taken = new Set([...existing, ...[...renamed.entries()].flat()]);
    renamed.set(name, makeNameUnique(name, taken));
  }
  // _rename_component_refs, last first, in the inner DAGs and the inner root
  const dags = [...Object.values(components).map((component) => component.dag as Tree | undefined), root.dag as Tree | undefined];
  for (const [oldName, newName] of [...renamed.entries()].reverse()) {
    if (oldName === newName) continue;
    for (const dag of dags) {
      for (const task of Object.values((dag?.tasks ?? {}) as Record<string, Tree>)) {
        const ref = task.componentRef as { name: string } | undefined;
        if (ref?.name === oldName) task.componentRef = { ...ref, name: newName };
      }
    }
  }
  for (const [oldName, component] of Object.entries(components)) built.components[renamed.get(oldName)!] = component;
}

