import type { TargetConfiguration } from '@nx/devkit';
import { dirname, extname, join, posix, relative, sep } from 'node:path';
import { PIPELINE_COMMAND_FILE, SETTINGS_ENV_OPTION } from '../pipeline/pipeline-cli-lookup';
import { PYTHON_COMMAND_FILE } from '../python/python-target-lookup';
import { venvFreshCommand } from '../python/venv-fresh-shell';

/** The named input of upstream projects a target hashes: ^production where nx.json defines it (create-nodes.ts, upstreamInputOf). */
export type UpstreamInput = '^production' | '^default';

export const PLUGIN_NAME = 'nx-kubeflow';

/** The sync generator that writes each component's interface into its README (generators.json). */
export const COMPONENT_README_SYNC_GENERATOR = `${PLUGIN_NAME}:component-readme`;

/**
 * What `nx show project` and Nx Console show under "help": the command that
 * prints the executor's options, and an example of some.
 */
function helpFor(projectName: string, targetName: string, exampleOptions: Record<string, unknown>): NonNullable<TargetConfiguration['metadata']>['help'] {
  return { command: `npx nx run ${projectName}:${targetName} --help`, example: { options: exampleOptions } };
}

/**
 * The target that makes a Python project's venv, which test and lint depend
 * on. Its name is fixed for now (the plugin options have no venvTargetName).
 */
export const VENV_TARGET_NAME = 'venv';

/**
 * How a workspace starts one of the plugin's commands (python/python-cli,
 * pipeline/pipeline-cli): for the built plugin, as teams install it, plain
 * `node` on its entry in src/commands, which runs the command's bundle with
 * a code cache (commands/command-bundle.ts); through @swc-node/register for
 * this repository, which loads the plugin from its TypeScript source. The
 * path is relative to the workspace root, as the command runs there and its
 * text is part of the task's hash, which must not name this machine's folders.
 */
function pluginCommandLauncher(workspaceRoot: string, folder: string, file: string, pluginSourceFile: string): string {
  const extension = extname(pluginSourceFile);
  const relativeToWorkspace = (path: string) => relative(workspaceRoot, path).split(sep).join('/');
  if (extension !== '.ts') return `node ${shellWord(relativeToWorkspace(join(dirname(pluginSourceFile), '..', 'commands', `${file}${extension}`)))}`;
  const cli = shellWord(relativeToWorkspace(join(dirname(pluginSourceFile), '..', folder, `${file}${extension}`)));
  const tsconfig = relativeToWorkspace(join(dirname(pluginSourceFile), '..', '..', 'tsconfig.lib.json'));
  return `SWC_NODE_PROJECT=${shellWord(tsconfig)} node -r @swc-node/register ${cli}`;
}

/** The venv and test command (python/python-cli). */
export function pythonCommandLauncher(workspaceRoot: string, pluginSourceFile: string = __filename): string {
  return pluginCommandLauncher(workspaceRoot, 'python', PYTHON_COMMAND_FILE, pluginSourceFile);
}

/** The compile, deploy and run command (pipeline/pipeline-cli). */
export function pipelineCommandLauncher(workspaceRoot: string, pluginSourceFile: string = __filename): string {
  return pluginCommandLauncher(workspaceRoot, 'pipeline', PIPELINE_COMMAND_FILE, pluginSourceFile);
}

/** A word for the shell run-commands starts: as it is when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Make or update the project's venv, after the settings and component.yaml
 * checks: `<launcher> venv <project> <root>` (python/python-cli.ts) as an
 * `nx:run-commands` target, which Nx runs in its own process where an
 * executor would cost a forked Nx process per run. Never cached: the venv
 * lives outside Nx's cache, and a cached task's output is replayed as it
 * was, so the venv lines of a cached test or lint would claim work that did
 * not happen; this target prints only what it did in this run. Its options
 * (python, extras as "a,b", indexUrl, showInstallOutput) say what the venv holds.
 *
 * Outside Windows the command first asks the stamp the last full check left
 * in the venv (python/venv-fresh-shell.ts): while nothing that check read has
 * changed, the shell says the venv is up to date without starting Node, and
 * a test cache hit costs what a cached run-commands target does. cmd.exe
 * runs the full check every time.
 */
