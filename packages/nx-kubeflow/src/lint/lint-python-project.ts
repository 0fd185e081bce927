/**
 * `nx run <project>:lint` without Nx: the project's venv (the one its test
 * target uses), a pinned ruff in it, then `ruff check` and
 * `ruff format --check` over the project folder. Both always run, so one
 * pass reports every problem.
 */
import { relative, resolve } from 'node:path';
import { colourWanted, withColour } from '../process/child-colour';
import { runProcess, type ProcessResult } from '../process/run-process';
import { prepareProjectVenv, type VenvOptions } from '../python/project-venv';
import { ensureRuff } from './ruff';

export interface LintPythonProjectOptions extends VenvOptions {
  workspaceRoot: string;
  projectRoot: string;
  projectName: string;
  ruffVersion: string;
  verbose: boolean;
  log: (message: string) => void;
  environ?: NodeJS.ProcessEnv;
}

export interface LintCheckResult {
  /** "ruff check" or "ruff format --check". */
  command: string;
  exitCode: number | null;
}

export interface LintPythonProjectResult {
  success: boolean;
  checks: LintCheckResult[];
  /** What went wrong and how to fix it, one line each; empty on success. */
  problems: string[];
}

/** ruff's exit codes: 0 clean, 1 findings (or files to reformat), 2 ruff itself failed (bad configuration or arguments). */
const RUFF_FINDINGS = 1;

export async function lintPythonProject(options: LintPythonProjectOptions): Promise<LintPythonProjectResult> {
  // Made already by the venv target this one depends on (then this logs nothing): taken as that
  // target made it, so the three share one venv and never reinstall it in turn.
  const venv = await prepareProjectVenv({
    acceptInstalledOptions: true,
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.projectRoot,
    python: options.python,
    extras: options.extras,
    indexUrl: options.indexUrl,
    verbose: options.verbose,
    log: options.log,
    environ: options.environ,
  });
  const pipArgs = options.indexUrl ? ['--index-url', options.indexUrl] : [];
  const ruff = await ensureRuff({
    python: venv.python,
    venvDir: venv.dir,
    version: options.ruffVersion,
    pipArgs,
    log: options.log,
    verbose: options.verbose,
  });

  const cwd = resolve(options.workspaceRoot, options.projectRoot);
  const environ = options.environ ?? process.env;
  // Colour only where it is wanted: Nx sets FORCE_COLOR for every task, and ruff would colour
  // CI logs and Nx's cached output. --no-cache: ruff would write .ruff_cache into the project,
  // which is an input of this target.
  const env = withColour(environ, colourWanted(environ));
  const run = (args: string[]): Promise<ProcessResult> => runProcess(ruff, [...args, '--no-cache', '.'], { cwd, env, stream: true });
  const checks: LintCheckResult[] = [
    { command: 'ruff check', exitCode: (await run(['check'])).exitCode },
    { command: 'ruff format --check', exitCode: (await run(['format', '--check'])).exitCode },
  ];

  const ruffPath = relative(options.workspaceRoot, ruff);
  const fixes: Record<string, string> = {
    'ruff check': `fix what ruff can with \`${ruffPath} check --fix ${options.projectRoot}\``,
    'ruff format --check': `format with \`${ruffPath} format ${options.projectRoot}\``,
  };
  const problems = checks
    .filter((check) => check.exitCode !== 0)
    .map((check) =>
      check.exitCode === RUFF_FINDINGS
        ? `${check.command} found problems in ${options.projectRoot} (listed above); ${fixes[check.command]}`
        : `${check.command} could not run in ${options.projectRoot} (exit ${check.exitCode}): see ruff's message above (a ruff.toml or [tool.ruff] it cannot read?)`,
    );
  return { success: problems.length === 0, checks, problems };
}
