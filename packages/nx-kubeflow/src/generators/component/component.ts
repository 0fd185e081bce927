import { generateFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { syncComponentReadme } from '../../component-readme/sync-component-readmes';
import type { ComponentGeneratorSchema } from './schema';
import { ensureGitignoreEntries } from './lib/gitignore';
import { normalizeOptions, type NormalizedComponentOptions } from './lib/normalize-options';
import { templateHelpers } from './lib/template-helpers';

export async function componentGenerator(tree: Tree, schema: ComponentGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  addComponentFiles(tree, options);
  // the README's interface table, from the component.yaml just written, as `nx sync` would write it
  syncComponentReadme(tree, options.projectRoot);
  ensureGitignoreEntries(tree);
  if (options.runtime.kind === 'pinned' && options.runtime.sourceMissing) {
    logger.warn(
      `${options.runtimeRoot} is missing, so ${options.name} depends on the published component-runtime==${options.runtime.version} from your package index. To own the runtime's code instead, run \`npx nx g nx-kubeflow:init --runtime=source\` and generate again.`,
    );
  }
  // Nx runs the callback once the files are written, and not under --dry-run
  return () => logger.info(componentNextSteps(options));
}

/** What to do with the new component, with its real name and paths. */
export function componentNextSteps(options: NormalizedComponentOptions): string {
  const targets = options.pluginOptions;
  return [
    `Next steps for ${options.name}:`,
    `  - write its logic in ${options.projectRoot}/src/lib/${options.moduleName}.py, its tests in ${options.projectRoot}/tests/`,
    `  - npx nx run ${options.name}:${targets.testTargetName}`,
    `  - npx nx g nx-kubeflow:pipeline <pipeline-name> --components ${options.name}   (or add a task naming it to an existing pipeline.yaml)`,
    `  - npx nx run ${options.name}:${targets.dockerBuildTargetName}`,
  ].join('\n');
}

function addComponentFiles(tree: Tree, options: NormalizedComponentOptions): void {
  generateFiles(tree, join(__dirname, 'files'), options.projectRoot, {
    ...options,
    ...templateHelpers(options),
    targets: options.pluginOptions,
    tmpl: '',
  });
}

export default componentGenerator;
