import { generateFiles, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { ensureGitignoreEntries } from '../component/lib/gitignore';
import type { PipelineGeneratorSchema } from './schema';
import { normalizeOptions, type NormalizedPipelineOptions } from './lib/normalize-options';
import { templateHelpers } from './lib/template-helpers';

/**
 * `nx g pipeline <name> --components a,b,c`. The file is pipeline.impl.ts, not
 * pipeline.ts: Nx 22 resolves an extensionless factory path of a local plugin
 * by trying its trailing segments under src/, and `.../pipeline/pipeline`
 * would hit the src/pipeline folder first (as settings.impl.ts explains).
 */
export async function pipelineGenerator(tree: Tree, schema: PipelineGeneratorSchema): Promise<void> {
  const options = normalizeOptions(tree, schema);
  addPipelineFiles(tree, options);
  ensureGitignoreEntries(tree);
}

function addPipelineFiles(tree: Tree, options: NormalizedPipelineOptions): void {
  generateFiles(tree, join(__dirname, 'files'), options.projectRoot, {
    ...options,
    ...templateHelpers(options),
    tmpl: '',
  });
}

export default pipelineGenerator;
