/**
 * The inferred `venv` and `test` targets' command:
 *   node <this file> venv <project> <root> [options]
 *   node <this file> test <project> <root> [options] [pytest arguments]
 *
 * Why a command and not the `nx-kubeflow:venv` / `nx-kubeflow:test`
 * executors: Nx runs an `nx:run-commands` target inside its own process, and
 * forks a new Node process that loads Nx and the project graph for every
 * other executor: about 0.5 s of CPU per task, and test (which depends on the
 * never-cached venv target) paid it twice per run, cache hits included
 * (tools/bench/README.md, target overhead). As commands, a run costs one bare
 * Node process per task (no Nx, no @nx/devkit: only what the checks and the
 * venv step import).
 *
 * `venv` does the venv target's work: the settings and component.yaml checks
 * (file:line:column, all at once), then the venv made or brought up to date
 * under a lock. It is never cached, so every line it prints happened in this
 * run, and a cached test replays only pytest (issue 12, stumble 8).
 * `test` runs the checks again (for a test run without its venv task), takes
 * the venv as the venv target made it, and runs pytest; when the venv is not
 * there (--exclude-task-dependencies) it makes it, saying so first.
 * Options come as `--name=value` (Nx passes a target's scalar options so);
 * every other argument of `test` goes to pytest as given
 * (`nx run trainer:test -k settings -x`).
 */
import { join } from 'node:path';
import { settingsFileErrorLines, settingsFilesReadBy } from '../settings/settings-check';
import { localSiblingOf } from '../settings/settings-files';
import { componentFileProblems } from '../kfp/component-file-check';
import { DEFAULT_VENV_EXTRAS, prepareProjectVenv } from './project-venv';
import { workspaceDataDirectory } from '../process/workspace-data-directory';
import { INSTALL_STAMP } from './venv';
import { venvFreshReferenceMs, writeVenvFreshStamp } from './venv-fresh';
import { testPythonProject } from './test-python-project';
import { runCommandMain } from '../process/command-main';

export type PythonCommand = 'venv' | 'test';

export interface PythonCommandOptions {
  command: PythonCommand;
  projectName: string;
  projectRoot: string;
  python?: string;
  extras: string[];
  indexUrl?: string;
  settingsEnv: string;
  junitFile: string;
  showInstallOutput: boolean;
  /** test only. */
  pytestArgs: string[];
}

const VENV_OPTIONS = ['python', 'extras', 'indexUrl', 'showInstallOutput'] as const;
const TEST_OPTIONS = [...VENV_OPTIONS, 'settingsEnv', 'junitFile'] as const;
type OwnOption = (typeof TEST_OPTIONS)[number];

export class PythonCommandUsageError extends Error {}

export const PYTHON_COMMAND_HELP = `Usage: node <nx-kubeflow>/src/commands/python-cli.js venv <project> <project root> [options]
       node <nx-kubeflow>/src/commands/python-cli.js test <project> <project root> [options] [pytest arguments]

venv: checks the project's settings files and component.yaml, then makes its venv
(<project root>/.venv) or brings it up to date when a pyproject.toml changed.
test: runs pytest with ENV_FOR_DYNACONF=testing in that venv (made first if it is missing).
Through Nx:  npx nx run <project>:test [options] [pytest arguments]   e.g. npx nx run trainer:test -k settings -x

Options (as --name=value; in project.json or nx.json targetDefaults, as the target's options):
  --python=<interpreter>     venv: Python to build the venv with. Default: $PYTHON, else python3.
  --extras=<a,b>             venv: optional-dependency groups to install, comma-separated. Default: test.
  --indexUrl=<url>           venv: package index (pip --index-url). Default: pip's own configuration.
  --showInstallOutput        venv: show pip's own output while it installs.
  --settingsEnv=<env>        test: settings environment of the tests (ENV_FOR_DYNACONF). Default: testing.
  --junitFile=<path>         test: JUnit report, workspace-relative. Default: dist/test-results/<project>/junit.xml.
The venv options belong to the venv target; test takes the venv as the venv target made it and uses
them only when it has to make the venv itself. Every other argument of test is pytest's, passed as
given; so is everything after --.`;

