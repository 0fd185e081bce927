import type { Tree } from '@nx/devkit';
import { ensureGitignoreEntries } from '../../component/lib/gitignore';

/**
 * What a workspace with nx-kubeflow keeps out of git: Node and Nx output, the
 * per-project venvs and Python's by-products, and the settings and secrets
 * that stay on the machine they were written on.
 */
export const WORKSPACE_GITIGNORE_ENTRIES = [
  'node_modules/',
  'dist/',
  '.nx/cache',
  '.nx/workspace-data',
  '.venv/',
  '__pycache__/',
  '*.egg-info/',
  '.pytest_cache/',
  '.ruff_cache/',
  'settings.local.toml',
  '.secrets.*',
];

export function addWorkspaceGitignoreEntries(tree: Tree): void {
  ensureGitignoreEntries(tree, WORKSPACE_GITIGNORE_ENTRIES);
}
