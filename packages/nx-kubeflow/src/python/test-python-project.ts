import { join } from 'node:path';
import { findPythonInterpreter } from './interpreter';
import { readPyproject } from './pyproject';
import { PYTEST_EXIT_MEANING, runPytest } from './pytest';
import { ensureProjectVenv } from './venv';

export interface TestPythonProjectOptions {
  workspaceRoot: string;
  projectRoot: string;
  projectName: string;
  python?: string;
  extras: string[];
  indexUrl?: string;
  settingsEnv: string;
  junitFile: string;
  pytestArgs: string[];
  verbose: boolean;
  log: (message: string) => void;
  environ?: NodeJS.ProcessEnv;
}

export interface TestPythonProjectResult {
  success: boolean;
  /** Why it failed, when it did for a reason other than failing tests. */
  error?: string;
}

/** venv, install, pytest: the whole of the test target, without Nx. */
export async function testPythonProject(options: TestPythonProjectOptions): Promise<TestPythonProjectResult> {
  const interpreter = await findPythonInterpreter(options.python, options.environ);
  const pyproject = readPyproject(options.workspaceRoot, join(options.projectRoot, 'pyproject.toml'));
  const venv = await ensureProjectVenv({
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.projectRoot,
    interpreter,
    extras: options.extras.filter((extra) => pyproject.extras.includes(extra)),
    pipArgs: options.indexUrl ? ['--index-url', options.indexUrl] : [],
    log: options.log,
    verbose: options.verbose,
  });
  const result = await runPytest({
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.projectRoot,
    projectName: options.projectName,
    python: venv.python,
    junitFile: options.junitFile,
    settingsEnv: options.settingsEnv,
    extraArgs: options.pytestArgs,
    environ: options.environ,
  });
  if (result.exitCode === 0) return { success: true };
  const meaning = result.exitCode === null ? 'pytest was killed' : PYTEST_EXIT_MEANING[result.exitCode];
  return { success: false, error: meaning ? `${meaning} (exit ${result.exitCode})` : undefined };
}
