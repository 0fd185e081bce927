import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { colourWanted, withColour } from '../process/child-colour';
import { formatTail, runProcess } from '../process/run-process';
import { PythonInterpreter } from './interpreter';
import { localDependencyClosure } from './pyproject';
import { withPathLock } from './path-lock';
import { VENV_FRESH_STAMP } from './venv-fresh-shell';

/** Written inside the venv after a successful install; its hash says what was installed. */
export const INSTALL_STAMP = 'nx-kubeflow-install.json';

export interface ProjectVenv {
  /** Absolute path of the venv folder. */
  dir: string;
  python: string;
  /** True when this call created the venv or (re)installed into it. */
  installed: boolean;
  /** The project's local path dependencies, workspace-relative, dependencies first. */
  localDependencies: string[];
}

export interface EnsureVenvOptions {
  workspaceRoot: string;
  /** Workspace-relative project root. */
  projectRoot: string;
  interpreter: PythonInterpreter;
  /** Extras to install with the project, e.g. ["test"]. */
  extras?: string[];
  /** Extra arguments for pip install, e.g. ["--index-url", url]. */
  pipArgs?: string[];
  log?: (message: string) => void;
  /** Show pip's output as it arrives. */
  verbose?: boolean;
  /** The environment pip runs in (its index settings, proxies); default: this process's. */
  environ?: NodeJS.ProcessEnv;
  /**
   * Take a venv made from the same pyproject.toml files as it is, whatever
   * interpreter, extras and pip arguments made it: for a step that needs a
   * venv but does not own its options (the test target after the venv target,
   * lint), so that the two never reinstall in turn.
   */
  acceptInstalledOptions?: boolean;
}

export class VenvInstallError extends Error {}

/** pip's lines that say what it is doing: one per package it resolves, then the install itself. */
const PIP_PROGRESS = /^\s*(Collecting|Obtaining|Building wheels? for|Installing collected packages|Successfully installed)\b/;

export function venvDir(workspaceRoot: string, projectRoot: string): string {
  return resolve(workspaceRoot, projectRoot, '.venv');
}

export function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/**
 * What decides whether a venv needs reinstalling: the interpreter, the pip
 * arguments, and the pyproject.toml of the project and of every local path
 * dependency (editable installs pick up source changes by themselves).
 */
export function installFingerprint(options: EnsureVenvOptions, localDependencies: string[]): string {
  const hash = createHash('sha256');
  hash.update(`${options.interpreter.executable}\0${options.interpreter.version}\0`);
  hash.update(JSON.stringify({ extras: options.extras ?? [], pipArgs: options.pipArgs ?? [] }));
  hash.update(sourcesFingerprint(options, localDependencies));
  return hash.digest('hex');
}

/** The part of the fingerprint that is the project's: the pyproject.toml of the project and of every local path dependency. */
function sourcesFingerprint(options: Pick<EnsureVenvOptions, 'workspaceRoot' | 'projectRoot'>, localDependencies: string[]): string {
  const hash = createHash('sha256');
  for (const root of [options.projectRoot, ...localDependencies]) {
    hash.update(`\0${root}\0`);
    hash.update(readFileSync(resolve(options.workspaceRoot, root, 'pyproject.toml')));
  }
  return hash.digest('hex');
}

/**
 * Keeps one venv per project in <project>/.venv: created once, and
 * reinstalled only when the install fingerprint changes. The project and its
 * local path dependencies are installed editable in one pip call, so pip
 * resolves them together and picks the local copies over any index.
 */
export async function ensureProjectVenv(options: EnsureVenvOptions): Promise<ProjectVenv> {
  const dir = venvDir(options.workspaceRoot, options.projectRoot);
  return withPathLock(dir, () => ensureProjectVenvLocked(options, dir));
}

