import { readNxJson, updateNxJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import {
  DEFAULT_PLUGIN_OPTIONS,
  normalizePluginOptions,
  PLUGIN_PACKAGE_NAME,
  type NormalizedPluginOptions,
  type NxKubeflowPluginOptions,
} from '../../../plugin/plugin-options';

type PluginEntry = NonNullable<NxJsonConfiguration['plugins']>[number];

/** What registering did to nx.json, for the summary init prints. */
export type RegistrationChange =
  /** No entry before: one with every option at its default. */
  | 'added'
  /** A bare "nx-kubeflow" string: the same plugin, now with its options written out. */
  | 'expanded'
  /** An entry with options: only componentRuntime changed, as the run asked. */
  | 'runtime-changed'
  /** Already registered as asked: nx.json untouched. */
  | 'unchanged';

export interface Registration {
  change: RegistrationChange;
  /** The options the plugin now runs with. */
  options: NormalizedPluginOptions;
}

/**
 * Registers the plugin in nx.json as @nx plugins' init generators do: an
 * object entry `{ plugin, options }` with every option written out, so a team
 * sees what it can rename. An entry already there keeps its options (the
 * team's choices); a bare string entry becomes the object form with the
 * defaults it already ran with. `componentRuntime`, when given, is the one
 * option a run may change. nx.json is written only when something changed.
 */
export function registerPlugin(tree: Tree, componentRuntime?: string): Registration {
  const nxJson = readNxJson(tree);
  if (!nxJson) {
    throw new Error('nx.json is missing: this is not an Nx workspace. Run `npx nx@latest init` first, then `npx nx add nx-kubeflow`.');
  }
  const plugins: PluginEntry[] = nxJson.plugins ?? [];
  const index = plugins.findIndex((entry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_PACKAGE_NAME);
  const existing = index >= 0 ? plugins[index] : undefined;

  if (existing === undefined || typeof existing === 'string') {
    const options: NxKubeflowPluginOptions = { ...DEFAULT_PLUGIN_OPTIONS, ...(componentRuntime ? { componentRuntime } : {}) };
    const entry: PluginEntry = { plugin: PLUGIN_PACKAGE_NAME, options };
    if (existing === undefined) plugins.push(entry);
    else plugins[index] = entry;
    updateNxJson(tree, { ...nxJson, plugins });
    return { change: existing === undefined ? 'added' : 'expanded', options: normalizePluginOptions(options) };
  }

  const current = normalizePluginOptions(existing.options as NxKubeflowPluginOptions | undefined);
  if (componentRuntime === undefined || current.componentRuntime === componentRuntime) {
    return { change: 'unchanged', options: current };
  }
  const options = { ...((existing.options as NxKubeflowPluginOptions | undefined) ?? {}), componentRuntime };
  plugins[index] = { ...existing, options };
  updateNxJson(tree, { ...nxJson, plugins });
  return { change: 'runtime-changed', options: normalizePluginOptions(options) };
}
