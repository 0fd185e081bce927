import { updateProjectConfiguration, type ProjectConfiguration } from '@nx/devkit';
import { findTestTarget } from '../../../python/python-target-lookup';
import { executorOf } from './command-kinds';
import type { MigrationContext } from './context';
import { COPIED_VENV_OPTIONS, MOVED_VENV_OPTIONS, rewriteOptions, rewriteTarget } from './rewrite-options';
import { addsToInferred, describeTarget, mergeTargets, pick, type Target } from './targets';
import { checkDependsOn, warnIfCommentsDropped } from './warnings';
import { inferredKindsOf } from './workspace-targets';

/**
 * project.json targets that add options to an inferred command target (its
 * name, no executor of their own): rewritten in place, a test target's venv
 * options moved to the project's venv target. A target naming an executor
 * is left alone; where it is a test executor whose venv the inferred venv
 * target now makes, its venv options are copied there.
 */
export function updateProjectTargets(context: MigrationContext): void {
  const { names } = context;
  for (const [projectName, project] of context.projects) {
    const file = `${project.root === '.' || project.root === '' ? '' : `${project.root}/`}project.json`;
    if (!context.tree.exists(file)) continue;
    const kinds = inferredKindsOf(context, project.root);
    if (kinds.length === 0) continue;
    const before = JSON.stringify(project.targets ?? {});
    const targets = { ...((project.targets ?? {}) as Record<string, Target>) };
    const venvName = names.venv;
    // A venv target running the executor takes its options from the test target: they stay there then.
    const venvIsInferred = targets[venvName] === undefined || addsToInferred(targets[venvName]);
    const moved: string[] = [];
    const warnings: string[] = [];
    let venvAdditions: Target | undefined;

    for (const kind of kinds) {
      const name = names[kind];
      const target = targets[name];
      if (!target || !addsToInferred(target)) continue;
      const rewritten = rewriteTarget(names, kind, target, `${file} targets["${name}"]`, { moveVenvOptions: venvIsInferred });
      targets[name] = rewritten.target;
      warnings.push(...rewritten.problems);
      if (rewritten.venv) {
        venvAdditions = rewritten.venv;
        moved.push(`${file}: the venv options of targets["${name}"] (${describeTarget(rewritten.venv)}) are now targets["${venvName}"]'s.`);
      }
    }

    // A project.json test target that runs the executor made the venv with its options in 0.2.0,
    // and lint took them; now the inferred venv target makes it, and lint reads that one's.
    if (kinds.includes('venv') && venvIsInferred) {
      const explicitTest = findTestTarget(targets);
      const picked = explicitTest?.executor === executorOf('test') ? pick(explicitTest.options ?? {}, [...MOVED_VENV_OPTIONS, ...COPIED_VENV_OPTIONS]) : {};
      if (Object.keys(picked).length > 0) {
        const copied = { options: rewriteOptions(names, 'venv', picked, file).own };
        venvAdditions = mergeTargets(venvAdditions ?? {}, copied, 'existing');
        moved.push(`${file}: the venv options of the target running ${executorOf('test')} (${describeTarget(copied)}) were copied to targets["${venvName}"], which makes the venv now.`);
      }
    }
    if (venvAdditions) targets[venvName] = mergeTargets(targets[venvName] ?? {}, venvAdditions, 'existing');

    if (JSON.stringify(targets) === before) continue;
    for (const kind of kinds) {
      const target = targets[names[kind]];
      if (target && addsToInferred(target)) checkDependsOn(context, names[kind], target, `${file} targets["${names[kind]}"]`);
    }
    context.moved.push(`${file}: options of the targets that add to inferred command targets rewritten.`, ...moved);
    context.warnings.push(...warnings);
    warnIfCommentsDropped(context, file);
    project.targets = targets as ProjectConfiguration['targets'];
    updateProjectConfiguration(context.tree, projectName, project);
  }
}
