import { existsSync } from 'node:fs';
import { join } from 'node:path';
// Not from @nx/devkit: graph inference runs in Nx's plugin worker, which has these modules loaded
// already, while @nx/devkit's index loads ~100 ms more of Nx (tools/bench/README.md, graph inference).
import { hashObject } from 'nx/src/devkit-internals';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { readJsonFile, writeJsonFile } from 'nx/src/utils/fileutils';

/**
 * What the plugin worked out from files on earlier graph builds, by a key
 * that hashes those files, kept in .nx/workspace-data as @nx/jest keeps its
 * targets. Only the entries this build used are written back (so the file
 * does not grow with every edit), and only when that changes the file.
 * NX_CACHE_PROJECT_GRAPH=false turns it off, as it does Nx's own graph cache;
 * `nx reset` removes it with the rest of workspace-data.
 */
export class GraphCache<T> {
  private readonly previous: Record<string, T>;
  private readonly used: Record<string, T> = {};
  private changed = false;
  /** How many values this build computed rather than found (for tests and diagnosis). */
  computed = 0;

  constructor(private readonly path: string) {
    this.previous = readCacheFile<T>(path);
  }

  /** The value cached under `key`, else `compute()`'s (kept). An undefined key is never cached. */
  get(key: string | undefined, compute: () => T): T {
    if (key === undefined) {
      this.computed++;
      return compute();
    }
    if (key in this.used) return this.used[key];
    let value: T;
    if (key in this.previous) {
      value = this.previous[key];
    } else {
      value = compute();
      this.computed++;
      this.changed = true;
    }
    this.used[key] = value;
    return value;
  }

  save(): void {
    if (!isCacheOn()) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.previous).length) return;
    try {
      writeJsonFile(this.path, this.used);
    } catch {
      // A read-only workspace still gets its graph; the next build works it out again.
    }
  }
}

/**
 * One file per kind of entry and set of plugin options, so two nx-kubeflow
 * entries in nx.json (or createNodes and createDependencies, which Nx may run
 * at once) never write the same file.
 */
export function graphCachePath(workspaceRoot: string, kind: string, options: unknown): string {
  return join(workspaceDataDirectoryForWorkspace(workspaceRoot), `nx-kubeflow-${kind}-${hashObject(options ?? {})}.hash`);
}

function isCacheOn(): boolean {
  return process.env.NX_CACHE_PROJECT_GRAPH !== 'false';
}

function readCacheFile<T>(path: string): Record<string, T> {
  if (!isCacheOn() || !existsSync(path)) return {};
  try {
    const cached = readJsonFile(path);
    return cached !== null && typeof cached === 'object' && !Array.isArray(cached) ? cached : {};
  } catch {
    return {};
  }
}
