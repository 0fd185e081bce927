import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';

/** The nx-kubeflow package this code runs from, and the component-runtime it ships. */
export interface PluginPackage {
  /** Folder holding nx-kubeflow's package.json (packages/nx-kubeflow here, node_modules/nx-kubeflow in a team's workspace). */
  root: string;
  version: string;
  /** Folder of the component-runtime source the package carries, if it carries one. */
  componentRuntimeDir?: string;
  /** The version in that source's pyproject.toml. */
  componentRuntimeVersion?: string;
}

/**
 * Finds the package by walking up from this file to the package.json named
 * nx-kubeflow, so it works from the TypeScript source (this repository) and
 * from the built package alike. The runtime's source sits inside the built
 * package (<root>/component-runtime, copied there by the build) or beside the
 * plugin's source in this repository (<root>/../component-runtime).
 */
export function pluginPackage(from: string = __dirname): PluginPackage {
  const root = packageRoot(from);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  const componentRuntimeDir = [join(root, 'component-runtime'), join(root, '..', 'component-runtime')].find((dir) =>
    existsSync(join(dir, 'pyproject.toml')),
  );
  return {
    root,
    version,
    componentRuntimeDir,
    componentRuntimeVersion: componentRuntimeDir ? pyprojectVersion(join(componentRuntimeDir, 'pyproject.toml')) : undefined,
  };
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PLUGIN_PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json named ${PLUGIN_PACKAGE_NAME} above ${from}: the plugin is not installed as a package.`);
  }
}

function pyprojectVersion(file: string): string | undefined {
  const data = parseToml(readFileSync(file, 'utf8')) as { project?: { version?: unknown } };
  return typeof data.project?.version === 'string' ? data.project.version : undefined;
}