/** Reads the command line (after `node <file>`); throws PythonCommandUsageError on a wrong one. */
export function parsePythonCommand(argv: readonly string[]): PythonCommandOptions | 'help' {
  // `nx show project` lists `<command> --help` as the targets' help
  if (argv[0] === '--help' || argv[0] === '-h' || argv[1] === '--help') return 'help';
  const [command, projectName, projectRoot, ...rest] = argv;
  if (command !== 'venv' && command !== 'test') {
    throw new PythonCommandUsageError(`expected venv or test first, got: ${command ?? '(nothing)'}\n\n${PYTHON_COMMAND_HELP}`);
  }
  if (!projectName || !projectRoot || projectName.startsWith('-') || projectRoot.startsWith('-')) {
    throw new PythonCommandUsageError(`expected ${command} <project> <project root>, got: ${argv.slice(0, 3).join(' ')}\n\n${PYTHON_COMMAND_HELP}`);
  }
  const known: readonly string[] = command === 'venv' ? VENV_OPTIONS : TEST_OPTIONS;
  const own: Partial<Record<OwnOption, string>> = {};
  const pytestArgs: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    if (arg === '--') {
      pytestArgs.push(...rest.slice(index + 1));
      break;
    }
    const match = /^--([A-Za-z]+)(?:=([\s\S]*))?$/.exec(arg);
    const name = match?.[1] as OwnOption | undefined;
    if (match && name && known.includes(name)) {
      if (name === 'showInstallOutput') own[name] = match[2] ?? 'true';
      else if (match[2] !== undefined) own[name] = match[2];
      else if (index + 1 < rest.length) own[name] = rest[++index];
      else throw new PythonCommandUsageError(`--${name} needs a value (--${name}=<value>)`);
      continue;
    }
    pytestArgs.push(arg);
  }
  if (command === 'venv' && pytestArgs.length > 0) {
    throw new PythonCommandUsageError(`venv takes no arguments besides --${VENV_OPTIONS.join(', --')}; got: ${pytestArgs.join(' ')}`);
  }
  return {
    command,
    projectName,
    projectRoot,
    python: own.python || undefined,
    extras: own.extras === undefined ? [...DEFAULT_VENV_EXTRAS] : own.extras.split(',').map((extra) => extra.trim()).filter(Boolean),
    indexUrl: own.indexUrl || undefined,
    settingsEnv: own.settingsEnv || 'testing',
    junitFile: own.junitFile || `dist/test-results/${projectName}/junit.xml`,
    showInstallOutput: own.showInstallOutput !== undefined && own.showInstallOutput !== 'false',
    pytestArgs,
  };
}

export interface CommandOutput {
  info(line: string): void;
  error(line: string): void;
}

