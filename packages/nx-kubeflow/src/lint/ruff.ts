import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatTail, runProcess } from '../process/run-process';
import { withPathLock } from '../python/path-lock';

/**
 * The ruff the lint target installs into each project's venv, unless the
 * target's ruffVersion option names another. Pinned, so that a lint result
 * is the same on every machine and in CI, and a cached result stays right:
 * a new ruff adds rules and changes formatting.
 */
export const RUFF_VERSION = '0.17.6';

export class RuffInstallError extends Error {}

/** A version pip takes as `ruff==<version>` and nothing else (no options, no URLs). */
const VERSION_PATTERN = /^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?(\.dev\d+)?$/i;

export function ruffExecutable(venvPython: string): string {
  return join(dirname(venvPython), process.platform === 'win32' ? 'ruff.exe' : 'ruff');
}

export interface EnsureRuffOptions {
  /** The venv's python. */
  python: string;
  /** The venv folder, locked while pip installs into it. */
  venvDir: string;
  version: string;
  /** Extra arguments for pip install, e.g. ["--index-url", url]. */
  pipArgs?: string[];
  log?: (message: string) => void;
  verbose?: boolean;
}

/**
 * Makes the venv's ruff the given version: asks the installed one (a few
 * milliseconds) and runs pip only when it is missing or another version.
 * Under the venv's lock, as the test target installs under it, so a test and
 * a lint of one project running at once never run pip in one venv together.
 * Returns the ruff executable.
 */
export async function ensureRuff(options: EnsureRuffOptions): Promise<string> {
  if (!VERSION_PATTERN.test(options.version)) {
    throw new RuffInstallError(`ruffVersion "${options.version}" is not a version (e.g. ${RUFF_VERSION}).`);
  }
  const ruff = ruffExecutable(options.python);
  if (await installedRuffVersion(ruff) === options.version) return ruff;
  return withPathLock(options.venvDir, async () => {
    if (await installedRuffVersion(ruff) === options.version) return ruff;
    options.log?.(`Installing ruff ${options.version} into ${options.venvDir}`);
    const installed = await runProcess(
      options.python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...(options.pipArgs ?? []), `ruff==${options.version}`],
      { stream: options.verbose, tailLines: 40 },
    );
    if (installed.exitCode !== 0) {
      throw new RuffInstallError(
        `pip could not install ruff ${options.version} into ${options.venvDir} (exit ${installed.exitCode}). ` +
          `Check the package index (PIP_INDEX_URL or the indexUrl option) and the ruffVersion option. pip's last lines:\n${formatTail(installed)}`,
      );
    }
    const version = await installedRuffVersion(ruff);
    if (version !== options.version) {
      throw new RuffInstallError(`pip installed ruff into ${options.venvDir}, but ${ruff} reports ${version ?? 'no version'}, not ${options.version}.`);
    }
    return ruff;
  });
}

/** "0.17.6" from `ruff --version` ("ruff 0.17.6"), or undefined when there is no working ruff. */
async function installedRuffVersion(ruff: string): Promise<string | undefined> {
  if (!existsSync(ruff)) return undefined;
  try {
    const result = await runProcess(ruff, ['--version'], { tailLines: 2 });
    return result.exitCode === 0 ? /^ruff (\S+)/.exec(result.tail.join('\n').trim())?.[1] : undefined;
  } catch {
    return undefined;
  }
}
