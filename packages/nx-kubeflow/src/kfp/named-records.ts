/**
 * Records keyed by names that come from files (inputs, outputs, parameters,
 * tasks, env variables, secret keys). A plain `{}` answers `constructor`,
 * `toString` or `__proto__` from Object.prototype: `'constructor' in {}` is
 * true, `{}['constructor']` is a function, and assigning `__proto__` replaces
 * the prototype instead of adding a key. A null-prototype record has none of
 * these, and `hasName` asks for own keys only, so such a name is a name like
 * any other (issue 12, broken 7).
 */
export function namedRecord<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  if (entries) for (const [name, value] of entries) record[name] = value;
  return record;
}

/** Own key only: never a member of Object.prototype. */
export function hasName(record: object, name: string): boolean {
  return Object.hasOwn(record, name);
}
