import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every path under `root`, relative, with `/` separators; symlinks are listed, not followed. */
export function listTree(root: string): string[] {
  const paths: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      paths.push(relative);
      if (entry.isDirectory()) walk(join(dir, entry.name), relative);
    }
  };
  walk(root, '');
  return paths;
}
