/**
 * OCI labels of a built image (https://github.com/opencontainers/image-spec/blob/main/annotations.md).
 * They are not part of the content hash: an image built from the same
 * sources keeps the labels of the build that made it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

export const CONTENT_HASH_LABEL = 'io.nx-kubeflow.content-hash';

export interface GitFacts {
  /** Remote URL of `origin` (else the first remote), with any credentials removed. */
  remoteUrl?: string;
  /** HEAD's commit, with `-dirty` when the staged folders have uncommitted or untracked changes. */
  revision?: string;
}

export function imageLabels(options: {
  name: string;
  version?: string;
  contentHash: string;
  git: GitFacts;
  created?: Date;
}): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': options.name,
    'org.opencontainers.image.created': (options.created ?? new Date()).toISOString(),
    [CONTENT_HASH_LABEL]: options.contentHash,
  };
  if (options.version) labels['org.opencontainers.image.version'] = options.version;
  // No remote: no source label. A path on the build machine means nothing to whoever pulls the image.
  if (options.git.remoteUrl) labels['org.opencontainers.image.source'] = options.git.remoteUrl;
  if (options.git.revision) labels['org.opencontainers.image.revision'] = options.git.revision;
  return labels;
}

/** What git says about the workspace; nothing when it is not a git checkout. */
export function gitFacts(workspaceRoot: string, stagedRoots: readonly string[]): GitFacts {
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const remotes = git('remote')?.split('\n').filter(Boolean) ?? [];
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  const remoteUrl = remote ? git('remote', 'get-url', remote) : undefined;
  const head = git('rev-parse', '--verify', '-q', 'HEAD');
  const changes = head ? git('status', '--porcelain', '--', ...stagedRoots) : undefined;
  return {
    remoteUrl: remoteUrl ? withoutCredentials(remoteUrl) : undefined,
    revision: head ? `${head}${changes ? '-dirty' : ''}` : undefined,
  };
}

/** `https://user:token@host/x.git` -> `https://host/x.git`; scp-like `git@host:x.git` stays. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** `[project] version` of the component's pyproject.toml, when it has one. */
export function pyprojectVersion(workspaceRoot: string, projectRoot: string): string | undefined {
  try {
    const data = parse(readFileSync(join(workspaceRoot, projectRoot, 'pyproject.toml'), 'utf8')) as Record<string, any>;
    const version = data.project?.version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