const consoleOutput: CommandOutput = {
  info: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The settings and component.yaml checks, both reported before stopping: a
 * team fixing a broken settings file learns of the broken component.yaml in
 * the same run. Warnings are printed by `warn` when given.
 */
function projectFilesAreValid(options: PythonCommandOptions, workspaceRoot: string, output: CommandOutput, { showWarnings }: { showWarnings: boolean }): boolean {
  const prefix = (line: string) => `[${options.projectName}] ${line}`;
  const settingsErrors = settingsFileErrorLines({ workspaceRoot, projects: { [options.projectName]: { root: options.projectRoot } }, projectName: options.projectName });
  for (const line of settingsErrors) output.error(line);
  const component = componentFileProblems(workspaceRoot, options.projectRoot);
  if (showWarnings) for (const line of component.warnings) output.info(prefix(line));
  for (const line of component.problems) output.error(prefix(line));
  return settingsErrors.length === 0 && component.problems.length === 0;
}

/**
 * Every file the checks read or look for, present or not: pipeline.yaml (whose presence changes
 * which settings files count), the settings files with their local siblings, and component.yaml.
 * The venv target's fast path watches them (venv-fresh.ts); venv-fresh.spec.ts holds this list to
 * what the checks really open.
 */
function checkedFiles(options: Pick<PythonCommandOptions, 'projectName' | 'projectRoot'>, workspaceRoot: string): string[] {
  const projectDir = join(workspaceRoot, options.projectRoot);
  const settings = settingsFilesReadBy({ workspaceRoot, projects: { [options.projectName]: { root: options.projectRoot } }, projectName: options.projectName });
  return [join(projectDir, 'pipeline.yaml'), ...settings.flatMap((file) => [file, localSiblingOf(file)]), join(projectDir, 'component.yaml')];
}

export interface VenvCommandRun {
  /**
   * The command's arguments as the shell gave them (`venv <project> <root> [options]`): given by
   * the inferred target's command (main), whose shell fast path answers from the script written
   * with them when this run passes (venv-fresh.ts, venv-fresh-shell.ts).
   */
  freshStampArgs?: readonly string[];
}

/** The venv target: checks, then the venv. Resolves to the exit code. */
export async function runVenvCommand(
  options: PythonCommandOptions,
  workspaceRoot: string,
  output: CommandOutput = consoleOutput,
  environ: NodeJS.ProcessEnv = process.env,
  { freshStampArgs }: VenvCommandRun = {},
): Promise<number> {
  const prefix = (line: string) => `[${options.projectName}] ${line}`;
  // before anything is read: a file changed from here on is newer than the stamp
  const referenceMs = freshStampArgs && venvFreshReferenceMs(workspaceDataDirectory(workspaceRoot, environ));
  // test and lint depend on this target, so it runs first: a broken file is named here, not after a minute of pip.
  // Its warnings are the test target's to print, once.
  if (!projectFilesAreValid(options, workspaceRoot, output, { showWarnings: false })) return 1;
  try {
    const venv = await prepareProjectVenv({
      workspaceRoot,
      projectRoot: options.projectRoot,
      python: options.python,
      extras: options.extras,
      indexUrl: options.indexUrl,
      verbose: options.showInstallOutput,
      log: (message) => output.info(prefix(message)),
      environ,
    });
    const upToDate = prefix(`venv ${options.projectRoot}/.venv is up to date`);
    if (!venv.installed) output.info(upToDate);
    if (freshStampArgs && referenceMs !== undefined) {
      // only time is lost when it is not written: the next run checks in full again
      writeVenvFreshStamp({
        workspaceRoot,
        venvDir: venv.dir,
        args: freshStampArgs,
        interpreter: venv.interpreter,
        requiredFiles: [options.projectRoot, ...venv.localDependencies].map((root) => join(workspaceRoot, root, 'pyproject.toml')),
        optionalFiles: checkedFiles(options, workspaceRoot),
        venvFiles: [venv.python, join(venv.dir, INSTALL_STAMP)],
        upToDateLine: upToDate,
        referenceMs,
        environ,
      });
    }
    return 0;
  } catch (error) {
    output.error(prefix((error as Error).message));
    return 1;
  }
}

/** The test target: checks, the venv as the venv target made it, pytest. Resolves to the exit code. */
export async function runTestCommand(options: PythonCommandOptions, workspaceRoot: string, output: CommandOutput = consoleOutput, environ: NodeJS.ProcessEnv = process.env): Promise<number> {
  const prefix = (line: string) => `[${options.projectName}] ${line}`;
  if (!projectFilesAreValid(options, workspaceRoot, output, { showWarnings: true })) return 1;
  let told = false;
  const venvLog = (message: string) => {
    if (!told) {
      told = true;
      // These lines become part of the cached result, so they say when they happen.
      output.info(prefix('The venv is not ready, as its venv target did not run first: the test target makes it (a cache hit of this test replays these lines).'));
    }
    output.info(prefix(message));
  };
  try {
    const result = await testPythonProject({
      workspaceRoot,
      projectRoot: options.projectRoot,
      projectName: options.projectName,
      python: options.python,
      extras: options.extras,
      indexUrl: options.indexUrl,
      settingsEnv: options.settingsEnv,
      junitFile: options.junitFile,
      pytestArgs: options.pytestArgs,
      verbose: options.showInstallOutput,
      log: venvLog,
      environ,
      acceptInstalledOptions: true,
    });
    if (result.error) output.error(prefix(result.error));
    return result.success ? 0 : 1;
  } catch (error) {
    output.error(prefix((error as Error).message));
    return 1;
  }
}

/** The command: parse, then venv or test. Resolves to the exit code (2: a wrong command line). */
export async function main(argv: readonly string[]): Promise<number> {
  let options: PythonCommandOptions | 'help';
  try {
    options = parsePythonCommand(argv);
  } catch (error) {
    if (!(error instanceof PythonCommandUsageError)) throw error;
    process.stderr.write(`nx-kubeflow: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${PYTHON_COMMAND_HELP}\n`);
    return 0;
  }
  // Nx runs the command from the workspace root (run-commands' default cwd).
  return options.command === 'venv'
    ? runVenvCommand(options, process.cwd(), consoleOutput, process.env, { freshStampArgs: argv })
    : runTestCommand(options, process.cwd());
}

if (require.main === module) runCommandMain(main);
