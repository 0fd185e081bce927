import { spawnSync } from 'node:child_process';

/**
 * Removes every image a suite built under its own repository path (for
 * example `127.0.0.1:5000/e2e-<id>/`), from docker and from buildah's store.
 *
 * Why: the test engines store images with the vfs driver (no overlay in CI's
 * containers), which keeps a whole copy of the file system per layer, about
 * 2.5 GB per component image here. A full CI run builds a dozen of them, and a
 * machine's free disk has been seen as low as a few hundred MB: a run that
 * leaves its images behind can fill it (ENOSPC halfway through the suites).
 * Only tags under `repositoryPrefix` are removed, so a suite running beside
 * this one (Nx runs the unit and e2e suites in parallel) never loses an image
 * it is using. Best effort: an engine that is missing or refuses is skipped.
 */
export function removeImagesUnder(repositoryPrefix: string): string[] {
  // a registry host and a path of the suite's own, ending in "/": never the whole registry
  if (!/^[^/]+\/[^/]+\/$/.test(repositoryPrefix)) throw new Error(`removeImagesUnder: "${repositoryPrefix}" is not a repository path of its own`);
  const removed: string[] = [];
  for (const engine of imageListings()) {
    const listing = spawnSync(engine.command, [...engine.global, ...engine.list], { encoding: 'utf8' });
    if (listing.status !== 0) continue;
    const references = listing.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((reference) => reference.startsWith(repositoryPrefix));
    for (const reference of new Set(references)) {
      if (spawnSync(engine.command, [...engine.global, 'rmi', '-f', reference], { stdio: 'ignore' }).status === 0) removed.push(`${engine.command} ${reference}`);
    }
  }
  return removed;
}

function imageListings() {
  // buildah 1.28 reads its store's driver from the flag, not from STORAGE_DRIVER (CI sets vfs)
  const buildahStorage = process.env.STORAGE_DRIVER ? ['--storage-driver', process.env.STORAGE_DRIVER] : [];
  return [
    { command: 'docker', global: [] as string[], list: ['images', '--format', '{{.Repository}}:{{.Tag}}'] },
    { command: 'buildah', global: buildahStorage, list: ['images', '--format', '{{.Name}}:{{.Tag}}'] },
  ];
}
