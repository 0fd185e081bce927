import type { NxJsonConfiguration } from '@nx/devkit';

/**
 * Options of the nx-kubeflow entry in nx.json `plugins`, as @nx/jest and
 * @nx/docker take theirs: every one optional, every default below. `nx add
 * nx-kubeflow` (the init generator) writes them out so a team sees what it
 * can rename.
 */
export interface NxKubeflowPluginOptions {
  /** pytest in the project's venv (components and Python packages). */
  testTargetName?: string;
  /** ruff check + ruff format --check in the project's venv. */
  lintTargetName?: string;
  /** Print a project's resolved settings. */
  settingsTargetName?: string;
  /** Build a component's image. */
  dockerBuildTargetName?: string;
  /** Compile a pipeline to KFP IR. */
  compileTargetName?: string;
  /** Publish (and optionally run) a pipeline. */
  deployTargetName?: string;
  /** deploy --run --wait. */
  runTargetName?: string;
  /** Serve the web view of a pipeline's local runs. */
  uiTargetName?: string;
  /** Folder (workspace-relative) whose component.yaml files are components. */
  componentsDir?: string;
  /** Folder whose pipeline.yaml files are pipelines. */
  pipelinesDir?: string;
  /** Folder whose <name>/pyproject.toml files are shared Python packages (component-runtime lives here). */
  packagesDir?: string;
  /**
   * How a new component depends on component-runtime: "source", the copy in
   * <packagesDir>/component-runtime as a path dependency (the team owns its
   * code; `nx add` writes it there), or a version such as "0.1.0", pinned as
   * `component-runtime==0.1.0` from the package index (`init --runtime=pinned`).
   * The copy wins while it exists: the generator reads the tree, not only this.
   */
  componentRuntime?: string;
}

export type NormalizedPluginOptions = Required<NxKubeflowPluginOptions>;

export const PLUGIN_PACKAGE_NAME = 'nx-kubeflow';

/** componentRuntime's value for "the workspace holds the runtime's source". */
export const COMPONENT_RUNTIME_SOURCE = 'source';

export const DEFAULT_PLUGIN_OPTIONS: NormalizedPluginOptions = Object.freeze({
  testTargetName: 'test',
  lintTargetName: 'lint',
  settingsTargetName: 'settings',
  dockerBuildTargetName: 'docker-build',
  compileTargetName: 'compile',
  deployTargetName: 'deploy',
  runTargetName: 'run',
  uiTargetName: 'ui',
  componentsDir: 'components',
  pipelinesDir: 'pipelines',
  packagesDir: 'packages',
  componentRuntime: COMPONENT_RUNTIME_SOURCE,
});

/** Fills in the defaults; folders lose leading "./" and trailing "/". */
export function normalizePluginOptions(options: NxKubeflowPluginOptions | undefined): NormalizedPluginOptions {
  const merged = { ...DEFAULT_PLUGIN_OPTIONS, ...(options ?? {}) } as NormalizedPluginOptions;
  for (const key of ['componentsDir', 'pipelinesDir', 'packagesDir'] as const) {
    merged[key] = merged[key].replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  }
  return merged;
}

/**
 * The options of the nx-kubeflow plugin entry in nx.json (the first one, as
 * Nx applies them in order), for generators that must put projects where the
 * plugin looks. Absent entry or string entry: the defaults.
 */
export function pluginOptionsFromNxJson(nxJson: NxJsonConfiguration | null | undefined): NormalizedPluginOptions {
  for (const entry of nxJson?.plugins ?? []) {
    if (typeof entry === 'string') {
      if (entry === PLUGIN_PACKAGE_NAME) return normalizePluginOptions(undefined);
    } else if (entry.plugin === PLUGIN_PACKAGE_NAME) {
      return normalizePluginOptions(entry.options as NxKubeflowPluginOptions | undefined);
    }
  }
  return normalizePluginOptions(undefined);
}
