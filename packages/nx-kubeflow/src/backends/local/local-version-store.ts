import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPathLock } from '../../python/path-lock';
import type { PublishRequest, PublishResult } from '../pipeline-backend';

/**
 * Published pipeline versions on this machine, as KFP keeps them on a server:
 * dist/kfp-local/<pipeline>/versions/<content-hash>/pipeline.yaml plus an
 * index of versions in publish order. A version is named by the IR's content
 * hash, so publishing an unchanged pipeline finds it and writes nothing.
 * Publishing reads versions.json, adds one entry and writes it back: two
 * deploys doing that at once lose one's entry, so it is done holding the
 * pipeline's lock (an inter-process lock, path-lock.ts).
 */
export interface LocalVersionRecord {
  name: string;
  publishedAt: string;
  description?: string;
  tags?: Record<string, string>;
}

export class LocalVersionStore {
  constructor(private readonly root: string) {}

  pipelineDir(pipelineName: string): string {
    return join(this.root, pipelineName);
  }

  versionFile(pipelineName: string, versionName: string): string {
    return join(this.pipelineDir(pipelineName), 'versions', versionName, 'pipeline.yaml');
  }

  versions(pipelineName: string): LocalVersionRecord[] {
    const index = join(this.pipelineDir(pipelineName), 'versions.json');
    return existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as LocalVersionRecord[]) : [];
  }

  /** Whether publish would add a version, without writing anything. */
  wouldPublish(request: PublishRequest): PublishResult {
    const versionName = request.contentHash.slice(0, 12);
    const file = this.versionFile(request.pipelineName, versionName);
    const exists = existsSync(file) && this.versions(request.pipelineName).some((version) => version.name === versionName);
    return { pipelineId: request.pipelineName, versionId: versionName, versionName, created: !exists, location: file, dryRun: true };
  }

  publish(request: PublishRequest, now = new Date()): Promise<PublishResult> {
    return withPathLock(join(this.pipelineDir(request.pipelineName), 'versions.json'), async () => this.publishLocked(request, now));
  }

  private publishLocked(request: PublishRequest, now: Date): PublishResult {
    const versionName = request.contentHash.slice(0, 12);
    const file = this.versionFile(request.pipelineName, versionName);
    const result = (created: boolean): PublishResult => ({
      pipelineId: request.pipelineName,
      versionId: versionName,
      versionName,
      created,
      location: file,
    });
    const versions = this.versions(request.pipelineName);
    if (existsSync(file) && versions.some((version) => version.name === versionName)) return result(false);

    mkdirSync(join(file, '..'), { recursive: true });
    writeAtomically(file, request.irYaml);
    const record: LocalVersionRecord = {
      name: versionName,
      publishedAt: now.toISOString(),
      ...(request.description ? { description: request.description } : {}),
      ...(request.tags ? { tags: request.tags } : {}),
    };
    writeAtomically(
      join(this.pipelineDir(request.pipelineName), 'versions.json'),
      JSON.stringify([...versions.filter((version) => version.name !== versionName), record], null, 2) + '\n',
    );
    return result(true);
  }
}

/** Temp file (named for this write alone) then rename: a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
