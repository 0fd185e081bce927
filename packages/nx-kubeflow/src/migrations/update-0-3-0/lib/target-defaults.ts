import { updateNxJson, type NxJsonConfiguration } from '@nx/devkit';
import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';
import { COMMAND_KINDS, executorOf, PIPELINE_KINDS, type CommandKind } from './command-kinds';
import type { MigrationContext } from './context';
import { MOVED_VENV_OPTIONS, rewriteTarget } from './rewrite-options';
import { describeTarget, insertAfter, keysOnlyIn, listTargets, mergeTargets, pick, withoutExecutor, type Options, type Target } from './targets';
import { checkDependsOn, warnAboutUnknownPlugins, warnIfCommentsDropped } from './warnings';
import { explicitExecutorTargets, otherTargetsNamed } from './workspace-targets';

/** nx.json targetDefaults: executor-keyed entries to the inferred names, name-keyed ones rewritten in place. */
export function updateTargetDefaults(context: MigrationContext): void {
  const { names } = context;
  const original = context.nxJson.targetDefaults;
  if (!original) return;
  // Rebuilt key by key, so an entry that moves takes its old place and the diff stays small.
  let defaults: Record<string, Target> = { ...(original as Record<string, Target>) };
  const written = new Set<string>();

  if (defaults['nx:run-commands']) {
    context.warnings.push(
      `nx.json targetDefaults["nx:run-commands"] now applies to ${PLUGIN_PACKAGE_NAME}'s inferred ` +
        `${COMMAND_KINDS.map((kind) => names[kind]).join(', ')} targets, which are nx:run-commands targets in 0.3.0, ` +
        `and Nx then reads no targetDefaults keyed by their names for them. Move what should not apply to them under a target name, ` +
        `or give those targets their own options in project.json.`,
    );
  }

  // venv first: the test target's venv options only fill what the venv's own defaults leave unset,
  // as the venv executor took the test target's options only where it had none.
  for (const kind of COMMAND_KINDS) {
    const name = names[kind];
    const executor = executorOf(kind);
    const byExecutor = defaults[executor];
    const byName = defaults[name];
    const nameAppliedToInferred = byName !== undefined && (byName.executor === undefined || byName.executor === executor);
    // What the inferred target read in 0.2.0: Nx takes the executor's entry where there is one, else the name's.
    const source = byExecutor ?? (nameAppliedToInferred ? byName : undefined);
    if (!source) continue;
    const sourceKey = byExecutor ? executor : name;

    const foreign = otherTargetsNamed(context, name, kind);
    if (byName !== undefined && !nameAppliedToInferred) foreign.unshift(`targetDefaults["${name}"] itself (executor ${byName.executor})`);
    if (foreign.length > 0) {
      context.warnings.push(
        `nx.json targetDefaults["${sourceKey}"] was left as it is: its new home would be targetDefaults["${name}"], which would also apply to ` +
          `${foreign.join(', ')}. ${PLUGIN_PACKAGE_NAME}'s inferred "${name}" targets no longer read it; ${byHand(context, kind, source)}`,
      );
      continue;
    }

    const snapshot = JSON.stringify(defaults);
    // said only when the entries change, so a second run is silent
    const moved: string[] = [];
    const warnings: string[] = [];
    const explicit = explicitExecutorTargets(context, kind);
    // The venv options' home is targetDefaults.venv; where that name is taken they stay on test, which
    // still uses them for a venv it has to make itself, and the user is told.
    const venvBlockers = kind === 'test' ? venvDefaultsBlockers(context, defaults) : [];
    const moveVenvOptions = venvBlockers.length === 0;
    const rewritten = rewriteTarget(names, kind, withoutExecutor(source), `targetDefaults["${sourceKey}"]`, { moveVenvOptions });
    warnings.push(...rewritten.problems);
    let venvPart = rewritten.venv;
    if (kind === 'test' && !moveVenvOptions && Object.keys(pickVenvOptions(source)).length > 0) {
      warnings.push(
        `nx.json targetDefaults["${sourceKey}"] sets venv options (${Object.keys(pickVenvOptions(source)).join(', ')}), whose home in 0.3.0 is targetDefaults["${names.venv}"], ` +
          `which would also apply to ${venvBlockers.join(', ')}: they stay on "${name}", which uses them only when it makes the venv itself. ` +
          `Set them on each Python project's "${names.venv}" target in its project.json.`,
      );
    }
    if (byExecutor) {
      if (byName) {
        // The name's entry reached no inferred target while the executor's existed; it does now, so it is rewritten too.
        const fromName = rewriteTarget(names, kind, withoutExecutor(byName), `targetDefaults["${name}"]`, { moveVenvOptions });
        warnings.push(...fromName.problems);
        const newlyApplied = keysOnlyIn(fromName.target, rewritten.target);
        if (newlyApplied.length > 0) {
          warnings.push(
            `nx.json targetDefaults["${name}"] sets ${newlyApplied.join(', ')}, which did not reach ${PLUGIN_PACKAGE_NAME}'s inferred "${name}" targets ` +
              `while targetDefaults["${executor}"] existed and does now (that entry was merged into it, its values first). Remove what should not apply to them.`,
          );
        }
        defaults[name] = mergeTargets(fromName.target, rewritten.target, 'incoming');
        if (fromName.venv) venvPart = mergeTargets(fromName.venv, venvPart ?? {}, 'incoming');
      } else if (Object.keys(rewritten.target).length > 0) {
        // (an entry that held only venv options leaves nothing for the name)
        defaults = insertAfter(defaults, executor, name, rewritten.target);
      }
      if (explicit.length === 0) {
        delete defaults[executor];
        moved.push(`nx.json: targetDefaults["${executor}"] moved to targetDefaults["${name}"].`);
      } else {
        moved.push(
          `nx.json: targetDefaults["${executor}"] copied to targetDefaults["${name}"], and kept for the project.json targets that run ${executor} (${listTargets(explicit)}).`,
        );
      }
    } else {
      const sameName = explicit.filter((user) => user.target === name);
      if (sameName.length > 0) {
        // Those targets read this entry too, in the form their executor still takes.
        const otherNames = explicit.filter((user) => user.target !== name);
        if (otherNames.length > 0) {
          context.warnings.push(
            `nx.json targetDefaults["${name}"] was left as it is: ${listTargets(sameName)} run ${executor} and read it in its old form, ` +
              `while a targetDefaults["${executor}"] entry keeping that form would also reach ${listTargets(otherNames)}. ` +
              `${PLUGIN_PACKAGE_NAME}'s inferred "${name}" targets need it rewritten: ${byHand(context, kind, source)}`,
          );
          continue;
        }
        defaults = insertAfter(defaults, name, executor, withoutExecutor(byName!));
        moved.push(`nx.json: targetDefaults["${name}"] as it was is now also targetDefaults["${executor}"], for ${listTargets(sameName)}, which run that executor.`);
      }
      if (Object.keys(rewritten.target).length > 0) defaults[name] = rewritten.target;
      else delete defaults[name];
    }
    if (venvPart) {
      const venvName = names.venv;
      defaults[venvName] = mergeTargets(defaults[venvName] ?? {}, venvPart, 'existing');
      written.add(venvName);
      moved.push(`nx.json: the venv options of targetDefaults["${sourceKey}"] (${describeTarget(venvPart)}) are now targetDefaults["${venvName}"]'s.`);
    }
    written.add(name);
    if (JSON.stringify(defaults) !== snapshot) {
      context.moved.push(...moved);
      context.warnings.push(...warnings);
    }
  }

  if (JSON.stringify(defaults) === JSON.stringify(original)) return;
  for (const name of written) checkDependsOn(context, name, defaults[name], `nx.json targetDefaults["${name}"]`);
  warnAboutUnknownPlugins(context, [...written]);
  warnIfCommentsDropped(context, 'nx.json');
  context.nxJson.targetDefaults = defaults as NxJsonConfiguration['targetDefaults'];
  updateNxJson(context.tree, context.nxJson);
}