export function venvTarget(
  projectName: string,
  targetName: string,
  projectRoot: string,
  { launcher, platform = process.platform }: { launcher: string; platform?: NodeJS.Platform },
): TargetConfiguration {
  const command =
    platform === 'win32'
      ? `${launcher} venv ${shellWord(projectName)} ${shellWord(projectRoot)}`
      : venvFreshCommand(shellWord(launcher), shellWord(projectName), shellWord(projectRoot));
  return {
    executor: 'nx:run-commands',
    cache: false,
    options: { command },
    metadata: {
      description: "Make or update the project's venv (<project>/.venv), with its test extras and local path dependencies",
      technologies: ['python'],
      help: { command: `${launcher} --help`, example: { options: { extras: 'test,gpu', showInstallOutput: true } } },
    },
  };
}

/**
 * pytest in the project's venv: `<launcher> test <project> <root>`, a
 * command as the venv target is. Options are the command's `--name=value`
 * flags; other arguments go to pytest. Inputs: the project's own files and
 * the production files of what it depends on (component-runtime), plus the
 * environment that picks the interpreter or the index. Files git ignores
 * (.venv, settings.local.toml, .secrets.*) never enter the hash.
 */
export function testTarget(
  projectName: string,
  targetName: string,
  projectRoot: string,
  { upstreamInput = '^production', launcher }: { upstreamInput?: UpstreamInput; launcher: string },
): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    dependsOn: [VENV_TARGET_NAME],
    cache: true,
    inputs: [
      'default',
      upstreamInput,
      { env: 'PYTHON' },
      { env: 'PIP_INDEX_URL' },
      { env: 'PIP_EXTRA_INDEX_URL' },
    ],
    outputs: [`{workspaceRoot}/dist/test-results/${projectName}`],
    options: { command: `${launcher} test ${shellWord(projectName)} ${shellWord(projectRoot)}` },
    // The component-readme sync generator is registered on lint, not here (see lintTarget): a task
    // sync generator makes every daemon-off run of its target build the project graph a second time.
    metadata: {
      description: 'Run pytest in the project venv (ENV_FOR_DYNACONF=testing)',
      technologies: ['python'],
      // `nx run x:test --help` would print run-commands' options: the command's own help says what it takes
      help: { command: `${launcher} --help`, example: { options: { settingsEnv: 'ci' }, args: ['-k', 'settings', '-x'] } },
    },
  };
}

/** The files ruff reads its configuration from, in every folder from the project's up to the workspace root. */
const RUFF_CONFIG_FILES = ['ruff.toml', '.ruff.toml', 'pyproject.toml'];

/**
 * ruff check and ruff format --check in the project's venv (the executor
 * installs a pinned ruff there). Cached: the result depends only on the
 * project's files and the ruff configuration, which ruff looks up from the
 * project's folder to the workspace root, so each of those folders'
 * ruff.toml, .ruff.toml and pyproject.toml is an input (the project's own are
 * in `default`). It writes nothing (--no-cache), so it has no outputs; it
 * prints the ruff commands that fix what it found rather than fixing files
 * itself, which a cache hit would replay without doing.
 */
export function lintTarget(
  projectName: string,
  targetName: string,
  projectRoot: string,
  { syncComponentReadme = false }: { syncComponentReadme?: boolean } = {},
): TargetConfiguration {
  const ancestors: string[] = [];
  for (let folder = posix.dirname(projectRoot); folder !== '.' && folder !== '/' && folder !== ''; folder = posix.dirname(folder)) {
    ancestors.push(folder);
  }
  const configFiles = [...ancestors, '.'].flatMap((folder) =>
    RUFF_CONFIG_FILES.map((file) => (folder === '.' ? `{workspaceRoot}/${file}` : `{workspaceRoot}/${folder}/${file}`)),
  );
  return {
    executor: `${PLUGIN_NAME}:lint`,
    dependsOn: [VENV_TARGET_NAME],
    cache: true,
    inputs: ['default', ...configFiles],
    outputs: [],
    options: {},
    // A component's README carries its interface from component.yaml: `nx sync` rewrites it,
    // `nx sync:check` fails while it is stale, and running lint outside CI offers to sync first.
    // On lint rather than test: Nx runs a task's sync generators before the task, which with the
    // daemon off builds the project graph again (about 1 s of CPU here), and test is the target
    // run over and over while working (tools/bench/README.md, target overhead).
    ...(syncComponentReadme ? { syncGenerators: [COMPONENT_README_SYNC_GENERATOR] } : {}),
    metadata: {
      description: 'ruff check and ruff format --check, with a pinned ruff in the project venv',
      technologies: ['python'],
      help: helpFor(projectName, targetName, { showInstallOutput: true }),
    },
  };
}