async function ensureProjectVenvLocked(options: EnsureVenvOptions, dir: string): Promise<ProjectVenv> {
  const log = options.log ?? (() => undefined);
  const python = venvPython(dir);
  const stampFile = join(dir, INSTALL_STAMP);
  const localDependencies = localDependencyClosure(options.workspaceRoot, options.projectRoot);
  const fingerprint = installFingerprint(options, localDependencies);
  const sources = sourcesFingerprint(options, localDependencies);

  const stamp = existsSync(stampFile) ? safeReadJson(stampFile) : undefined;
  if (existsSync(python) && (stamp?.fingerprint === fingerprint || (options.acceptInstalledOptions && stamp?.sources === sources))) {
    return { dir, python, installed: false, localDependencies };
  }

  // Before anything in the venv changes: the venv target's shell fast path must not answer from a stamp of what was there.
  rmSync(join(dir, VENV_FRESH_STAMP), { force: true });

  // pip's output is read line by line (progress) and quoted in errors, unless shown as it comes: colour only then, on a terminal.
  const environ = options.environ ?? process.env;
  const pipEnv = withColour(environ, Boolean(options.verbose) && colourWanted(environ));

  if (!existsSync(python) || stamp?.interpreter !== options.interpreter.executable) {
    rmSync(dir, { recursive: true, force: true });
    log(`Creating venv ${relativeToWorkspace(options, dir)} with Python ${options.interpreter.version}`);
    const created = await runProcess(options.interpreter.command, ['-m', 'venv', dir], { stream: options.verbose, env: pipEnv });
    if (created.exitCode !== 0) {
      throw new VenvInstallError(
        `Could not create the venv ${dir} with ${options.interpreter.executable}. ` +
          `On Debian/Ubuntu install python3-venv. Last lines:\n${formatTail(created)}`,
      );
    }
  } else {
    rmSync(stampFile, { force: true });
  }

  const extras = options.extras?.length ? `[${options.extras.join(',')}]` : '';
  const installArgs = [
    '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input',
    // setuptools' default editable install puts an import hook in a .pth file, which every start of
    // the venv's Python imports (pathlib, importlib.util, urllib.parse: ~10 ms CPU per task process,
    // tools/bench/README.md, task start-up); compat mode writes a plain path entry instead. Other
    // build backends (flit_core for component-runtime) ignore the setting.
    '--config-settings', 'editable_mode=compat',
    ...(options.pipArgs ?? []),
    ...localDependencies.flatMap((root) => ['-e', resolve(options.workspaceRoot, root)]),
    '-e', `${resolve(options.workspaceRoot, options.projectRoot)}${extras}`,
  ];
  log(
    `Installing ${options.projectRoot}${extras}` +
      (localDependencies.length ? ` with ${localDependencies.join(', ')}` : '') +
      ' into its venv',
  );
  // An editable install builds in the dependency's own folder (setuptools writes its
  // egg-info there), so two venvs must not install the same local package at once.
  const dependencyRoots = localDependencies.map((root) => resolve(options.workspaceRoot, root)).sort();
  // pip is quiet for long stretches while it downloads and builds: its own progress lines say it is working.
  const started = Date.now();
  const progress = options.verbose ? undefined : (line: string) => {
    if (PIP_PROGRESS.test(line)) log(`  pip: ${line.trim()}`);
  };
  const install = () => runProcess(python, installArgs, { stream: options.verbose, tailLines: 40, onLine: progress, env: pipEnv });
  const installed = await dependencyRoots.reduceRight<() => Promise<Awaited<ReturnType<typeof install>>>>(
    (inner, root) => () => withPathLock(root, inner),
    install,
  )();
  if (installed.exitCode !== 0) {
    throw new VenvInstallError(
      `pip install failed for ${options.projectRoot} (exit ${installed.exitCode}). ` +
        `Check the dependencies in its pyproject.toml and the package index (PIP_INDEX_URL). pip's last lines:\n` +
        formatTail(installed),
    );
  }
  log(`Installed ${options.projectRoot}${extras} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  writeFileSync(
    stampFile,
    JSON.stringify({ fingerprint, sources, interpreter: options.interpreter.executable, localDependencies }, null, 2) + '\n',
  );
  return { dir, python, installed: true, localDependencies };
}

function safeReadJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function relativeToWorkspace(options: EnsureVenvOptions, dir: string): string {
  return dir.startsWith(options.workspaceRoot) ? dir.slice(options.workspaceRoot.length + 1) : dir;
}
