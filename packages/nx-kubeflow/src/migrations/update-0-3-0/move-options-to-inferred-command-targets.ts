import {
  formatFiles,
  getProjects,
  logger,
  readNxJson,
  updateNxJson,
  updateProjectConfiguration,
  type NxJsonConfiguration,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { VENV_TARGET_NAME } from '../../graph/inferred-targets';
import { rootMayHoldKind, COMPONENT_MARKER, PIPELINE_MARKER, PYTHON_PACKAGE_MARKER, type ProjectKind } from '../../graph/project-kinds';
import { PLUGIN_PACKAGE_NAME, pluginOptionsFromNxJson, type NormalizedPluginOptions } from '../../plugin/plugin-options';
import { findTestTarget } from '../../python/python-target-lookup';
import { COPIED_VENV_OPTIONS, MOVED_VENV_OPTIONS, rewriteOptions, rewriteTarget } from './lib/rewrite-options';
import { COMMAND_KINDS, executorOf, PIPELINE_KINDS, PYTHON_KINDS, type CommandKind } from './lib/command-kinds';
import {
  addsToInferred,
  describeTarget,
  insertAfter,
  keysOnlyIn,
  listTargets,
  mergeTargets,
  pick,
  withoutExecutor,
  type Options,
  type ProjectTarget,
  type Target,
} from './lib/targets';

export { COMMAND_KINDS, type CommandKind } from './lib/command-kinds';

/**
 * 0.3.0: the inferred venv, test, compile, deploy and run targets are
 * `nx:run-commands` targets running the plugin's own commands instead of the
 * nx-kubeflow:<name> executors (Nx forked a process loading Nx for every
 * executor task). The executors remain, for project.json targets that name
 * them, with the same options as before (their schemas did not change since
 * 0.2.0, apart from `parallel`, which the 0.2.0 migration renames), so those
 * targets are left as they are. What changes meaning for inferred targets:
 *
 * - nx.json targetDefaults keyed by an executor (`nx-kubeflow:test`) no
 *   longer reach them (Nx reads defaults by executor, else by target name):
 *   they move to the inferred target's name, as the plugin options in nx.json
 *   name it; the executor's entry stays while a project.json target still
 *   runs that executor.
 * - the venv options (python, extras, indexUrl) are the venv target's, not
 *   the test target's; extras is one comma-separated string.
 * - compile, deploy and run name the settings environment `settingsEnv`:
 *   run-commands owns `env` (environment variables); it owns `parallel`
 *   too, so deploy and run's old name for maxParallelTasks is renamed here
 *   as well (a workspace already at 0.2.0 does not run that migration).
 * - a command receives single values only (run-commands passes no list or
 *   object option on):
 *   pytestArgs, the test executor's pass-through options and several deploy
 *   `param`s become the target's `args`, one `param` a string.
 *
 * The same rewrites apply to a targetDefaults entry keyed by the inferred
 * target's name and to a project.json target that adds options to an
 * inferred one (same name, no executor). Where a target name is also used by
 * something else in the workspace, defaults under that name are not written
 * and a warning says what to do by hand.
 */
export default async function moveOptionsToInferredCommandTargets(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree);
  if (!nxJson || !pluginIsRegistered(nxJson)) return;
  const migration = new Migration(tree, nxJson);
  migration.targetDefaults();
  migration.projectTargets();
  for (const line of migration.warnings) logger.warn(line);
  for (const line of migration.moved) logger.info(line);
  await formatFiles(tree);
}

class Migration {
  readonly warnings: string[] = [];
  readonly moved: string[] = [];
  private readonly pluginOptions: NormalizedPluginOptions;
  private readonly names: Record<CommandKind, string>;
  private readonly projects: Map<string, ProjectConfiguration>;

  constructor(
    private readonly tree: Tree,
    private readonly nxJson: NxJsonConfiguration,
  ) {
    this.pluginOptions = pluginOptionsFromNxJson(nxJson);
    this.names = {
      venv: VENV_TARGET_NAME,
      test: this.pluginOptions.testTargetName,
      compile: this.pluginOptions.compileTargetName,
      deploy: this.pluginOptions.deployTargetName,
      run: this.pluginOptions.runTargetName,
    };
    this.projects = getProjects(tree);
    const entries = (nxJson.plugins ?? []).filter((entry) => pluginName(entry) === PLUGIN_PACKAGE_NAME);
    if (entries.length > 1) {
      this.warnings.push(
        `nx.json registers ${PLUGIN_PACKAGE_NAME} ${entries.length} times; this migration used the target names of the first entry ` +
          `(${COMMAND_KINDS.map((kind) => this.names[kind]).join(', ')}). Check the targetDefaults of the others' target names by hand.`,
      );
    }
  }