/** What else targetDefaults.venv would reach; empty when the venv options may go there. */
function venvDefaultsBlockers(context: MigrationContext, defaults: Record<string, Target>): string[] {
  const { names } = context;
  const venvName = names.venv;
  const blockers = otherTargetsNamed(context, venvName, 'venv');
  const executor = defaults[venvName]?.executor;
  if (executor !== undefined && executor !== executorOf('venv')) blockers.unshift(`targetDefaults["${venvName}"] itself (executor ${executor})`);
  return blockers;
}

/** What to do by hand with a targetDefaults entry that could not move: its rewritten form, in words. */
function byHand(context: MigrationContext, kind: CommandKind, source: Target): string {
  const { names } = context;
  const { target, venv } = rewriteTarget(names, kind, source, 'this entry');
  delete target.executor;
  const parts = [`give the "${names[kind]}" target of each ${PIPELINE_KINDS.includes(kind) ? 'pipeline' : 'Python project'} in its project.json ${JSON.stringify(target)}`];
  if (venv) parts.push(`and its "${names.venv}" target ${JSON.stringify(venv)}`);
  return `${parts.join(' ')}.`;
}

/** The venv options a test target or default sets, in its options or a configuration. */
function pickVenvOptions(target: Target): Options {
  return Object.assign(
    {},
    ...[target.options ?? {}, ...Object.values(target.configurations ?? {})].map((options) => pick(options ?? {}, MOVED_VENV_OPTIONS)),
  );
}
