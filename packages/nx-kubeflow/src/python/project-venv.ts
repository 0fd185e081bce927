/**
 * The venv step of a Python project, as its own Nx target (`venv`, never
 * cached) that `test` depends on, the way @nxlv/python's install target
 * works: Nx replays a cached task's terminal output as it was, so venv
 * progress printed inside the cached test target came back on every cache hit
 * ("Creating venv… Installing…" for a venv nobody made). Printed by a target
 * that always runs, every line it prints happened in this run.
 */
import { join } from 'node:path';
import { findPythonInterpreter, type PythonInterpreter } from './interpreter';
import { readPyproject } from './pyproject';
import { ensureProjectVenv, type ProjectVenv } from './venv';
import { workspaceDataDirectory } from '../process/workspace-data-directory';

/** The options that decide what the venv holds: the test target's, which the venv target reads too. */
export interface VenvOptions {
  /** Interpreter to build the venv with; default $PYTHON, else python3. */
  python?: string;
  /** Optional-dependency groups to install; those the project does not define are skipped. */
  extras: string[];
  /** pip --index-url. */
  indexUrl?: string;
}

export const DEFAULT_VENV_EXTRAS = ['test'];

export const VENV_OPTION_NAMES = ['python', 'extras', 'indexUrl'] as const;

export interface PrepareProjectVenvOptions extends VenvOptions {
  workspaceRoot: string;
  /** Workspace-relative project root. */
  projectRoot: string;
  /** Show pip's own output as it comes (else its progress lines). */
  verbose: boolean;
  log: (message: string) => void;
  environ?: NodeJS.ProcessEnv;
  /** Where the interpreter probe's answer is kept between runs; default in Nx's workspace data folder (`nx reset` clears it). */
  interpreterCacheFile?: string;
  /** See EnsureVenvOptions.acceptInstalledOptions. */
  acceptInstalledOptions?: boolean;
}

/** The interpreter probe cache of a workspace (interpreter-cache.ts), in Nx's workspace data folder (`nx reset` clears it). */
export function interpreterCacheFile(workspaceRoot: string, environ: NodeJS.ProcessEnv = process.env): string {
  return join(workspaceDataDirectory(workspaceRoot, environ), 'nx-kubeflow-python-interpreters.json');
}

/**
 * Makes the project's venv, or brings it up to date (a pyproject.toml
 * changed), saying so through `log`; an up-to-date venv logs nothing here
 * (installed: false), so that the cached test target prints no venv line
 * when the venv target made it.
 */
export async function prepareProjectVenv(options: PrepareProjectVenvOptions): Promise<ProjectVenv & { interpreter: PythonInterpreter }> {
  const interpreter = await findPythonInterpreter(options.python, options.environ, {
    cacheFile: options.interpreterCacheFile ?? interpreterCacheFile(options.workspaceRoot, options.environ),
  });
  const pyproject = readPyproject(options.workspaceRoot, join(options.projectRoot, 'pyproject.toml'));
  const venv = await ensureProjectVenv({
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.projectRoot,
    interpreter,
    extras: options.extras.filter((extra) => pyproject.extras.includes(extra)),
    pipArgs: options.indexUrl ? ['--index-url', options.indexUrl] : [],
    log: options.log,
    verbose: options.verbose,
    environ: options.environ,
    acceptInstalledOptions: options.acceptInstalledOptions,
  });
  return { ...venv, interpreter };
}

/**
 * The venv options a venv target uses: its own where it sets them, else those
 * of the project's test target (so the two never disagree and reinstall in
 * turn), else the defaults.
 */
export function venvOptionsFor(own: Partial<VenvOptions>, testTarget: Partial<Record<string, unknown>> | undefined): VenvOptions {
  const pick = <K extends (typeof VENV_OPTION_NAMES)[number]>(name: K): VenvOptions[K] | undefined =>
    (own[name] ?? (testTarget?.[name] as VenvOptions[K] | undefined)) as VenvOptions[K] | undefined;
  const extras = pick('extras') as string[] | string | undefined;
  return {
    python: pick('python'),
    // The inferred test target is a command, whose options are scalars: there, extras are comma-separated.
    extras: typeof extras === 'string' ? extras.split(',').map((extra) => extra.trim()).filter(Boolean) : (extras ?? DEFAULT_VENV_EXTRAS),
    indexUrl: pick('indexUrl'),
  };
}
