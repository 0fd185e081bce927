import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { colourWanted, withColour } from '../process/child-colour';
import { runProcess } from '../process/run-process';

export interface RunPytestOptions {
  workspaceRoot: string;
  projectRoot: string;
  projectName: string;
  /** The venv's python. */
  python: string;
  /** Where to write the JUnit report, workspace-relative. */
  junitFile: string;
  /** Settings environment the tests run in (ENV_FOR_DYNACONF). */
  settingsEnv: string;
  /** Passed to pytest as they are. */
  extraArgs?: string[];
  environ?: NodeJS.ProcessEnv;
  /** Colour in pytest's output; default: as colourWanted decides for this process's terminal. */
  colour?: boolean;
}

export interface PytestResult {
  exitCode: number | null;
  junitFile: string;
}

/** pytest's exit codes that are not test failures but a problem to report as such. */
export const PYTEST_EXIT_MEANING: Record<number, string> = {
  2: 'pytest was interrupted',
  3: 'pytest hit an internal error',
  4: 'pytest was called with bad arguments',
  5: 'pytest collected no tests',
};

/**
 * Runs pytest from the project folder in the project's venv, with the test
 * settings environment, writing a JUnit report. Output streams as it comes.
 */
export async function runPytest(options: RunPytestOptions): Promise<PytestResult> {
  const junitFile = resolve(options.workspaceRoot, options.junitFile);
  mkdirSync(dirname(junitFile), { recursive: true });
  const args = [
    '-m', 'pytest',
    `--junitxml=${junitFile}`,
    '-o', `junit_suite_name=${options.projectName}`,
    // The cache folder would otherwise land in the project and in Nx's inputs.
    '-p', 'no:cacheprovider',
    ...(options.extraArgs ?? []),
  ];
  const environ = options.environ ?? process.env;
  const result = await runProcess(options.python, args, {
    cwd: resolve(options.workspaceRoot, options.projectRoot),
    // Its output streams through our pipe into Nx's terminal output (cached, replayed, in CI logs): coloured only for a terminal.
    env: withColour(
      { ...environ, ENV_FOR_DYNACONF: options.settingsEnv, PYTHONDONTWRITEBYTECODE: '1' },
      options.colour ?? colourWanted(environ),
    ),
    stream: true,
  });
  return { exitCode: result.exitCode, junitFile };
}
