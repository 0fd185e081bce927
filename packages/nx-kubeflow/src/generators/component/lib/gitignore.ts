import type { Tree } from '@nx/devkit';

/** What must never reach git: personal settings, secrets, venvs and build output. */
export const REQUIRED_GITIGNORE_ENTRIES = ['settings.local.toml', '.secrets.*', '.venv/', 'dist/'];

/** Adds whichever of the required entries the workspace .gitignore lacks. */
export function ensureGitignoreEntries(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const lines = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = REQUIRED_GITIGNORE_ENTRIES.filter(
    (entry) => !lines.has(entry) && !lines.has(entry.replace(/\/$/, '')) && !lines.has(`/${entry}`),
  );
  if (!missing.length) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}# nx-kubeflow: keep out of git\n${missing.join('\n')}\n`);
}
