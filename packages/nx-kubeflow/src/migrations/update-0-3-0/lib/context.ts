import { getProjects, type NxJsonConfiguration, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { VENV_TARGET_NAME } from '../../../graph/inferred-targets';
import { PLUGIN_PACKAGE_NAME, pluginOptionsFromNxJson, type NormalizedPluginOptions } from '../../../plugin/plugin-options';
import { COMMAND_KINDS, type CommandNames } from './command-kinds';

/** What every step of the migration reads, and the lines it has to say, logged once at the end. */
export interface MigrationContext {
  readonly tree: Tree;
  readonly nxJson: NxJsonConfiguration;
  readonly pluginOptions: NormalizedPluginOptions;
  readonly names: CommandNames;
  readonly projects: Map<string, ProjectConfiguration>;
  /** What the user must check or do by hand. */
  readonly warnings: string[];
  /** What was moved or rewritten, and where to. */
  readonly moved: string[];
}

export function pluginIsRegistered(nxJson: NxJsonConfiguration): boolean {
  return (nxJson.plugins ?? []).some((entry) => pluginName(entry) === PLUGIN_PACKAGE_NAME);
}

export function normalizeMigrationContext(tree: Tree, nxJson: NxJsonConfiguration): MigrationContext {
  const pluginOptions = pluginOptionsFromNxJson(nxJson);
  const names: CommandNames = {
    venv: VENV_TARGET_NAME,
    test: pluginOptions.testTargetName,
    compile: pluginOptions.compileTargetName,
    deploy: pluginOptions.deployTargetName,
    run: pluginOptions.runTargetName,
  };
  const context: MigrationContext = { tree, nxJson, pluginOptions, names, projects: getProjects(tree), warnings: [], moved: [] };
  const entries = (nxJson.plugins ?? []).filter((entry) => pluginName(entry) === PLUGIN_PACKAGE_NAME);
  if (entries.length > 1) {
    context.warnings.push(
      `nx.json registers ${PLUGIN_PACKAGE_NAME} ${entries.length} times; this migration used the target names of the first entry ` +
        `(${COMMAND_KINDS.map((kind) => names[kind]).join(', ')}). Check the targetDefaults of the others' target names by hand.`,
    );
  }
  return context;
}

function pluginName(entry: string | { plugin: string }): string {
  return typeof entry === 'string' ? entry : entry.plugin;
}
