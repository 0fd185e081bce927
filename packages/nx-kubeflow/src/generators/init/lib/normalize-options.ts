import { COMPONENT_RUNTIME_SOURCE } from '../../../plugin/plugin-options';
import type { InitGeneratorSchema } from '../schema';
import { isPublicVersion } from './component-runtime-source';
import { pluginPackage, type PluginPackage } from './plugin-package';

export interface NormalizedInitOptions {
  /**
   * The componentRuntime this run asks for ("source" or a version), or
   * undefined when it asked for neither: then nx.json's choice stands.
   */
  componentRuntime?: string;
  plugin: PluginPackage;
  skipFormat: boolean;
  skipPackageJson: boolean;
  keepExistingVersions: boolean;
}

export class InitOptionsError extends Error {}

/** Checks the options; every problem is reported in one error, before anything is written. */
export function normalizeOptions(schema: InitGeneratorSchema, plugin: PluginPackage = pluginPackage()): NormalizedInitOptions {
  const errors: string[] = [];
  const requestedVersion = schema.runtimeVersion?.trim();
  if (schema.runtime !== undefined && schema.runtime !== 'source' && schema.runtime !== 'pinned') {
    errors.push(`--runtime "${schema.runtime}" is not a runtime mode: use source (the workspace owns component-runtime's code) or pinned (a published version).`);
  }
  if (schema.runtime === 'source' && requestedVersion !== undefined) {
    errors.push('--runtimeVersion pins a published component-runtime and does not go with --runtime=source: drop one of them.');
  }
  let componentRuntime: string | undefined = schema.runtime === 'source' ? COMPONENT_RUNTIME_SOURCE : undefined;
  if (schema.runtime === 'pinned' || requestedVersion !== undefined) {
    const version = requestedVersion ?? plugin.componentRuntimeVersion;
    if (version === undefined) {
      errors.push(
        `--runtimeVersion is needed: this nx-kubeflow (${plugin.root}) carries no component-runtime to take the version from. Pass the version published to your package index, e.g. --runtimeVersion 0.1.0.`,
      );
    } else if (!isPublicVersion(version)) {
      errors.push(`--runtimeVersion "${version}" is not a version pip can pin (PEP 440, e.g. 0.1.0 or 1.2.0rc1).`);
    } else {
      componentRuntime = version;
    }
  }
  if (errors.length) {
    throw new InitOptionsError(`Cannot set up nx-kubeflow; nothing was written:\n  - ${errors.join('\n  - ')}`);
  }
  return {
    componentRuntime,
    plugin,
    skipFormat: schema.skipFormat ?? false,
    skipPackageJson: schema.skipPackageJson ?? false,
    keepExistingVersions: schema.keepExistingVersions ?? false,
  };
}
