/** YAML aliases as both readers of the plugin (pipeline.yaml, component.yaml) report them. */
import { visit, type Document } from 'yaml';

/**
 * Where an alias bomb starts: the first alias whose anchor holds aliases
 * itself (each level multiplies the one below), else the first alias.
 */
export function aliasBombOffset(document: Document.Parsed): number {
  let first: number | undefined;
  let nested: number | undefined;
  visit(document, {
    Alias(_key, alias) {
      const offset = alias.range?.[0] ?? 0;
      first ??= offset;
      const target = alias.resolve(document);
      let holdsAliases = false;
      if (target) {
        visit(target, {
          Alias() {
            holdsAliases = true;
            return visit.BREAK;
          },
        });
      }
      if (holdsAliases) {
        nested = offset;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return nested ?? first ?? 0;
}
