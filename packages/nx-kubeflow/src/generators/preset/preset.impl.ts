import { formatFiles, generateFiles, logger, runTasksInSerial, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { COMPONENT_RUNTIME_SOURCE, type NormalizedPluginOptions } from '../../plugin/plugin-options';
import { ciGenerator } from '../ci/ci.impl';
import { initGeneratorInternal } from '../init/init.impl';
import { componentRuntimeRoot } from '../init/lib/component-runtime-source';
import type { PresetGeneratorSchema } from './schema';
import { addExampleProjects, EXAMPLE_COMPONENT, EXAMPLE_PIPELINE } from './lib/example-projects';
import { normalizeOptions, type NormalizedPresetOptions } from './lib/normalize-options';
import { addTestScript } from './lib/package-scripts';

/**
 * `npx create-nx-workspace <name> --preset=nx-kubeflow`. create-nx-workspace
 * makes an empty workspace, installs nx-kubeflow into it, then runs
 * `nx g nx-kubeflow:preset --name=<name>` with its own flags too (the schema
 * allows what it does not list). Everything goes through the tree.
 */
export async function presetGenerator(tree: Tree, schema: PresetGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(schema);
  dropAppsAndLibsPlaceholders(tree);
  const init = await initGeneratorInternal(tree, {
    runtime: options.runtime,
    runtimeVersion: options.runtimeVersion,
    // create-nx-workspace installed the version it resolved; keep it
    keepExistingVersions: true,
    skipFormat: true,
  });
  const targets = init.pluginOptions;
  if (options.example) await addExampleProjects(tree);
  addTestScript(tree, targets.testTargetName);
  // after the example: the workflow deploys the environments its settings declare
  const ciTask = options.ciProvider === 'none' ? () => undefined : await ciGenerator(tree, { provider: options.ciProvider });
  addTeamReadme(tree, options, targets);
  if (!options.skipFormat) await formatFiles(tree);
  return runTasksInSerial(init.installTask, ciTask, () => logger.info(presetNextSteps(options, targets)));
}

/**
 * `nx g <plugin>:preset` writes apps/.gitkeep and libs/.gitkeep into the tree
 * before it calls a preset (generate.ts, for presets without the defunct
 * x-use-standalone-layout flag). This layout has no apps/ or libs/: the
 * placeholders go again, but only while they are Nx's fresh, empty ones.
 */
function dropAppsAndLibsPlaceholders(tree: Tree): void {
  const created = new Set(tree.listChanges().filter((change) => change.type === 'CREATE').map((change) => change.path));
  for (const folder of ['apps', 'libs']) {
    const placeholder = `${folder}/.gitkeep`;
    if (created.has(placeholder) && tree.children(folder).length === 1 && tree.read(placeholder)!.length === 0) tree.delete(placeholder);
  }
}

/** The workspace README, replacing Nx's generic one: the team's first two commands, then the way to add their own. */
function addTeamReadme(tree: Tree, options: NormalizedPresetOptions, targets: NormalizedPluginOptions): void {
  generateFiles(tree, join(__dirname, 'files'), '.', {
    name: options.name,
    example: options.example,
    exampleComponent: EXAMPLE_COMPONENT.name,
    examplePipeline: EXAMPLE_PIPELINE.name,
    targets,
    componentsDir: targets.componentsDir,
    pipelinesDir: targets.pipelinesDir,
    runtimeRoot: componentRuntimeRoot(targets.packagesDir),
    runtimePinned: targets.componentRuntime === COMPONENT_RUNTIME_SOURCE ? undefined : targets.componentRuntime,
    workflowPath: workflowWritten(tree),
    makefile: options.ciProvider !== 'none' && tree.exists('Makefile'),
    tmpl: '',
  });
}

/** The workflow file the ci generator wrote, if it wrote one. */
function workflowWritten(tree: Tree): string | undefined {
  return tree
    .listChanges()
    .map((change) => change.path)
    .find((path) => path === '.gitlab-ci.yml' || /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path));
}

export function presetNextSteps(options: NormalizedPresetOptions, targets: NormalizedPluginOptions): string {
  return [
    `${options.name} is ready. Next steps (README.md has them too):`,
    ...(options.example ? [`  - npx nx run ${EXAMPLE_PIPELINE.name}:${targets.deployTargetName}   (runs the example pipeline on this machine)`] : []),
    '  - npm test',
    '  - npx nx g nx-kubeflow:component my-step, then npx nx g nx-kubeflow:pipeline my-pipeline --components my-step',
  ].join('\n');
}

export default presetGenerator;
