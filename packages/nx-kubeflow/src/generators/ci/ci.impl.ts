import { logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import type { CiGeneratorSchema } from './schema';
import { decideFile, keptBecause, withOwnershipMarker, type FileDecision, type PlannedFile } from './lib/generated-files';
import { INCLUDE_FILE, planMakefile, type MakefilePlan } from './lib/makefile-plan';
import { ciNextSteps } from './lib/next-steps';
import { CiOptionsError, normalizeOptions, type NormalizedCiOptions } from './lib/normalize-options';
import { renderTemplates } from './lib/render-templates';
import { addToSharedGlobals } from './lib/shared-globals';

export { CiOptionsError } from './lib/normalize-options';

/**
 * `nx g nx-kubeflow:ci --provider github|gitlab`: the workflow Nx's
 * ci-workflow generator writes, with Python, caches, test reports and a
 * deploy job per environment, plus a Makefile over nx. Every file is
 * decided on before any is written: one the team edited or wrote
 * themselves stops the run (the workflow) or is left for them to include
 * (the Makefile), and the message names it.
 */
export async function ciGenerator(tree: Tree, schema: CiGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  const workflow = workflowFiles(options);
  const makefilePlan = options.makefile ? planMakefile(tree, options.overwrite) : undefined;
  const makefile = makefilePlan ? makefileFile(options, makefilePlan) : undefined;

  const decisions = [...workflow, ...(makefile ? [makefile] : [])].map((file) => decideFile(tree, file, options.overwrite));
  const kept = decisions.filter((decision) => decision.action === 'keep');
  if (kept.length) {
    throw new CiOptionsError(
      `Cannot write the CI workflow; nothing was written:\n${kept.map((decision) => `  - ${keptBecause(decision)}`).join('\n')}\n` +
        `Pass --overwrite to replace ${kept.length === 1 ? 'it' : 'them'}` +
        (options.provider === 'github' ? ', --name <other> to write another workflow file' : '') +
        (makefile && kept.some((decision) => decision.path === makefile.path) ? ', or --no-makefile to leave the Makefile out' : '') +
        '.',
    );
  }

  const written = decisions.filter((decision) => writeIfChanged(tree, decision)).map((decision) => decision.path);
  addToSharedGlobals(tree, workflow.map((file) => file.path));
  if (makefilePlan && !makefilePlan.standalone) logger.warn(includeAdvice(makefilePlan));
  // Nx runs the callback once the files are written, and not under --dry-run.
  return () => logger.info(ciNextSteps(options, written));
}

function workflowFiles(options: NormalizedCiOptions): PlannedFile[] {
  const rendered = renderTemplates(join(__dirname, 'files', options.provider), { ...options });
  return [...rendered].map(([path, body]) => ({ path, content: withOwnershipMarker(tidy(body)) }));
}

function makefileFile(options: NormalizedCiOptions, plan: MakefilePlan): PlannedFile {
  const environmentList = options.declaredEnvironments.join(', ') || options.environments.map((env) => env.name).join(', ') || 'production';
  const rendered = renderTemplates(join(__dirname, 'files', 'makefile'), { ...options, standalone: plan.standalone, environmentList });
  return { path: plan.path, content: withOwnershipMarker(tidy(rendered.get('Makefile') ?? '')) };
}

/** Template loops leave blank lines: at most one in a row, and one newline at the end. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');
}

/** Writes only what differs, so a second run reports no change. */
function writeIfChanged(tree: Tree, decision: FileDecision): boolean {
  if (tree.exists(decision.path) && tree.read(decision.path, 'utf-8') === decision.content) return false;
  tree.write(decision.path, decision.content);
  return true;
}

function includeAdvice(plan: MakefilePlan): string {
  const lines = [`${plan.teamMakefile} is the workspace's own, so it was left as it is; the make targets are in ${INCLUDE_FILE}.`];
  if (plan.includeMissing) lines.push(`Add this line to ${plan.teamMakefile} to use them: include ${INCLUDE_FILE}`);
  if (plan.clashes.length) {
    lines.push(`${plan.teamMakefile} also defines ${plan.clashes.join(', ')}: make warns and keeps the recipe it reads last, so rename one of each.`);
  }
  return lines.join('\n');
}

export default ciGenerator;
