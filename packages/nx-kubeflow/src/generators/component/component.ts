import { generateFiles, logger, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import type { ComponentGeneratorSchema } from './schema';
import { ensureGitignoreEntries } from './lib/gitignore';
import { normalizeOptions, type NormalizedComponentOptions } from './lib/normalize-options';
import { templateHelpers } from './lib/template-helpers';

export async function componentGenerator(tree: Tree, schema: ComponentGeneratorSchema): Promise<void> {
  const options = normalizeOptions(tree, schema);
  addComponentFiles(tree, options);
  ensureGitignoreEntries(tree);
  if (!tree.exists(join(options.runtimeRoot, 'pyproject.toml'))) {
    logger.warn(
      `${options.runtimeRoot} is missing: the component depends on it (its pyproject.toml points there). Add it before running the tests.`,
    );
  }
}

function addComponentFiles(tree: Tree, options: NormalizedComponentOptions): void {
  generateFiles(tree, join(__dirname, 'files'), options.projectRoot, {
    ...options,
    ...templateHelpers(options),
    tmpl: '',
  });
}

export default componentGenerator;
