import { prepareProjectVenv } from './project-venv';
import { PYTEST_EXIT_MEANING, runPytest } from './pytest';

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
  /** Lines of the venv step, printed only when this call makes or updates the venv (the venv target did not run first). */
  log: (message: string) => void;
  environ?: NodeJS.ProcessEnv;
  acceptInstalledOptions?: boolean;
}

export interface TestPythonProjectResult {
  success: boolean;
  /** Why it failed, when it did for a reason other than failing tests. */
  error?: string;
}

/** venv (normally made already by the venv target), pytest: the whole of the test target, without Nx. */
export async function testPythonProject(options: TestPythonProjectOptions): Promise<TestPythonProjectResult> {
  const venv = await prepareProjectVenv({
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.projectRoot,
    python: options.python,
    extras: options.extras,
    indexUrl: options.indexUrl,
    verbose: options.verbose,
    log: options.log,
    environ: options.environ,
    // the venv target made it with its own options: take it as made (a different extras list would reinstall in turn)
    acceptInstalledOptions: options.acceptInstalledOptions,
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
