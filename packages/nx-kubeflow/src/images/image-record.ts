/**
 * dist/components/<name>/image.json: what the last successful docker-build
 * made, for the compiler and deploy. Written by rename from a temporary file,
 * so a reader sees a whole record or none. A build removes it as soon as it
 * knows the record describes other sources, and otherwise just before it
 * builds or pushes, so after a failure nothing claims an image for the
 * current sources.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ImageRecord {
  /** What to run: `repository@sha256:...` when pushed (or found in the registry), else `tag`. */
  reference: string;
  /** The content-hash tag. */
  tag: string;
  /** Every reference the image was given (the content-hash tag first). */
  tags: string[];
  /** Manifest digest in the registry, when the image was pushed or found there. */
  digest?: string;
  /** Full sha256 of the staged context, Dockerfile and build args. */
  contentHash: string;
  engine: string;
  /** When the image was built (for a skipped build: when the existing image was). */
  builtAt: string;
  /** True when the image already existed and no build ran. */
  skipped?: boolean;
  /** True when this run (or an earlier one, found in the registry) pushed it. */
  pushed?: boolean;
}

export function imageRecordPath(workspaceRoot: string, projectName: string): string {
  return `${workspaceRoot}/dist/components/${projectName}/image.json`;
}

export function writeImageRecord(file: string, record: ImageRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readImageRecord(file: string): ImageRecord | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ImageRecord;
}

export function removeImageRecord(file: string): void {
  rmSync(file, { force: true });
}
