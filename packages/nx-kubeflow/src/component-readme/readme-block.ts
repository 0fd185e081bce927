/**
 * The part of a component's README that the component-readme sync generator
 * owns: everything between the two markers. The rest of the README is the
 * team's and is never touched.
 */
export const INTERFACE_START = '<!-- nx-kubeflow:interface:start -->';
export const INTERFACE_END = '<!-- nx-kubeflow:interface:end -->';

const NOTICE = '<!-- Written from component.yaml by `nx sync` (nx-kubeflow:component-readme): edit component.yaml, not this table. -->';

/** The whole block, markers included, for a README template or a rewrite. */
export function interfaceBlock(table: string): string {
  return `${INTERFACE_START}\n${NOTICE}\n\n${table.trimEnd()}\n\n${INTERFACE_END}`;
}

export type BlockReplacement =
  | { status: 'replaced'; text: string }
  /** No start marker: the README does not carry the interface; left alone. */
  | { status: 'unmarked' }
  /** Markers out of order, repeated or one missing: what is wrong, for the user to fix. */
  | { status: 'broken'; problem: string };

/** The README with the text between its markers replaced by `block` (markers included). */
export function replaceInterfaceBlock(readme: string, block: string): BlockReplacement {
  const starts = occurrences(readme, INTERFACE_START);
  const ends = occurrences(readme, INTERFACE_END);
  if (starts.length === 0 && ends.length === 0) return { status: 'unmarked' };
  if (starts.length !== 1 || ends.length !== 1 || ends[0] < starts[0]) {
    return {
      status: 'broken',
      problem:
        `has ${starts.length} "${INTERFACE_START}" and ${ends.length} "${INTERFACE_END}"` +
        (starts.length === 1 && ends.length === 1 ? ', end before start' : '') +
        ': keep exactly one of each, start first (or remove both to stop syncing this README)',
    };
  }
  const text = readme.slice(0, starts[0]) + block + readme.slice(ends[0] + INTERFACE_END.length);
  return { status: 'replaced', text };
}

function occurrences(text: string, marker: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) found.push(at);
  return found;
}
