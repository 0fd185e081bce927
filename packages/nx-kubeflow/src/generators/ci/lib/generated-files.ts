import type { Tree } from '@nx/devkit';
import { createHash } from 'node:crypto';

/**
 * Every file this generator writes starts with one comment line holding a
 * hash of the rest. On a second run the hash tells the three cases apart:
 * still as written (rewritten, so new settings reach it), edited by the team
 * (theirs now: left alone and named), or never ours (left alone and named).
 * Nothing is overwritten silently.
 */
const MARKER = /^# Written by `nx g nx-kubeflow:ci` \(sha256:([0-9a-f]{16})\)/;

export type Ownership = 'absent' | 'as-generated' | 'edited' | 'foreign';

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** `body` with its marker line in front. */
export function withOwnershipMarker(body: string): string {
  return `# Written by \`nx g nx-kubeflow:ci\` (sha256:${contentHash(body)}): it updates this file while the hash matches; once edited, the file is yours.\n${body}`;
}

export function ownershipOf(text: string | null): Ownership {
  if (text === null) return 'absent';
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  const marker = MARKER.exec(firstLine);
  if (!marker) return 'foreign';
  return contentHash(newline < 0 ? '' : text.slice(newline + 1)) === marker[1] ? 'as-generated' : 'edited';
}

export type FileAction =
  /** New, or ours and unchanged since: written. */
  | 'write'
  /** Not ours, or edited since: left alone (--overwrite replaces it). */
  | 'keep';

export interface PlannedFile {
  path: string;
  /** The whole file, marker included. */
  content: string;
}

export interface FileDecision extends PlannedFile {
  action: FileAction;
  ownership: Ownership;
}

export function decideFile(tree: Tree, file: PlannedFile, overwrite: boolean): FileDecision {
  const ownership = ownershipOf(tree.exists(file.path) ? tree.read(file.path, 'utf-8') : null);
  const action: FileAction = overwrite || ownership === 'absent' || ownership === 'as-generated' ? 'write' : 'keep';
  return { ...file, action, ownership };
}

/** Why a kept file was kept, for the message that names it. */
export function keptBecause(decision: FileDecision): string {
  return decision.ownership === 'edited'
    ? `${decision.path} was edited since nx-kubeflow:ci wrote it`
    : `${decision.path} exists and was not written by nx-kubeflow:ci`;
}
