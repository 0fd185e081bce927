import { readNxJson, type Tree } from '@nx/devkit';
import type { SyncGeneratorResult } from 'nx/src/utils/sync-generators';
import { syncComponentReadmes } from '../../component-readme/sync-component-readmes';
import { pluginOptionsFromNxJson } from '../../plugin/plugin-options';

/**
 * `nx sync` / `nx sync:check` (and any task run outside CI) call this with
 * the workspace tree: it rewrites the interface block of every component
 * README that is stale and tells Nx what it changed. Broken markers are an
 * error naming every such README, so nothing is half-synced.
 */
export default async function componentReadmeGenerator(tree: Tree): Promise<SyncGeneratorResult> {
  const { componentsDir } = pluginOptionsFromNxJson(readNxJson(tree));
  const { updated, broken } = await syncComponentReadmes(tree, componentsDir);
  if (broken.length > 0) {
    throw new Error(
      `nx-kubeflow:component-readme cannot sync ${broken.length === 1 ? 'a component README' : `${broken.length} component READMEs`}:\n` +
        broken.map((line) => `  ${line}`).join('\n'),
    );
  }
  if (updated.length === 0) return;
  return {
    outOfSyncMessage:
      (updated.length === 1
        ? 'A component README has an interface table that does not match its component.yaml'
        : `${updated.length} component READMEs have interface tables that do not match their component.yaml`) +
      '. `nx sync` rewrites them from component.yaml.',
    outOfSyncDetails: updated,
  };
}
