import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_FILES_GLOB } from '../project-kinds';

/**
 * What Nx hands createNodes: every file of the workspace (here: every file
 * under `workspaceRoot` but .nx) that the plugin's glob matches, as
 * `/`-separated workspace-relative paths. For specs: createNodes takes which
 * files exist from this list, so a spec must pass what Nx would.
 */
export function filesMatchingTheGlob(workspaceRoot: string): string[] {
  const { minimatch } = jest.requireActual('minimatch') as typeof import('minimatch');
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.nx' && entry.name !== 'node_modules') walk(path);
      } else {
        files.push(relative(workspaceRoot, path).split('\\').join('/'));
      }
    }
  };
  walk(workspaceRoot);
  return files.filter((file) => minimatch(file, PROJECT_FILES_GLOB)).sort();
}
