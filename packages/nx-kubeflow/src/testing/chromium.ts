import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The browser the run view's specs drive with playwright-core: NX_KUBEFLOW_CHROMIUM
 * when set, else Debian's chromium on PATH (playwright never downloads one here).
 */
export function findChromium(): string | undefined {
  const given = process.env['NX_KUBEFLOW_CHROMIUM'];
  if (given) return existsSync(given) ? given : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Why a browser spec cannot run, for requireOrSkip's 'browser' requirement; undefined when it can. */
export function chromiumMissing(chromium: string | undefined): string | undefined {
  return chromium ? undefined : 'no chromium on PATH (apt-get install chromium) and NX_KUBEFLOW_CHROMIUM unset';
}
