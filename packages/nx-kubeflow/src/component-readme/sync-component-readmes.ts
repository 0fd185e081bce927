import { globAsync, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { parseComponentSpec } from '../kfp/component-spec';
import { COMPONENT_MARKER } from '../graph/project-kinds';
import { interfaceTable } from './interface-table';
import { interfaceBlock, replaceInterfaceBlock } from './readme-block';

export const README_FILE = 'README.md';

export interface ComponentReadmeSync {
  /** READMEs rewritten in the tree (workspace-relative), sorted. */
  updated: string[];
  /** READMEs whose markers are broken: "<file>: <problem>", sorted. Nothing was written for them. */
  broken: string[];
}

/** What syncing one README did. */
export type ReadmeSyncOutcome = 'updated' | 'unchanged' | 'skipped' | { broken: string };

/**
 * Writes each component's interface, from its component.yaml, between the
 * markers of its README.md, in the tree. A component without a README, or
 * whose README has no markers, is left alone (removing the markers opts a
 * README out). A component.yaml that does not load is left to the targets
 * that check it (test, compile), which say what is wrong: its README keeps
 * what it has. Only READMEs whose text changes are written.
 */
export async function syncComponentReadmes(tree: Tree, componentsDir: string): Promise<ComponentReadmeSync> {
  const pattern = componentsDir === '' || componentsDir === '.' ? `**/${COMPONENT_MARKER}` : `${componentsDir}/**/${COMPONENT_MARKER}`;
  const specFiles = (await globAsync(tree, [pattern])).sort();
  const updated: string[] = [];
  const broken: string[] = [];
  for (const specFile of specFiles) {
    const componentRoot = posix.dirname(specFile);
    const outcome = syncComponentReadme(tree, componentRoot);
    if (outcome === 'updated') updated.push(posix.join(componentRoot, README_FILE));
    else if (typeof outcome === 'object') broken.push(`${posix.join(componentRoot, README_FILE)}: ${outcome.broken}`);
  }
  return { updated, broken };
}

/**
 * One component's README, as syncComponentReadmes treats each: the
 * component generator calls it on the files it has just written, so a new
 * component's README is in sync from the start.
 */
export function syncComponentReadme(tree: Tree, componentRoot: string): ReadmeSyncOutcome {
  const readmeFile = posix.join(componentRoot, README_FILE);
  const specFile = posix.join(componentRoot, COMPONENT_MARKER);
  const readme = tree.read(readmeFile, 'utf-8');
  const specText = tree.read(specFile, 'utf-8');
  if (readme === null || specText === null) return 'skipped';
  const { spec, problems } = parseComponentSpec(specText, specFile);
  if (!spec || problems.length > 0) return 'skipped';
  const replacement = replaceInterfaceBlock(readme, interfaceBlock(interfaceTable(spec)));
  if (replacement.status === 'broken') return { broken: replacement.problem };
  if (replacement.status === 'unmarked') return 'skipped';
  if (replacement.text === readme) return 'unchanged';
  tree.write(readmeFile, replacement.text);
  return 'updated';
}
