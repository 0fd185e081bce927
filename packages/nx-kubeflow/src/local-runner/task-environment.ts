/**
 * What a task's process gets: its environment (this process's, then the
 * container env from the IR, then the caller's extra env, then the run's
 * context variables component-runtime logs with), its working directory and
 * the Python it runs with. In venv mode that is the component's own venv -
 * the very one its test target uses (ensureProjectVenv with the same extras
 * and pip arguments), so running a pipeline never makes the tests reinstall
 * and the other way round.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { COLOUR_FORCING_VARIABLES, withoutColour } from '../process/child-colour';
import { findPythonInterpreter, type PythonInterpreter } from '../python/interpreter';
import { interpreterCacheFile } from '../python/project-venv';
import { readPyproject } from '../python/pyproject';
import { ensureProjectVenv, type ProjectVenv } from '../python/venv';
import type { ContainerLauncher } from './container-launch';
import { pipelineJobName } from './executor-input';
import type { IrContainer, IrSecretEnv } from './ir-reader';

/**
 * How to run a task: in its component's venv from the component folder, its command as it stands, or in its image.
 * imageOverride: the image pipeline.yaml's `image:` (set_container_image) gives the task. A local process runs in
 * no image, so the runner warns that it is not used; in a container the IR's executor image already is that one.
 */
export type TaskMode =
  | { mode: 'venv'; /** Workspace-relative component folder. */ projectRoot: string; imageOverride?: string }
  | { mode: 'command'; /** Workspace-relative folder to run in and to digest for the cache; default: the workspace root, no source digest. */ projectRoot?: string; imageOverride?: string }
  | {
      mode: 'container';
      /** Starts the IR's image with an engine; the image reference (a content hash or digest) is the cache's source digest. */
      launcher: ContainerLauncher;
      /** The component folder, for naming only. */
      projectRoot?: string;
    };

/** The extras the test target installs by default; filtered by what pyproject declares, as it does. */
export const VENV_EXTRAS = ['test'];

export interface VenvSettings {
  /** Interpreter to build venvs with (as the test target's "python" option); else $PYTHON, else python3. */
  python?: string;
  /** As the test target's "indexUrl" option. */
  indexUrl?: string;
}

/** One ensureProjectVenv per component per run, however many tasks use it: concurrent installs into one venv would clash. */
export class VenvProvider {
  private interpreter?: Promise<PythonInterpreter>;
  private readonly venvs = new Map<string, Promise<ProjectVenv>>();

  constructor(
    private readonly workspaceRoot: string,
    private readonly settings: VenvSettings,
    private readonly log: (message: string) => void,
  ) {}

  ensure(projectRoot: string): Promise<ProjectVenv> {
    let venv = this.venvs.get(projectRoot);
    if (!venv) {
      venv = this.create(projectRoot);
      this.venvs.set(projectRoot, venv);
    }
    return venv;
  }

  private async create(projectRoot: string): Promise<ProjectVenv> {
    if (!existsSync(join(this.workspaceRoot, projectRoot, 'pyproject.toml'))) {
      throw new Error(`${projectRoot} has no pyproject.toml, so it has no venv to run in; run its task in 'command' mode instead`);
    }
    // the probe's answer kept by interpreter path and mtime, as the venv and test targets keep it (a pyenv shim costs ~80 ms a probe)
    this.interpreter ??= findPythonInterpreter(this.settings.python, process.env, { cacheFile: interpreterCacheFile(this.workspaceRoot, process.env) });
    const interpreter = await this.interpreter;
    const pyproject = readPyproject(this.workspaceRoot, join(projectRoot, 'pyproject.toml'));
    return ensureProjectVenv({
      workspaceRoot: this.workspaceRoot,
      projectRoot,
      interpreter,
      extras: VENV_EXTRAS.filter((extra) => pyproject.extras.includes(extra)),
      pipArgs: this.settings.indexUrl ? ['--index-url', this.settings.indexUrl] : [],
      log: (message) => this.log(`[${basename(projectRoot)}] ${message}`),
    });
  }
}

export interface RunContext {
  pipelineName: string;
  runId: string;
  task: string;
  component: string;
}

export interface TaskEnvironmentOptions {
  container: IrContainer;
  extraEnv: Record<string, string>;
  context: RunContext;
  secretEnv: IrSecretEnv[];
  /**
   * The task's Kubernetes options as this machine has them (kubernetes-locally.ts): its variables
   * (undefined: removed) go over the IR's env. When given, it speaks for secretEnv too.
   */
  kubernetes?: { env: Record<string, string | undefined> };
  venv?: ProjectVenv;
  base?: NodeJS.ProcessEnv;
}

export function taskEnvironment(options: TaskEnvironmentOptions): { env: NodeJS.ProcessEnv; warnings: string[] } {
  // A task writes into its log.txt, never a terminal: what forces colour in this process (Nx sets FORCE_COLOR=true
  // for every task it runs) stays out, and NO_COLOR asks for none. An env given in the IR or to the runner still
  // wins. A given base (a container's, empty as a pod's) is taken as it is.
  const env: NodeJS.ProcessEnv = options.base ? { ...options.base } : withoutColour(process.env);
  const warnings: string[] = [];
  // Secrets come from the cluster; a same-named variable of this shell must not stand in for one unnoticed.
  for (const secret of options.kubernetes ? [] : options.secretEnv) {
    delete env[secret.envVar];
    const given = secret.envVar in options.extraEnv;
    warnings.push(
      `secret "${secret.secretName}" (key "${secret.secretKey}") sets ${secret.envVar} on Kubeflow; local runs have no cluster secrets, ` +
        (given ? `so ${secret.envVar} comes from the env given to the runner` : `so ${secret.envVar} is not set`),
    );
  }
  for (const { name, value } of options.container.env) env[name] = value;
  // after the container's env, as the KFP driver adds them to the pod's
  for (const [name, value] of Object.entries(options.kubernetes?.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  Object.assign(env, options.extraEnv);
  // colour asked for in the IR or by the caller: our NO_COLOR would take it back
  const given = new Set([...options.container.env.map(({ name }) => name), ...Object.keys(options.extraEnv)]);
  if (!options.base && !given.has('NO_COLOR') && COLOUR_FORCING_VARIABLES.some((name) => given.has(name))) delete env.NO_COLOR;
  env.NX_KUBEFLOW_PIPELINE = options.context.pipelineName;
  env.NX_KUBEFLOW_RUN_ID = options.context.runId;
  env.NX_KUBEFLOW_TASK = options.context.task;
  // what {{$.pipeline_job_name}} resolves to, for components that do not pass it as an argument
  env.NX_KUBEFLOW_RUN_NAME = pipelineJobName(options.context);
  env.NX_KUBEFLOW_COMPONENT = options.context.component;
  if (options.venv) {
    const bin = dirname(options.venv.python);
    const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
    env[pathKey] = [bin, env[pathKey]].filter(Boolean).join(process.platform === 'win32' ? ';' : ':');
    env.VIRTUAL_ENV = options.venv.dir;
    delete env.PYTHONHOME;
  }
  return { env, warnings };
}

/** The program to start: in a venv, a bare python/python3 is the venv's interpreter. */
export function programFor(command: string, venv: ProjectVenv | undefined): string {
  return venv && /^python(3(\.\d+)?)?$/.test(command) ? venv.python : command;
}

export function workingDirectory(workspaceRoot: string, mode: TaskMode): string {
  // A container's working directory is its image's WORKDIR; its engine client runs from the workspace.
  return mode.mode !== 'container' && mode.projectRoot ? resolve(workspaceRoot, mode.projectRoot) : workspaceRoot;
}
