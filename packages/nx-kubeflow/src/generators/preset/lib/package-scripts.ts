import { logger, updateJson, type Tree } from '@nx/devkit';

/**
 * `npm test` runs every project's tests through nx. A test script the
 * workspace already has is the team's: it is left as it is, and said so.
 */
export function addTestScript(tree: Tree, testTargetName: string): void {
  if (!tree.exists('package.json')) return;
  const script = `nx run-many -t ${testTargetName}`;
  updateJson(tree, 'package.json', (packageJson) => {
    const current = packageJson.scripts?.test;
    if (current !== undefined && current !== script) {
      logger.warn(`package.json already has a test script ("${current}"); left as it is. \`${script}\` runs every project's tests.`);
      return packageJson;
    }
    packageJson.scripts = { ...(packageJson.scripts ?? {}), test: script };
    return packageJson;
  });
}
