import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';

/**
 * As Nx's ci-workflow generator does: the CI files go into the sharedGlobals
 * named input, so a change to them re-runs every task in CI rather than
 * trusting results cached under the old workflow. Entries already there are
 * not added twice; nothing else in nx.json changes.
 */
export function addToSharedGlobals(tree: Tree, files: string[]): void {
  const nxJson = readNxJson(tree);
  if (!nxJson) return;
  const inputs = files.map((file) => `{workspaceRoot}/${file}`);
  const namedInputs = nxJson.namedInputs ?? {};
  const sharedGlobals = namedInputs['sharedGlobals'] ?? [];
  const missing = inputs.filter((input) => !sharedGlobals.includes(input));
  const defaultInput = namedInputs['default'];
  const needsDefault = !defaultInput || (Array.isArray(defaultInput) && !defaultInput.includes('sharedGlobals'));
  if (missing.length === 0 && !needsDefault) return;
  namedInputs['sharedGlobals'] = [...sharedGlobals, ...missing];
  if (!defaultInput) namedInputs['default'] = ['{projectRoot}/**/*', 'sharedGlobals'];
  else if (needsDefault) namedInputs['default'] = [...defaultInput, 'sharedGlobals'];
  nxJson.namedInputs = namedInputs;
  updateNxJson(tree, nxJson);
}