/**
 * Resolved settings as JSON. Not cached: it prints, and its answer depends on
 * settings.local.toml and DYNACONF_* variables that must stay out of the cache.
 */
export function settingsTarget(projectName: string, targetName: string, environments: readonly string[]): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:settings`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Print the resolved settings (--env, --pipeline, --explain, --output-file)',
      technologies: ['python'],
      help: helpFor(projectName, targetName, { env: 'production', explain: true }),
    },
  };
}

/**
 * Prints the image reference every docker-build recorded, as the line
 * `dist/components/<name>/image.json:  "reference": "<ref>",` (image-record.ts
 * writes one key a line). compile writes those references into the IR, and dist/
 * is git-ignored, so Nx would not hash the files themselves: a runtime input makes
 * a new build a new compile hash. Only the references are printed, so re-running
 * a build that changed nothing keeps the cache.
 *
 * Nx runs a runtime input on every hash of compile, cache hits included: grep and
 * sort cost ~3 ms where a Node process cost ~40. Windows has neither, so there a
 * Node script prints the same lines (the hash is the same on every platform).
 */
export const BUILT_IMAGE_REFERENCES_COMMAND = builtImageReferencesCommand(process.platform);

export function builtImageReferencesCommand(platform: NodeJS.Platform): string {
  if (platform !== 'win32') return `grep -H '^  "reference":' dist/components/*/image.json 2>/dev/null | LC_ALL=C sort`;
  return (
    'node -e "const fs=require(\'fs\'),d=\'dist/components\';if(fs.existsSync(d))for(const n of fs.readdirSync(d).sort())' +
    '{const f=d+\'/\'+n+\'/image.json\';try{for(const l of fs.readFileSync(f,\'utf8\').split(/\\r?\\n/))if(l.startsWith(\'  \\\"reference\\\":\'))console.log(f+\':\'+l)}catch(e){}}"'
  );
}

/** The environment `nx run <p>:compile` compiles for when -c/--settingsEnv names none (dynaconf's default). */
export const DEFAULT_COMPILE_ENV = 'development';

/** What the inferred compile, deploy and run targets run: the pipeline command, and where it says what it takes. */
export interface PipelineCommandTarget {
  /** How to start pipeline/pipeline-cli (pipelineCommandLauncher). */
  launcher: string;
  projectRoot: string;
}

/**
 * pipeline.yaml + its components -> KFP IR: `<launcher> compile <project>
 * <root>` (pipeline/pipeline-cli.ts) as an `nx:run-commands` target, which
 * Nx runs in its own process where an executor costs a forked Nx process per
 * run. Inputs: the pipeline's own files except settings.local.toml (git
 * ignores it and compile never reads it) and the production files of the
 * components it uses (their component.yaml, pyproject.toml, settings). The
 * environment is an option, development unless -c/--settingsEnv names
 * another, so every run declares the one file it writes and a cache hit
 * restores it (ENV_FOR_DYNACONF, which Nx cannot put in a path, does not
 * choose it here). The option is settingsEnv, not env: run-commands owns env.
 */
export function compileTarget(
  projectName: string,
  targetName: string,
  environments: readonly string[],
  upstreamInput: UpstreamInput = '^production',
  { launcher, projectRoot }: PipelineCommandTarget,
): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: [
      'default',
      '!{projectRoot}/config/settings.local.toml',
      upstreamInput,
      { runtime: BUILT_IMAGE_REFERENCES_COMMAND },
    ],
    // The IR file, not a folder: deploy's GitOps output lives under dist/pipelines/<project>, and a
    // folder output would archive that into compile's cache and delete it on every cache restore.
    // One file per environment (compile-pipeline-project.ts, pipelineOutputFile), named by the option.
    outputs: [`{workspaceRoot}/dist/pipelines/${projectName}/{options.${SETTINGS_ENV_OPTION}}/pipeline.yaml`, `{options.outputPath}/pipeline.yaml`],
    options: { command: pipelineCommand(launcher, 'compile', projectName, projectRoot), [SETTINGS_ENV_OPTION]: DEFAULT_COMPILE_ENV },
    ...environmentConfigurations(environments, SETTINGS_ENV_OPTION),
    metadata: {
      description: 'Check pipeline.yaml and compile it to KFP v2 IR (-c <env> or --settingsEnv selects [<env>.parameters])',
      technologies: ['kubeflow'],
      // `nx run p:compile --help` would print run-commands' options: the command's own help says what it takes
      help: { command: `${launcher} --help`, example: { options: { [SETTINGS_ENV_OPTION]: 'production' } } },
    },
  };
}

