import type { Tree } from '@nx/devkit';

/** What must never reach git: personal settings, secrets, venvs and build output. */
export const REQUIRED_GITIGNORE_ENTRIES = ['settings.local.toml', '.secrets.*', '.venv/', 'dist/'];

/**
 * Adds whichever of `entries` the workspace .gitignore does not already
 * cover, under one heading. A line covers an entry when it is the same
 * pattern give or take a leading or trailing slash (`/dist`, `dist`, `dist/`),
 * or ignores a folder the entry lies in (`.nx/` covers `.nx/cache`).
 */
export function ensureGitignoreEntries(tree: Tree, entries: readonly string[] = REQUIRED_GITIGNORE_ENTRIES): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const patterns = current
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .map(barePattern);
  const missing = entries.filter((entry) => {
    const wanted = barePattern(entry);
    return !patterns.some((pattern) => pattern === wanted || wanted.startsWith(`${pattern}/`));
  });
  if (!missing.length) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  const blankLine = current.trim() === '' ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}${blankLine}# nx-kubeflow: keep out of git\n${missing.join('\n')}\n`);
}

function barePattern(line: string): string {
  return line.replace(/^\//, '').replace(/\/+$/, '');
}
