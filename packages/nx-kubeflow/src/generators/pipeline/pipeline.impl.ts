import { generateFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
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
export async function pipelineGenerator(tree: Tree, schema: PipelineGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  addPipelineFiles(tree, options);
  ensureGitignoreEntries(tree);
  // Nx runs the callback once the files are written, and not under --dry-run
  return () => logger.info(pipelineNextSteps(options));
}

/** What to do with the new pipeline, with its real name and paths. */
export function pipelineNextSteps(options: NormalizedPipelineOptions): string {
  const targets = options.pluginOptions;
  return [
    `Next steps for ${options.name}:`,
    `  - check the wiring in ${options.projectRoot}/pipeline.yaml`,
    `  - npx nx run ${options.name}:${targets.compileTargetName}   (KFP IR in dist/pipelines/${options.name}/development/pipeline.yaml)`,
    `  - npx nx run ${options.name}:${targets.runTargetName}       (runs it on this machine)`,
    `  - set kfp.host and image.registry for production in ${options.projectRoot}/config/settings.toml, then npx nx run ${options.name}:${targets.deployTargetName} -c production`,
  ].join('\n');
}

function addPipelineFiles(tree: Tree, options: NormalizedPipelineOptions): void {
  generateFiles(tree, join(__dirname, 'files'), options.projectRoot, {
    ...options,
    ...templateHelpers(options),
    targets: options.pluginOptions,
    tmpl: '',
  });
}

export default pipelineGenerator;