function pipelineCommand(launcher: string, command: 'compile' | 'deploy' | 'run', projectName: string, projectRoot: string): string {
  return `${launcher} ${command} ${shellWord(projectName)} ${shellWord(projectRoot)}`;
}

/**
 * Build the component's image from a staged context. Not cached by Nx: its
 * result lives in the container engine and the registry, which Nx cannot
 * restore; the executor skips the build itself when an image of the same
 * content hash exists, and writes dist/components/<name>/image.json.
 */
export function dockerBuildTarget(projectName: string, targetName: string, environments: readonly string[]): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:docker-build`,
    cache: false,
    options: {},
    ...environmentConfigurations(environments),
    metadata: {
      description: 'Build the component image (content-hash tag, OCI labels; --push, --engine, --tag, --force)',
      technologies: ['docker'],
      help: helpFor(projectName, targetName, { push: true, env: 'production' }),
    },
  };
}

/**
 * Publish (and, as the environment's settings say, run) the pipeline:
 * `<launcher> deploy <project> <root>`, a command as compile is. Never
 * cached: it changes the world, and it reads settings.local.toml. Outside
 * the local backend it builds its components' images first, itself (see
 * src/deploy/pipeline-images.ts for why not through dependsOn). Ctrl-C
 * reaches the command (Nx signals its process tree), which stops the run's
 * tasks before it ends.
 */
export function deployTarget(projectName: string, targetName: string, environments: readonly string[], { launcher, projectRoot }: PipelineCommandTarget): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: false,
    options: { command: pipelineCommand(launcher, 'deploy', projectName, projectRoot) },
    ...environmentConfigurations(environments, SETTINGS_ENV_OPTION),
    metadata: {
      description: 'Compile and publish to the environment\'s backend; --run/--wait or deploy.run/deploy.wait also run it',
      technologies: ['kubeflow'],
      help: { command: `${launcher} --help`, example: { options: { [SETTINGS_ENV_OPTION]: 'production', run: true, wait: true } } },
    },
  };
}

/** deploy --run --wait: `<launcher> run <project> <root>`. */
export function runTarget(projectName: string, targetName: string, environments: readonly string[], { launcher, projectRoot }: PipelineCommandTarget): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: false,
    options: { command: pipelineCommand(launcher, 'run', projectName, projectRoot) },
    ...environmentConfigurations(environments, SETTINGS_ENV_OPTION),
    metadata: {
      description: 'Compile, publish, run and follow the pipeline (local backend: dist/runs/<pipeline>/<run-id>)',
      technologies: ['kubeflow'],
      help: { command: `${launcher} --help`, example: { options: { param: 'epochs=5', maxParallelTasks: 2 } } },
    },
  };
}

/**
 * The web view of the pipeline's local runs (dist/runs/<pipeline>), served
 * until stopped. Never cached: it serves, it builds nothing; continuous, so
 * Nx treats it as the long-running task it is.
 */
export function uiTarget(projectName: string, targetName: string): TargetConfiguration {
  return {
    executor: `${PLUGIN_NAME}:ui`,
    cache: false,
    continuous: true,
    options: {},
    metadata: {
      description: 'Serve a web view of the local runs on 127.0.0.1 (graph, logs, artifacts; --port, --all for every pipeline)',
      technologies: ['kubeflow'],
      help: helpFor(projectName, targetName, { port: 4300 }),
    },
  };
}

/**
 * One configuration per settings environment of the workspace (see
 * createNodesV2), so `-c production` means `--env production` on every
 * target that takes an environment (`--settingsEnv production` on the
 * command targets, whose `env` is run-commands' own).
 */
function environmentConfigurations(environments: readonly string[], option = 'env'): Pick<TargetConfiguration, 'configurations'> {
  if (environments.length === 0) return {};
  return { configurations: Object.fromEntries(environments.map((env) => [env, { [option]: env }])) };
}
