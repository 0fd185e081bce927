import { PLUGIN_PACKAGE_NAME } from '../../../plugin/plugin-options';
import type { MigrationContext } from './context';
import type { Target } from './targets';
import { stringOptions } from './workspace-targets';

/**
 * A dependsOn from a 0.2.0 default or override replaces the inferred one,
 * and the inferred test's is ["venv"]: without it test makes the venv
 * itself, and a cache hit replays those lines.
 */
export function checkDependsOn(context: MigrationContext, name: string, target: Target | undefined, where: string): void {
  const { names } = context;
  if (name !== names.test || !Array.isArray(target?.dependsOn)) return;
  const dependsOnVenv = target.dependsOn.some((dependency) =>
    typeof dependency === 'string' ? dependency === names.venv : dependency?.target === names.venv && !dependency.projects && !dependency.dependencies,
  );
  if (!dependsOnVenv) {
    context.warnings.push(
      `${where}.dependsOn replaces the inferred ["${names.venv}"], so the venv target does not run before the tests: add "${names.venv}" to it.`,
    );
  }
}

/**
 * Plugins registered without options that name target names may infer
 * those names too, and defaults under a target name reach them as well;
 * this migration cannot see inferred targets, so it says which to check.
 */
export function warnAboutUnknownPlugins(context: MigrationContext, names: string[]): void {
  const unknown = (context.nxJson.plugins ?? [])
    .map((entry) => (typeof entry === 'string' ? { plugin: entry, options: undefined } : entry))
    .filter((entry) => entry.plugin !== PLUGIN_PACKAGE_NAME && stringOptions(entry.options).length === 0)
    .map((entry) => entry.plugin);
  if (unknown.length === 0) return;
  context.warnings.push(
    `nx.json targetDefaults now has ${PLUGIN_PACKAGE_NAME}'s options under the target names ${names.map((name) => `"${name}"`).join(', ')}, ` +
      `which also reach other targets of those names. ${unknown.join(', ')} may infer such targets: check with \`npx nx show projects --with-target <name>\`.`,
  );
}

/** The devkit writes JSON files whole, without their comments; say so rather than lose them unnoticed. */
export function warnIfCommentsDropped(context: MigrationContext, file: string): void {
  const text = context.tree.read(file, 'utf8');
  if (text === null) return;
  try {
    JSON.parse(text);
  } catch {
    context.warnings.push(`${file} had comments or trailing commas, which @nx/devkit does not keep when it rewrites the file: see its diff.`);
  }
}
