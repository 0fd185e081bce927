import type { TargetConfiguration } from '@nx/devkit';

export type Options = Record<string, unknown>;
export type Target = Partial<TargetConfiguration> & Record<string, unknown>;

export interface ProjectTarget {
  project: string;
  target: string;
}

/** A project.json target that adds to an inferred one rather than replacing it: no executor or command of its own. */
export function addsToInferred(target: Target): boolean {
  return target.executor === undefined && target.command === undefined && typeof target.options?.command !== 'string';
}

export function withoutExecutor(target: Target): Target {
  const { executor: _executor, ...rest } = target;
  return rest;
}

export function listTargets(targets: readonly ProjectTarget[]): string {
  return targets.map(({ project, target }) => `${project}:${target}`).join(', ');
}

/** The options a target sets, as `name=value` for a log line. */
export function describeTarget(target: Target): string {
  const options = Object.entries(target.options ?? {}).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const configurations = Object.keys(target.configurations ?? {}).map((name) => `configuration ${name}`);
  return [...options, ...configurations].join(', ');
}

export function pick(object: Options, names: readonly string[]): Options {
  return Object.fromEntries(Object.entries(object).filter(([name]) => names.includes(name)));
}

/**
 * Two targets' settings together, options and configurations key by key;
 * where both set a key, `wins` says whose value stays.
 */
export function mergeTargets(existing: Target, incoming: Target, wins: 'existing' | 'incoming'): Target {
  const merged: Target = { ...existing };
  const choose = (a: Options | undefined, b: Options | undefined): Options => (wins === 'existing' ? { ...(b ?? {}), ...(a ?? {}) } : { ...(a ?? {}), ...(b ?? {}) });
  for (const [key, value] of Object.entries(incoming)) {
    if (key === 'options') {
      merged.options = wins === 'existing' ? { ...(existing.options ?? {}), ...pickMissing(value as Options, existing.options) } : choose(existing.options, value as Options);
    } else if (key === 'configurations') {
      const configurations: Record<string, Options> = { ...(existing.configurations ?? {}) };
      for (const [name, options] of Object.entries(value as Record<string, Options>)) configurations[name] = choose(configurations[name], options);
      merged.configurations = configurations;
    } else if (wins === 'incoming' || !(key in existing)) {
      merged[key] = value;
    }
  }
  return merged;
}

/** Keeps `existing`'s key order: only the keys it lacks are added, after its own. */
export function pickMissing(incoming: Options, existing: Options | undefined): Options {
  return Object.fromEntries(Object.entries(incoming).filter(([key]) => !existing || !(key in existing)));
}

/** Top-level keys and option names a name-keyed entry sets that the executor's entry does not. */
export function keysOnlyIn(entry: Target, other: Target): string[] {
  const keys = Object.keys(entry).filter((key) => key !== 'executor' && key !== 'options' && key !== 'configurations' && !(key in other));
  const options = Object.keys(entry.options ?? {}).filter((key) => !(key in (other.options ?? {}))).map((key) => `options.${key}`);
  return [...keys, ...options];
}

/** `object` with `key: value` placed right after `after` (or replacing it when they are the same key). */
export function insertAfter(object: Record<string, Target>, after: string, key: string, value: Target): Record<string, Target> {
  const result: Record<string, Target> = {};
  for (const [name, entry] of Object.entries(object)) {
    if (name !== key) result[name] = entry;
    if (name === after) result[key] = value;
  }
  return result;
}

/** A word for the shell run-commands starts: plain when it is, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
