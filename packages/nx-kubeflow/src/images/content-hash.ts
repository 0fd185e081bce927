/**
 * The content hash that names an image: sha256 over everything that decides
 * what the build produces, and nothing that does not.
 *
 * In: each staged file's path, execute bit and bytes (or a symlink's target),
 * the Dockerfile, and the build args sorted by name (BASE_IMAGE among them).
 * Out: labels that change on every build (created, revision), the engine, the
 * registry, and build secrets (an index URL with a token in it must not
 * leak, even as a hash). The base image counts by its reference: pin it by
 * digest in image.base to rebuild when its content moves, or use --force.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { StagedFile } from './staging/stage-context';

export interface ContentHashInput {
  files: readonly StagedFile[];
  dockerfile: string | Buffer;
  buildArgs: Readonly<Record<string, string>>;
}

/** Hex digits of the hash used in the tag: 16 (64 bits) keeps tags short and collisions out of reach. */
export const TAG_HASH_LENGTH = 16;

export function contentHash(input: ContentHashInput): string {
  const hash = createHash('sha256');
  // Each field is length-prefixed, so no two different inputs hash the same stream.
  const field = (value: string | Buffer) => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field('nx-kubeflow image v1');
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    field(file.kind === 'symlink' ? 'symlink' : file.executable ? 'file+x' : 'file');
    field(file.path);
    field(file.kind === 'symlink' ? readlinkSync(file.absolutePath) : readFileSync(file.absolutePath));
  }
  field('dockerfile');
  field(input.dockerfile);
  for (const key of Object.keys(input.buildArgs).sort()) {
    field('arg');
    field(key);
    field(input.buildArgs[key]);
  }
  return hash.digest('hex');
}
