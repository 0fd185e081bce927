import { generateFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import type { ComponentGeneratorSchema } from './schema';
import { ensureGitignoreEntries } from './lib/gitignore';
import { normalizeOptions, type NormalizedComponentOptions } from './lib/normalize-options';
import { templateHelpers } from './lib/template-helpers';

export async function componentGenerator(tree: Tree, schema: ComponentGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  addComponentFiles(tree, options);
  ensureGitignoreEntries(tree);
  if (!tree.exists(join(options.runtimeRoot, 'pyproject.toml'))) {
    logger.warn(
      `${options.runtimeRoot} is missing: the component depends on it (its pyproject.toml points there). Add it before running the tests.`,
    );
  }
  // Nx runs the callback once the files are written, and not under --dry-run
  return () => logger.info(componentNextSteps(options));
}

/** What to do with the new component, with its real name and paths. */
export function componentNextSteps(options: NormalizedComponentOptions): string {
  return [
    `Next steps for ${options.name}:`,
    `  - write its logic in ${options.projectRoot}/src/lib/${options.moduleName}.py, its tests in ${options.projectRoot}/tests/`,
    `  - npx nx run ${options.name}:test`,
    `  - npx nx g pipeline <pipeline-name> --components ${options.name}   (or add a task naming it to an existing pipeline.yaml)`,
    `  - npx nx run ${options.name}:docker-build`,
  ].join('\n');
}

function addComponentFiles(tree: Tree, options: NormalizedComponentOptions): void {
  generateFiles(tree, join(__dirname, 'files'), options.projectRoot, {
    ...options,
    ...templateHelpers(options),
    tmpl: '',
  });
}

export default componentGenerator;
