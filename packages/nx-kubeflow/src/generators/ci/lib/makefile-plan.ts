import type { Tree } from '@nx/devkit';
import { ownershipOf } from './generated-files';

/** The make targets the template defines (`help` lists them). */
export const MAKE_TARGETS = ['help', 'install', 'lint', 'test', 'affected', 'images', 'deploy', 'run'];

/** Where the targets go when the workspace has a Makefile of its own. */
export const INCLUDE_FILE = 'nx-kubeflow.mk';

/** GNU make reads the first of these that exists. */
const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

export interface MakefilePlan {
  /** The file to write. */
  path: string;
  /** A Makefile of its own (sets .DEFAULT_GOAL := help), not a file for another to include. */
  standalone: boolean;
  /** The team's own makefile, when the targets go to nx-kubeflow.mk. */
  teamMakefile?: string;
  /** True when the team's makefile does not include nx-kubeflow.mk yet. */
  includeMissing: boolean;
  /** Targets both define: make warns and keeps the recipe read last. */
  clashes: string[];
}

/**
 * A workspace's own Makefile is never edited: the targets go to
 * nx-kubeflow.mk and the team adds one `include` line where they want it,
 * deciding what to do with targets both define. A Makefile this generator
 * wrote is its own to update (see generated-files.ts); --overwrite replaces
 * a team's Makefile.
 */
export function planMakefile(tree: Tree, overwrite: boolean): MakefilePlan {
  const existing = MAKEFILE_NAMES.find((name) => tree.exists(name));
  if (!existing) return { path: 'Makefile', standalone: true, includeMissing: false, clashes: [] };
  const text = tree.read(existing, 'utf-8') ?? '';
  if (overwrite || ownershipOf(text) !== 'foreign') return { path: existing, standalone: true, includeMissing: false, clashes: [] };
  const defined = ruleTargets(text);
  return {
    path: INCLUDE_FILE,
    standalone: false,
    teamMakefile: existing,
    includeMissing: !new RegExp(`^\\s*-?include\\s+(.*\\s)?${INCLUDE_FILE.replace('.', '\\.')}(\\s|$)`, 'm').test(text),
    clashes: MAKE_TARGETS.filter((target) => defined.has(target)),
  };
}

/** The targets a makefile's rules name (`a b: deps`, `a::`), not variable assignments (`a := b`). */
export function ruleTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) || line.startsWith('#')) continue;
    const rule = /^([^:=#]+?)\s*::?(?![=:])/.exec(line);
    if (!rule || /^(export|override|define|ifeq|ifneq|ifdef|ifndef|include|-include)\b/.test(rule[1])) continue;
    for (const name of rule[1].split(/\s+/)) if (name) targets.add(name);
  }
  return targets;
}
