/**
 * The check every target runs before anything else: each settings file it
 * will read (and its `.local.` sibling) must be TOML 1.0, and a broken one is
 * named with file:line:column. Without it a TOML error in a component's
 * settings surfaced as 166 lines of tomllib internals from pytest (test),
 * passed compile, and failed run with no file named.
 *
 * Which files a target reads:
 * - a component's test and docker-build: its config/settings.toml, and the
 *   pipeline's first when --pipeline names one;
 * - a pipeline's compile, deploy and run: its config/settings.toml and that of
 *   every component its pipeline.yaml names (each task loads both at run time).
 * `.secrets.toml` is the Python side's alone; the plugin never opens it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { componentNamesIn } from '../pipeline/pipeline-components';
import { SettingsError, SettingsFileError, SettingsFileProblem } from './settings-errors';
import { settingsFilesFor, settingsFilesToLoad } from './settings-files';
import { readTomlSettingsFile } from './toml-file';

export interface SettingsFilesReadByOptions {
  workspaceRoot: string;
  /** Project name -> workspace-relative root, as in Nx's project configurations. */
  projects: Readonly<Record<string, { root: string }>>;
  projectName: string;
  /** A component target's --pipeline, whose settings load under the component's. */
  pipelineName?: string;
}

const PIPELINE_FILE = 'pipeline.yaml';

/** The main settings files a target of `projectName` reads (missing ones included; local siblings are added when checked). */
export function settingsFilesReadBy(options: SettingsFilesReadByOptions): string[] {
  const { workspaceRoot, projects, projectName, pipelineName } = options;
  const rootOf = (name: string): string | undefined => {
    const project = Object.prototype.hasOwnProperty.call(projects, name) ? projects[name] : undefined;
    return project && join(workspaceRoot, project.root);
  };
  const projectRoot = rootOf(projectName);
  // An unknown project is the target's own error to report, in its words.
  if (projectRoot === undefined) return [];
  const pipelineFile = join(projectRoot, PIPELINE_FILE);
  if (existsSync(pipelineFile)) {
    // Unknown component names are compile's to report, with the task that names them.
    const componentRoots = componentNamesIn(readFileSync(pipelineFile, 'utf8'))
      .map(rootOf)
      .filter((root): root is string => root !== undefined);
    return [projectRoot, ...componentRoots].flatMap((root) => settingsFilesFor({ componentRoot: root }));
  }
  const pipelineRoot = pipelineName === undefined ? undefined : rootOf(pipelineName);
  return settingsFilesFor({ pipelineRoot, componentRoot: projectRoot });
}

/**
 * Reads each file (and its `.local.` sibling) as the loader would and throws
 * one SettingsFileError naming every broken one, with paths relative to
 * `displayRoot` when given. Missing files are fine: dynaconf skips them.
 */
export function checkSettingsFiles(mainFiles: readonly string[], displayRoot?: string): void {
  const problems: SettingsFileProblem[] = [];
  for (const file of new Set(settingsFilesToLoad(mainFiles))) {
    const read = readTomlSettingsFile(file);
    if (read.status !== 'broken') continue;
    const shown = displayRoot === undefined ? file : relative(displayRoot, file).split(sep).join('/');
    problems.push({ ...read.problem, file: shown });
  }
  if (problems.length > 0) throw new SettingsFileError(problems);
}

/** `checkSettingsFiles` over what a target of the project reads; paths shown relative to the workspace. */
export function checkSettingsFilesReadBy(options: SettingsFilesReadByOptions): void {
  checkSettingsFiles(settingsFilesReadBy(options), options.workspaceRoot);
}

/**
 * The first step of every target that reads settings (venv, test, compile,
 * docker-build, deploy, run): the lines naming every broken settings file
 * file:line:column, each with the project's name in front; empty when all
 * parse. For the executors (through Nx's logger) and the commands alike.
 */
export function settingsFileErrorLines(options: SettingsFilesReadByOptions): string[] {
  try {
    checkSettingsFilesReadBy(options);
    return [];
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return error.message.split('\n').map((line) => `[${options.projectName}] ${line}`);
  }
}