  /** nx.json targetDefaults: executor-keyed entries to the inferred names, name-keyed ones rewritten in place. */
  targetDefaults(): void {
    const original = this.nxJson.targetDefaults;
    if (!original) return;
    // Rebuilt key by key, so an entry that moves takes its old place and the diff stays small.
    let defaults: Record<string, Target> = { ...(original as Record<string, Target>) };
    const written = new Set<string>();

    if (defaults['nx:run-commands']) {
      this.warnings.push(
        `nx.json targetDefaults["nx:run-commands"] now applies to ${PLUGIN_PACKAGE_NAME}'s inferred ` +
          `${COMMAND_KINDS.map((kind) => this.names[kind]).join(', ')} targets, which are nx:run-commands targets in 0.3.0, ` +
          `and Nx then reads no targetDefaults keyed by their names for them. Move what should not apply to them under a target name, ` +
          `or give those targets their own options in project.json.`,
      );
    }

    // venv first: the test target's venv options only fill what the venv's own defaults leave unset,
    // as the venv executor took the test target's options only where it had none.
    for (const kind of COMMAND_KINDS) {
      const name = this.names[kind];
      const executor = executorOf(kind);
      const byExecutor = defaults[executor];
      const byName = defaults[name];
      const nameAppliedToInferred = byName !== undefined && (byName.executor === undefined || byName.executor === executor);
      // What the inferred target read in 0.2.0: Nx takes the executor's entry where there is one, else the name's.
      const source = byExecutor ?? (nameAppliedToInferred ? byName : undefined);
      if (!source) continue;
      const sourceKey = byExecutor ? executor : name;

      const foreign = this.otherTargetsNamed(name, kind);
      if (byName !== undefined && !nameAppliedToInferred) foreign.unshift(`targetDefaults["${name}"] itself (executor ${byName.executor})`);
      if (foreign.length > 0) {
        this.warnings.push(
          `nx.json targetDefaults["${sourceKey}"] was left as it is: its new home would be targetDefaults["${name}"], which would also apply to ` +
            `${foreign.join(', ')}. ${PLUGIN_PACKAGE_NAME}'s inferred "${name}" targets no longer read it; ${this.byHand(kind, source)}`,
        );
        continue;
      }

      const snapshot = JSON.stringify(defaults);
      // said only when the entries change, so a second run is silent
      const moved: string[] = [];
      const warnings: string[] = [];
      const explicit = this.explicitExecutorTargets(kind);
      // The venv options' home is targetDefaults.venv; where that name is taken they stay on test, which
      // still uses them for a venv it has to make itself, and the user is told.
      const venvBlockers = kind === 'test' ? this.venvDefaultsBlockers(defaults) : [];
      const moveVenvOptions = venvBlockers.length === 0;
      const rewritten = rewriteTarget(this.names, kind, withoutExecutor(source), `targetDefaults["${sourceKey}"]`, { moveVenvOptions });
      warnings.push(...rewritten.problems);
      let venvPart = rewritten.venv;
      if (kind === 'test' && !moveVenvOptions && Object.keys(pickVenvOptions(source)).length > 0) {
        warnings.push(
          `nx.json targetDefaults["${sourceKey}"] sets venv options (${Object.keys(pickVenvOptions(source)).join(', ')}), whose home in 0.3.0 is targetDefaults["${this.names.venv}"], ` +
            `which would also apply to ${venvBlockers.join(', ')}: they stay on "${name}", which uses them only when it makes the venv itself. ` +
            `Set them on each Python project's "${this.names.venv}" target in its project.json.`,
        );
      }
      if (byExecutor) {
        if (byName) {
          // The name's entry reached no inferred target while the executor's existed; it does now, so it is rewritten too.
          const fromName = rewriteTarget(this.names, kind, withoutExecutor(byName), `targetDefaults["${name}"]`, { moveVenvOptions });
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
            this.warnings.push(
              `nx.json targetDefaults["${name}"] was left as it is: ${listTargets(sameName)} run ${executor} and read it in its old form, ` +
                `while a targetDefaults["${executor}"] entry keeping that form would also reach ${listTargets(otherNames)}. ` +
                `${PLUGIN_PACKAGE_NAME}'s inferred "${name}" targets need it rewritten: ${this.byHand(kind, source)}`,
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
        const venvName = this.names.venv;
        defaults[venvName] = mergeTargets(defaults[venvName] ?? {}, venvPart, 'existing');
        written.add(venvName);
        moved.push(`nx.json: the venv options of targetDefaults["${sourceKey}"] (${describeTarget(venvPart)}) are now targetDefaults["${venvName}"]'s.`);
      }
      written.add(name);
      if (JSON.stringify(defaults) !== snapshot) {
        this.moved.push(...moved);
        this.warnings.push(...warnings);
      }
    }

    if (JSON.stringify(defaults) === JSON.stringify(original)) return;
    for (const name of written) this.checkDependsOn(name, defaults[name], `nx.json targetDefaults["${name}"]`);
    this.warnAboutUnknownPlugins([...written]);
    this.warnIfCommentsDropped('nx.json');
    this.nxJson.targetDefaults = defaults as NxJsonConfiguration['targetDefaults'];
    updateNxJson(this.tree, this.nxJson);
  }

  /**
   * project.json targets that add options to an inferred command target (its
   * name, no executor of their own): rewritten in place, a test target's venv
   * options moved to the project's venv target. A target naming an executor
   * is left alone; where it is a test executor whose venv the inferred venv
   * target now makes, its venv options are copied there.
   */
  projectTargets(): void {
    for (const [projectName, project] of this.projects) {
      const file = `${project.root === '.' || project.root === '' ? '' : `${project.root}/`}project.json`;
      if (!this.tree.exists(file)) continue;
      const kinds = this.inferredKindsOf(project.root);
      if (kinds.length === 0) continue;
      const before = JSON.stringify(project.targets ?? {});
      const targets = { ...((project.targets ?? {}) as Record<string, Target>) };
      const venvName = this.names.venv;
      // A venv target running the executor takes its options from the test target: they stay there then.
      const venvIsInferred = targets[venvName] === undefined || addsToInferred(targets[venvName]);
      const moved: string[] = [];
      const warnings: string[] = [];
      let venvAdditions: Target | undefined;

      for (const kind of kinds) {
        const name = this.names[kind];
        const target = targets[name];
        if (!target || !addsToInferred(target)) continue;
        const rewritten = rewriteTarget(this.names, kind, target, `${file} targets["${name}"]`, { moveVenvOptions: venvIsInferred });
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
          const copied = { options: rewriteOptions(this.names, 'venv', picked, file).own };
          venvAdditions = mergeTargets(venvAdditions ?? {}, copied, 'existing');
          moved.push(`${file}: the venv options of the target running ${executorOf('test')} (${describeTarget(copied)}) were copied to targets["${venvName}"], which makes the venv now.`);
        }
      }
      if (venvAdditions) targets[venvName] = mergeTargets(targets[venvName] ?? {}, venvAdditions, 'existing');

      if (JSON.stringify(targets) === before) continue;
      for (const kind of kinds) {
        const target = targets[this.names[kind]];
        if (target && addsToInferred(target)) this.checkDependsOn(this.names[kind], target, `${file} targets["${this.names[kind]}"]`);
      }
      this.moved.push(`${file}: options of the targets that add to inferred command targets rewritten.`, ...moved);
      this.warnings.push(...warnings);
      this.warnIfCommentsDropped(file);
      project.targets = targets as ProjectConfiguration['targets'];
      updateProjectConfiguration(this.tree, projectName, project);
    }
  }

  /** The inferred targets that became commands which the plugin gives the project at `root`. */
  private inferredKindsOf(root: string): CommandKind[] {
    const has = (file: string) => this.tree.exists(root === '.' || root === '' ? file : `${root}/${file}`);
    const holds = (kind: ProjectKind, marker: string) => has(marker) && rootMayHoldKind(root, kind, this.pluginOptions);
    const isComponent = holds('component', COMPONENT_MARKER);
    const isPipeline = holds('pipeline', PIPELINE_MARKER);
    const isPythonPackage = !isComponent && holds('python-package', PYTHON_PACKAGE_MARKER);
    const kinds: CommandKind[] = [];
    if ((isComponent && has(PYTHON_PACKAGE_MARKER)) || isPythonPackage) kinds.push(...PYTHON_KINDS);
    if (isPipeline) kinds.push(...PIPELINE_KINDS);
    return kinds;
  }

  /** What else targetDefaults.venv would reach; empty when the venv options may go there. */
  private venvDefaultsBlockers(defaults: Record<string, Target>): string[] {
    const venvName = this.names.venv;
    const blockers = this.otherTargetsNamed(venvName, 'venv');
    const executor = defaults[venvName]?.executor;
    if (executor !== undefined && executor !== executorOf('venv')) blockers.unshift(`targetDefaults["${venvName}"] itself (executor ${executor})`);
    return blockers;
  }

  /** Every project.json target that runs the executor of `kind`. */
  private explicitExecutorTargets(kind: CommandKind): ProjectTarget[] {
    const users: ProjectTarget[] = [];
    for (const [project, configuration] of this.projects) {
      for (const [target, { executor }] of Object.entries(configuration.targets ?? {})) {
        if (executor === executorOf(kind)) users.push({ project, target });
      }
    }
    return users;
  }

  /**
   * What else defaults under the target name `name` would reach: project.json
   * targets of that name that run something other than the executor of
   * `kind` or add to an inferred target the plugin does not make there, and
   * other plugins whose options in nx.json name it.
   */
  private otherTargetsNamed(name: string, kind: CommandKind): string[] {
    const others: string[] = [];
    for (const [projectName, project] of this.projects) {
      const target = project.targets?.[name] as Target | undefined;
      if (!target) continue;
      if (target.executor !== undefined) {
        if (target.executor !== executorOf(kind)) others.push(`${projectName}:${name} (${target.executor})`);
      } else if (!addsToInferred(target)) {
        others.push(`${projectName}:${name} (a command)`);
      } else if (!this.inferredKindsOf(project.root).includes(kind)) {
        others.push(`${projectName}:${name}`);
      }
    }
    for (const entry of this.nxJson.plugins ?? []) {
      if (typeof entry === 'string' || entry.plugin === PLUGIN_PACKAGE_NAME) continue;
      const option = stringOptions(entry.options).find(([, value]) => value === name);
      if (option) others.push(`the targets of plugin ${entry.plugin} (its option ${option[0]} is "${name}")`);
    }
    return others;
  }

  /** What to do by hand with a targetDefaults entry that could not move: its rewritten form, in words. */
  private byHand(kind: CommandKind, source: Target): string {
    const { target, venv } = rewriteTarget(this.names, kind, source, 'this entry');
    delete target.executor;
    const parts = [`give the "${this.names[kind]}" target of each ${PIPELINE_KINDS.includes(kind) ? 'pipeline' : 'Python project'} in its project.json ${JSON.stringify(target)}`];
    if (venv) parts.push(`and its "${this.names.venv}" target ${JSON.stringify(venv)}`);
    return `${parts.join(' ')}.`;
  }

  /**
   * A dependsOn from a 0.2.0 default or override replaces the inferred one,
   * and the inferred test's is ["venv"]: without it test makes the venv
   * itself, and a cache hit replays those lines.
   */
  private checkDependsOn(name: string, target: Target | undefined, where: string): void {
    if (name !== this.names.test || !Array.isArray(target?.dependsOn)) return;
    const dependsOnVenv = target.dependsOn.some((dependency) =>
      typeof dependency === 'string' ? dependency === this.names.venv : dependency?.target === this.names.venv && !dependency.projects && !dependency.dependencies,
    );
    if (!dependsOnVenv) {
      this.warnings.push(
        `${where}.dependsOn replaces the inferred ["${this.names.venv}"], so the venv target does not run before the tests: add "${this.names.venv}" to it.`,
      );
    }
  }

  /**
   * Plugins registered without options that name target names may infer
   * those names too, and defaults under a target name reach them as well;
   * this migration cannot see inferred targets, so it says which to check.
   */
  private warnAboutUnknownPlugins(names: string[]): void {
    const unknown = (this.nxJson.plugins ?? [])
      .map((entry) => (typeof entry === 'string' ? { plugin: entry, options: undefined } : entry))
      .filter((entry) => entry.plugin !== PLUGIN_PACKAGE_NAME && stringOptions(entry.options).length === 0)
      .map((entry) => entry.plugin);
    if (unknown.length === 0) return;
    this.warnings.push(
      `nx.json targetDefaults now has ${PLUGIN_PACKAGE_NAME}'s options under the target names ${names.map((name) => `"${name}"`).join(', ')}, ` +
        `which also reach other targets of those names. ${unknown.join(', ')} may infer such targets: check with \`npx nx show projects --with-target <name>\`.`,
    );
  }

  /** The devkit writes JSON files whole, without their comments; say so rather than lose them unnoticed. */
  private warnIfCommentsDropped(file: string): void {
    const text = this.tree.read(file, 'utf8');
    if (text === null) return;
    try {
      JSON.parse(text);
    } catch {
      this.warnings.push(`${file} had comments or trailing commas, which @nx/devkit does not keep when it rewrites the file: see its diff.`);
    }
  }
}

/** A plugin's string options at any depth (@nx/js/typescript nests its target names), as [dotted path, value]. */
function stringOptions(options: unknown, path = ''): Array<[string, string]> {
  if (typeof options === 'string') return [[path, options]];
  if (!options || typeof options !== 'object') return [];
  return Object.entries(options).flatMap(([key, value]) => stringOptions(value, path ? `${path}.${key}` : key));
}

function pluginName(entry: string | { plugin: string }): string {
  return typeof entry === 'string' ? entry : entry.plugin;
}

function pluginIsRegistered(nxJson: NxJsonConfiguration): boolean {
  return (nxJson.plugins ?? []).some((entry) => pluginName(entry) === PLUGIN_PACKAGE_NAME);
}

/** The venv options a test target or default sets, in its options or a configuration. */
function pickVenvOptions(target: Target): Options {
  return Object.assign(
    {},
    ...[target.options ?? {}, ...Object.values(target.configurations ?? {})].map((options) => pick(options ?? {}, MOVED_VENV_OPTIONS)),
  );
}

