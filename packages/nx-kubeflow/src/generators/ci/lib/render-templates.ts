import { generateFiles } from '@nx/devkit';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsTree } from 'nx/src/generators/tree';

/** A root no scratch tree is ever written to: it is only rendered into and read back. */
const SCRATCH_ROOT = join(tmpdir(), 'nx-kubeflow-ci-templates-never-written');

/**
 * The files a template folder renders to, path -> text, without touching the
 * workspace: each file still needs its ownership marker and a decision on
 * whether it may be written (generated-files.ts), which generateFiles into
 * the real tree could not leave undone.
 */
export function renderTemplates(folder: string, substitutions: Record<string, unknown>): Map<string, string> {
  const scratch = new FsTree(SCRATCH_ROOT, false);
  generateFiles(scratch, folder, '', { ...substitutions, tmpl: '' });
  const rendered = new Map<string, string>();
  for (const change of scratch.listChanges()) {
    if (change.type === 'CREATE' && change.content) rendered.set(change.path, change.content.toString('utf-8'));
  }
  return rendered;
}
