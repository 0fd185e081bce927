import {
  addDependenciesToPackageJson,
  formatFiles,
  logger,
  readNxJson,
  runTasksInSerial,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import {
  COMPONENT_RUNTIME_SOURCE,
  PLUGIN_PACKAGE_NAME,
  pluginOptionsFromNxJson,
  type NormalizedPluginOptions,
} from '../../plugin/plugin-options';
import type { InitGeneratorSchema } from './schema';
import { componentRuntimeRoot, isPublicVersion, writeComponentRuntimeSource } from './lib/component-runtime-source';
import { InitOptionsError, normalizeOptions, type NormalizedInitOptions } from './lib/normalize-options';
import { registerPlugin, type RegistrationChange } from './lib/register-plugin';
import { addWorkspaceGitignoreEntries } from './lib/workspace-gitignore';
import { addWorkspaceRuffConfig } from './lib/workspace-ruff-config';

/** What init did, for the next steps and for the preset that runs it. */
export interface InitResult {
  /** The plugin options nx.json now holds. */
  pluginOptions: NormalizedPluginOptions;
  registration: RegistrationChange;
  /** written: the source was copied in; kept: it was already there; pinned: components use a published version. */
  runtime: 'written' | 'kept' | 'pinned';
  /** npm install, when package.json changed. */
  installTask: GeneratorCallback;
}

/**
 * `nx add nx-kubeflow` (or `nx g nx-kubeflow:init`). Everything goes through
 * the tree, so `--dry-run` lists each file, and a second run changes nothing.
 */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema): Promise<GeneratorCallback> {
  const result = await initGeneratorInternal(tree, schema);
  // Nx runs the callback once the files are written, and not under --dry-run
  return runTasksInSerial(result.installTask, () => logger.info(initNextSteps(result)));
}

export async function initGeneratorInternal(tree: Tree, schema: InitGeneratorSchema): Promise<InitResult> {
  const options = normalizeOptions(schema);
  const recorded = pluginOptionsFromNxJson(readNxJson(tree));
  const componentRuntime = options.componentRuntime ?? recorded.componentRuntime;
  const runtimeRoot = componentRuntimeRoot(recorded.packagesDir);
  checkRuntimeCanBeProvided(tree, options, componentRuntime, runtimeRoot);

  const registration = registerPlugin(tree, options.componentRuntime);
  const runtime = addComponentRuntime(tree, options, componentRuntime, runtimeRoot);
  addWorkspaceGitignoreEntries(tree);
  addWorkspaceRuffConfig(tree, registration.options.componentsDir);
  const installTask = options.skipPackageJson ? () => undefined : addPluginToDevDependencies(tree, options);
  if (!options.skipFormat) await formatFiles(tree);
  return { pluginOptions: registration.options, registration: registration.change, runtime, installTask };
}

/** Every reason the runtime cannot be set up as asked, before anything is written. */
function checkRuntimeCanBeProvided(tree: Tree, options: NormalizedInitOptions, componentRuntime: string, runtimeRoot: string): void {
  const errors: string[] = [];
  if (componentRuntime === COMPONENT_RUNTIME_SOURCE) {
    if (!tree.exists(join(runtimeRoot, 'pyproject.toml'))) {
      if (tree.exists(runtimeRoot) && tree.children(runtimeRoot).length > 0) {
        errors.push(
          `${runtimeRoot} exists but holds no pyproject.toml, so it is not component-runtime: move it, or set packagesDir in nx.json's nx-kubeflow options to another folder.`,
        );
      } else if (!options.plugin.componentRuntimeDir) {
        errors.push(
          `this nx-kubeflow (${options.plugin.root}) carries no component-runtime source to copy: use --runtime=pinned --runtimeVersion <version published to your package index>.`,
        );
      }
    }
  } else if (!isPublicVersion(componentRuntime)) {
    errors.push(
      `nx.json: plugins[nx-kubeflow].options.componentRuntime is "${componentRuntime}": use "source" or a version such as "0.1.0", or pass --runtime.`,
    );
  }
  if (errors.length) {
    throw new InitOptionsError(`Cannot set up nx-kubeflow; nothing was written:\n  - ${errors.join('\n  - ')}`);
  }
}

function addComponentRuntime(tree: Tree, options: NormalizedInitOptions, componentRuntime: string, runtimeRoot: string): InitResult['runtime'] {
  const hasSource = tree.exists(join(runtimeRoot, 'pyproject.toml'));
  if (componentRuntime !== COMPONENT_RUNTIME_SOURCE) {
    if (hasSource) {
      logger.warn(
        `${runtimeRoot} is in the workspace: new components depend on it by path while it is there, not on component-runtime==${componentRuntime}. Delete it to use the pinned version.`,
      );
    }
    return 'pinned';
  }
  if (hasSource) return 'kept';
  writeComponentRuntimeSource(tree, options.plugin.componentRuntimeDir!, runtimeRoot);
  return 'written';
}

function addPluginToDevDependencies(tree: Tree, options: NormalizedInitOptions): GeneratorCallback {
  if (!tree.exists('package.json')) return () => undefined;
  return addDependenciesToPackageJson(
    tree,
    {},
    { [PLUGIN_PACKAGE_NAME]: options.plugin.version },
    'package.json',
    options.keepExistingVersions,
  );
}

/** What a team does next, with its own target names and folders. */
export function initNextSteps(result: Pick<InitResult, 'pluginOptions' | 'runtime' | 'registration'>): string {
  const { pluginOptions: o } = result;
  const heading = result.registration === 'unchanged' ? 'nx-kubeflow was already registered in nx.json; its options are as they were.' : 'nx-kubeflow is set up.';
  const runtimeLine =
    result.runtime === 'pinned'
      ? `  - components depend on component-runtime==${o.componentRuntime} from your package index (PIP_INDEX_URL)`
      : `  - component-runtime is yours in ${componentRuntimeRoot(o.packagesDir)}: npx nx run component-runtime:${o.testTargetName}`;
  return [
    `${heading} Next steps:`,
    runtimeLine,
    `  - npx nx g nx-kubeflow:component my-step --inputs threshold:Float=0.5 --outputs report:Markdown   (in ${o.componentsDir}/)`,
    `  - npx nx run my-step:${o.testTargetName}`,
    `  - npx nx g nx-kubeflow:pipeline my-pipeline --components my-step   (in ${o.pipelinesDir}/)`,
    `  - npx nx run my-pipeline:${o.deployTargetName}   (compiles it and runs it on this machine)`,
    '  - npx nx g nx-kubeflow:ci --provider github   (a CI workflow and a Makefile; or --provider gitlab)',
  ].join('\n');
}

export default initGenerator;
