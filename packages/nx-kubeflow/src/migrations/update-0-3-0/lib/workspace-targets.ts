import { rootMayHoldKind, COMPONENT_MARKER, PIPELINE_MARKER, PYTHON_PACKAGE_MARKER, type ProjectKind } from '../../../graph/project-kinds';
import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';
import { executorOf, PIPELINE_KINDS, PYTHON_KINDS, type CommandKind } from './command-kinds';
import type { MigrationContext } from './context';
import { addsToInferred, type ProjectTarget, type Target } from './targets';

/** The inferred targets that became commands which the plugin gives the project at `root`. */
export function inferredKindsOf(context: MigrationContext, root: string): CommandKind[] {
  const has = (file: string) => context.tree.exists(root === '.' || root === '' ? file : `${root}/${file}`);
  const holds = (kind: ProjectKind, marker: string) => has(marker) && rootMayHoldKind(root, kind, context.pluginOptions);
  const isComponent = holds('component', COMPONENT_MARKER);
  const isPipeline = holds('pipeline', PIPELINE_MARKER);
  const isPythonPackage = !isComponent && holds('python-package', PYTHON_PACKAGE_MARKER);
  const kinds: CommandKind[] = [];
  if ((isComponent && has(PYTHON_PACKAGE_MARKER)) || isPythonPackage) kinds.push(...PYTHON_KINDS);
  if (isPipeline) kinds.push(...PIPELINE_KINDS);
  return kinds;
}

/** Every project.json target that runs the executor of `kind`. */
export function explicitExecutorTargets(context: MigrationContext, kind: CommandKind): ProjectTarget[] {
  const users: ProjectTarget[] = [];
  for (const [project, configuration] of context.projects) {
    for (const [target, { executor }] of Object.entries(configuration.targets ?? {})) {
      if (executor === executorOf(kind)) users.push({ project, target });
    }
  }
  return users;
}

/**
 * What else defaults under the target name `name` would reach: project.json
 * targets of that name that run something other than the executor of
 * `kind` or add to an inferred target the plugin does not make there, and
 * other plugins whose options in nx.json name it.
 */
export function otherTargetsNamed(context: MigrationContext, name: string, kind: CommandKind): string[] {
  const others: string[] = [];
  for (const [projectName, project] of context.projects) {
    const target = project.targets?.[name] as Target | undefined;
    if (!target) continue;
    if (target.executor !== undefined) {
      if (target.executor !== executorOf(kind)) others.push(`${projectName}:${name} (${target.executor})`);
    } else if (!addsToInferred(target)) {
      others.push(`${projectName}:${name} (a command)`);
    } else if (!inferredKindsOf(context, project.root).includes(kind)) {
      others.push(`${projectName}:${name}`);
    }
  }
  for (const entry of context.nxJson.plugins ?? []) {
    if (typeof entry === 'string' || entry.plugin === PLUGIN_PACKAGE_NAME) continue;
    const option = stringOptions(entry.options).find(([, value]) => value === name);
    if (option) others.push(`the targets of plugin ${entry.plugin} (its option ${option[0]} is "${name}")`);
  }
  return others;
}

/** A plugin's string options at any depth (@nx/js/typescript nests its target names), as [dotted path, value]. */
export function stringOptions(options: unknown, path = ''): Array<[string, string]> {
  if (typeof options === 'string') return [[path, options]];
  if (!options || typeof options !== 'object') return [];
  return Object.entries(options).flatMap(([key, value]) => stringOptions(value, path ? `${path}.${key}` : key));
}
