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
    const readmeFile = posix.join(posix.dirname(specFile), README_FILE);
    const readme = tree.read(readmeFile, 'utf-8');
    if (readme === null) continue;
    const specText = tree.read(specFile, 'utf-8');
    if (specText === null) continue;
    const { spec, problems } = parseComponentSpec(specText, specFile);
    if (!spec || problems.length > 0) continue;
    const replacement = replaceInterfaceBlock(readme, interfaceBlock(interfaceTable(spec)));
    if (replacement.status === 'broken') broken.push(`${readmeFile}: ${replacement.problem}`);
    if (replacement.status !== 'replaced' || replacement.text === readme) continue;
    tree.write(readmeFile, replacement.text);
    updated.push(readmeFile);
  }
  return { updated, broken };
}
