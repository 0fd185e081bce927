/* No imports beyond node's: the commands' loader (src/commands) reads this before anything else is loaded. */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * Nx's workspace data folder, found as nx/src/utils/cache-directory finds it
 * (workspaceDataDirectoryForWorkspace). Not imported from there: that module
 * loads Nx's native binding, 40 ms of the test command's start-up in a
 * process that has no other use for Nx (the commands, src/commands).
 * python-cli.spec.ts holds the two equal.
 */
export function workspaceDataDirectory(workspaceRoot: string, environ: NodeJS.ProcessEnv = process.env): string {
  const configured = environ.NX_WORKSPACE_DATA_DIRECTORY ?? environ.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (configured) return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
  // Nx's own special case: a Lerna repository without nx.json keeps it under node_modules/.cache.
  if (existsSync(join(workspaceRoot, 'lerna.json')) && !existsSync(join(workspaceRoot, 'nx.json'))) {
    return join(workspaceRoot, 'node_modules', '.cache', 'nx-workspace-data');
  }
  return join(workspaceRoot, '.nx', 'workspace-data');
}
