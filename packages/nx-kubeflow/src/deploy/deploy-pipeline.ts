import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineBackend, PublishResult, RunOutcome, ScheduleResult } from '../backends/pipeline-backend';
import { selectEngine, type ContainerEngine } from '../images/index';
import { BuildahLauncher, DockerLauncher, type ContainerLauncher } from '../local-runner/index';
import { executorLabelFor } from '../kfp/kfp-names';
import { compilePipelineProject, removeStaleOutput, writeFileAtomically, type CompilePipelineProjectOptions, type CompiledPipelineProject } from '../pipeline/compile-pipeline-project';
import { readPipeline } from '../pipeline/read-pipeline';
import { runProcess } from '../process/run-process';
import { backendKindFor, createBackend, DeployError, type BackendKind } from './deploy-backend';
import { readDeploySettings, type DeploySettings } from './deploy-settings';
import { checkEnvironmentDeclared, localBackendWarning } from './deploy-environment';
import { mutableImagesOf, type MutableImage } from './image-references';
import { buildPipelineImages, componentsWithImages, planPipelineImages } from './pipeline-images';
import { parseRunParameters } from './run-parameters';
import { formatRunSummary, formatTaskStateChange } from './run-summary';
import { localTaskModes } from './task-modes';

export { DeployError } from './deploy-backend';

export type TaskRunMode = 'subprocess' | 'container';

export interface DeployPipelineOptions {
  workspaceRoot: string;
  projectName: string;
  projects: Readonly<Record<string, { root: string }>>;
  /** Settings environment; else ENV_FOR_DYNACONF; else development. */
  env?: string;
  /** Start a run after publishing; default: the environment's deploy.run. */
  run?: boolean;
  /** Follow the run to its end; default: the environment's deploy.wait. */
  wait?: boolean;
  /** name=value overrides of pipeline parameters for the run. */
  params?: string[];
  /** Local backend: how many of the run's tasks run at once; default the number of cores. */
  maxParallelTasks?: number;
  /** Local backend: tasks as processes in venvs, or in their components' images. */
  mode?: TaskRunMode;
  /** "crd": write Pipeline/PipelineVersion resources instead of calling an API (as kfp.mode = "crd"). */
  output?: 'api' | 'crd';
  /** Compile and say what would be built, created or updated; write nothing anywhere. */
  dryRun?: boolean;
  /** Take image references that are neither digest-pinned nor content-hash-tagged outside the local backend, and images the run gives. */
  allowMutableImages?: boolean;
  /** Take images the run gives (whoever starts the run pins the value) outside the local backend; mutable tags are still refused. */
  allowRunTimeImages?: boolean;
  /** Container engine for the images (docker, podman, buildah); default the first that answers. */
  engine?: string;
  /** Rebuild images even when their content-hash tag exists. */
  forceBuild?: boolean;
  log: (line: string) => void;
  signal?: AbortSignal;
  environ?: Record<string, string | undefined>;
  /** The IR compiler (compilePipelineProject's option); replaceable in tests. */
  compile?: CompilePipelineProjectOptions['compile'];
}

export interface DeployPipelineResult {
  settings: DeploySettings;
  backend: BackendKind;
  published: PublishResult;
  schedule?: ScheduleResult;
  outcome?: RunOutcome;
}

/**
 * `deploy`: build the components' images where the backend runs images,
 * compile for the environment, check the images are pinned, publish the IR to
 * the environment's backend (nothing new when its content hash is already
 * there), bring the schedule in line with the settings, then start and follow
 * a run where asked.
 */
export async function deployPipeline(options: DeployPipelineOptions): Promise<DeployPipelineResult> {
  const { workspaceRoot, projectName, log } = options;
  const pipelineRoot = options.projects[projectName]?.root;
  if (!pipelineRoot) throw new DeployError(`unknown project "${projectName}".`);
  const settings = readDeploySettings({ workspaceRoot, pipelineRoot, env: options.env, environ: options.environ });
  checkEnvironmentDeclared({ workspaceRoot, pipelineRoot, env: settings.env });
  const kind = backendKindFor(settings, options.output);
  const localWarning = kind === 'local' ? localBackendWarning(settings, pipelineRoot) : undefined;
  if (localWarning) log(localWarning);
  const mode = options.mode ?? 'subprocess';
  if (mode === 'container' && kind !== 'local') {
    log(`note: --mode container is for the local backend; on ${kind === 'kfp' ? 'Kubeflow' : 'the cluster that applies the resources'} every task runs in its image anyway`);
  }
  const dryRun = options.dryRun ?? false;
  const run = options.run ?? settings.run;

  // Everything that can refuse this deploy is checked before an image is built or pushed:
  // the pipeline itself, --param values, the connection settings, the registry, the images not built here.
  // Compiled once, with the images recorded so far, and written only at the end: a build that gives a component
  // another image than that (new content) is the one case compiled again, with the images it built.
  const compileWith = (componentImages?: ReadonlyMap<string, string>) =>
    compilePipelineProject({ ...options, env: settings.env, environ: options.environ, write: false, ...(componentImages ? { componentImages } : {}) });
  const checked = compileWith();
  for (const warning of checked.warnings) log(`warning: ${warning}`);
  const parameters = run && kind !== 'crd' ? parseRunParameters(options.params ?? [], rootParameters(checked)) : {};
  const remoteBackend = kind === 'local' ? undefined : createBackend({ kind, settings, workspaceRoot, projectName, pipelineRoot, tasks: () => ({}), dryRun, environ: options.environ, log });
  const builtHere = componentsWithImages({ workspaceRoot, pipelineRoot, projects: options.projects });
  if (kind !== 'local') {
    requireRegistry(builtHere, settings, projectName);
    // when nothing is built here, this list is the final one: its warning is said now, and not again after the build
    checkImagesArePinned(checked, options, settings, { builtHere: new Set(builtHere.map((component) => component.name)), warn: builtHere.length === 0 });
  }

  const images = kind !== 'local' || mode === 'container' ? await prepareImages({ ...options, pipelineRoot, settings, kind, dryRun, components: builtHere }) : undefined;
  const engine = images?.engine;

  const compiled = images?.references && imagesDiffer(checked, images.references) ? compileWith(images.references) : checked;
  if (!dryRun) {
    try {
      writeFileAtomically(join(workspaceRoot, compiled.outputFile), compiled.yaml);
    } catch (error) {
      removeStaleOutput(workspaceRoot, compiled.outputFile);
      throw error;
    }
  }
  const irYaml = compiled.yaml;
  if (kind !== 'local') checkImagesArePinned(compiled, options, settings, { warn: builtHere.length > 0 });

  const backend =
    remoteBackend ??
    createBackend({
      kind,
      settings,
      workspaceRoot,
      projectName,
      pipelineRoot,
      tasks: () => taskModes(options, pipelineRoot, mode, engine),
      parallel: options.maxParallelTasks,
      dryRun,
      environ: options.environ,
      log,
    });
  log(
    dryRun
      ? `Compiled ${projectName} (${settings.env}) without writing it (dry run); backend: ${backend.description}`
      : `Compiled ${projectName} (${settings.env}) to ${compiled.outputFile}; publishing to ${backend.description}`,
  );

  const published = await backend.publish({
    pipelineName: projectName,
    irYaml,
    irDocuments: compiled.documents,
    contentHash: compiled.contentHash,
    description: `nx-kubeflow: ${projectName} (${settings.env})`,
    tags: await gitTags(workspaceRoot),
  });
  log(publishedMessage(projectName, published));

  const schedule = await applySchedule(backend, kind, settings, projectName, published, log);

  if (!run) {
    if (options.params?.length) log('warning: --param applies to runs; nothing was run (add --run, or use the run target)');
    return { settings, backend: kind, published, ...(schedule ? { schedule } : {}) };
  }
  if (kind === 'crd') {
    log('GitOps output publishes only: runs start on the cluster once the resources are applied (deploy.run is ignored)');
    return { settings, backend: kind, published };
  }
  const handle = await backend.startRun({ pipelineName: projectName, version: published, experiment: settings.experiment, parameters });
  if (dryRun) {
    log(`dry run: would start a run of version ${published.versionName} in experiment "${settings.experiment}"`);
    return { settings, backend: kind, published, ...(schedule ? { schedule } : {}) };
  }
  log(`Run ${handle.runId} started (${handle.location})`);
  const wait = options.wait ?? settings.wait;
  if (!wait && kind !== 'local') return { settings, backend: kind, published, ...(schedule ? { schedule } : {}) };
  if (!wait) log('The local backend runs in this process, so it follows the run to its end (deploy.wait = false applies on Kubeflow).');
  const outcome = await backend.followRun(handle, {
    signal: options.signal,
    onTaskStateChange: (change) => log(formatTaskStateChange(handle.runId, change)),
  });
  log(`\n${formatRunSummary(outcome)}`);
  if (outcome.view) log('page' in outcome.view ? `Run page: ${outcome.view.page}` : `Report: ${outcome.view.report} (opens from disk; \`nx run ${projectName}:ui\` serves every run)`);
  return { settings, backend: kind, published, ...(schedule ? { schedule } : {}), outcome };
}

/**
 * The images the backend will run, built (or found) with the environment's
 * settings. For Kubeflow they are pushed, so the cluster can pull them; for
 * local container mode they stay in the engine unless a registry is set. A
 * dry run builds nothing: it works out the references a build would give.
 */
async function prepareImages(
  options: DeployPipelineOptions & {
    pipelineRoot: string;
    settings: DeploySettings;
    kind: BackendKind;
    dryRun: boolean;
    components: Array<{ name: string; root: string }>;
  },
): Promise<{ engine?: ContainerEngine; references?: Map<string, string> }> {
  const { settings, kind, log, components } = options;
  const needsEngine = kind === 'local'; // container mode runs them here
  if (options.dryRun) {
    const references = await planPipelineImages({ ...options, env: settings.env, log });
    return { ...(needsEngine ? { engine: await selectEngineFor(options) } : {}), references };
  }
  if (components.length === 0) return needsEngine ? { engine: await selectEngineFor(options) } : {};
  const engine = await selectEngineFor(options);
  log(`Building the images of ${components.map((c) => c.name).join(', ')} with ${engine.name}${kind !== 'local' ? `, pushing to ${settings.imageRegistry}` : ''}`);
  const built = await buildPipelineImages({
    workspaceRoot: options.workspaceRoot,
    pipelineRoot: options.pipelineRoot,
    projects: options.projects,
    env: settings.env,
    engine,
    push: kind !== 'local' || settings.imageRegistry !== '',
    force: options.forceBuild,
    environ: options.environ,
    log,
    signal: options.signal,
  });
  return { engine, references: new Map([...built].map(([name, record]) => [name, record.reference])) };
}

/** A cluster cannot pull images that exist on this machine only. */
function requireRegistry(components: Array<{ name: string }>, settings: DeploySettings, projectName: string): void {
  if (components.length === 0 || settings.imageRegistry !== '') return;
  throw new DeployError(
    `image.registry is empty in the ${settings.env} settings of ${projectName}, so the images of ${components.map((c) => c.name).join(', ')} ` +
      `would exist on this machine only and the cluster could not pull them. Set image.registry for ${settings.env} (e.g. [${settings.env}] image = { dynaconf_merge = true, registry = "ghcr.io/acme/ml" }).`,
  );
}

async function selectEngineFor(options: DeployPipelineOptions): Promise<ContainerEngine> {
  try {
    return await selectEngine(options.engine);
  } catch (error) {
    throw new DeployError((error as Error).message);
  }
}

/**
 * Outside the local backend every image must be digest-pinned or tagged by
 * content hash. `builtHere` (component names) are left out of the check made
 * before the build: their references are only known after it. An image the
 * run gives cannot be checked here: --allow-run-time-images takes those alone
 * (whoever starts the run pins the value), --allow-mutable-images takes them
 * with mutable tags. Refused, both kinds are named in one error, each with
 * what to do.
 */
function checkImagesArePinned(
  compiled: CompiledPipelineProject,
  options: DeployPipelineOptions,
  settings: DeploySettings,
  { builtHere = new Set(), warn: warnAbout }: { builtHere?: ReadonlySet<string>; warn: boolean },
): void {
  const builtExecutors = new Set(tasksUsing(options, builtHere).map(executorLabelFor));
  const unpinned = mutableImagesOf(compiled.documents[0]).filter(({ executor }) => !builtExecutors.has(executor));
  if (unpinned.length === 0) return;
  const warn = (what: string, flag: string, images: MutableImage[]) => {
    if (warnAbout) options.log(`warning: deploying ${what} (${flag}):\n${imageList(images)}`);
  };
  if (options.allowMutableImages) return warn('mutable image references', '--allow-mutable-images', unpinned);
  const mutableTags = unpinned.filter((image) => image.runTimeInput === undefined);
  const runTimeImages = unpinned.filter((image) => image.runTimeInput !== undefined);
  if (options.allowRunTimeImages && mutableTags.length === 0) return warn('images the run gives', '--allow-run-time-images', runTimeImages);
  const refused = [
    mutableTags.length > 0 &&
      `images that are neither pinned by digest nor tagged with a content hash:\n${imageList(mutableTags)}\n` +
        'A tag can move, and KFP caches task results by image reference, so a rerun could reuse results of code that no longer runs. ' +
        'Pin them (image@sha256:..., or a component with a Dockerfile, which deploy builds and pushes), or pass --allow-mutable-images.',
    runTimeImages.length > 0 &&
      !options.allowRunTimeImages &&
      `images the run gives, which deploy cannot check before the run:\n${imageList(runTimeImages)}\n` +
        'Whoever starts the run pins the value: pass --allow-run-time-images to take them (mutable tags are still refused), or --allow-mutable-images to take both.',
  ].filter((section): section is string => typeof section === 'string');
  throw new DeployError(`the ${settings.env} IR of ${options.projectName} names ${refused.join('\nIt also names ')}`);
}

function imageList(images: MutableImage[]): string {
  return images.map(({ executor, image }) => `  ${executor}: ${image}`).join('\n');
}

/**
 * The pipeline's tasks whose component is one of `components` and whose image
 * is that component's: a task with its own `image:` runs that reference, known
 * before any build, so it is checked with the images nothing builds.
 */
function tasksUsing(options: DeployPipelineOptions, components: ReadonlySet<string>): string[] {
  if (components.size === 0) return [];
  const root = options.projects[options.projectName].root;
  const file = join(root, 'pipeline.yaml');
  const { definition } = readPipeline(readFileSync(join(options.workspaceRoot, file), 'utf8'), file);
  return (definition?.tasks ?? []).filter((task) => components.has(task.component) && task.image === undefined).map((task) => task.name);
}

function taskModes(options: DeployPipelineOptions, pipelineRoot: string, mode: TaskRunMode, engine: ContainerEngine | undefined) {
  const modes = localTaskModes({ workspaceRoot: options.workspaceRoot, pipelineRoot, projects: options.projects });
  if (mode !== 'container') return modes;
  if (!engine) throw new DeployError('--mode container needs a container engine (docker, podman or buildah).');
  const launcher: ContainerLauncher = engine.name === 'buildah' ? new BuildahLauncher() : new DockerLauncher(engine.name);
  return Object.fromEntries(Object.entries(modes).map(([task, taskMode]) => [task, { mode: 'container' as const, launcher, projectRoot: taskMode.projectRoot }]));
}

async function applySchedule(
  backend: PipelineBackend,
  kind: BackendKind,
  settings: DeploySettings,
  pipelineName: string,
  version: PublishResult,
  log: (line: string) => void,
): Promise<ScheduleResult | undefined> {
  if (kind !== 'kfp' || !backend.applySchedule) {
    if (settings.schedule) log(`note: [${settings.env}.schedule] applies on Kubeflow (kfp.host a URL, kfp.mode "api"); ${kind === 'local' ? 'the local backend' : 'GitOps output'} has no recurring runs`);
    return undefined;
  }
  const schedule = settings.schedule
    ? settings.schedule.cron !== undefined
      ? { cron: settings.schedule.cron }
      : { intervalSecond: settings.schedule.intervalSecond! }
    : null;
  const result = await backend.applySchedule({ pipelineName, env: settings.env, version, experiment: settings.experiment, schedule, parameters: {} });
  if (result.action !== 'none') log(`Schedule "${result.displayName}": ${result.action}${result.recurringRunId ? ` (${result.recurringRunId})` : ''}`);
  return result;
}

function publishedMessage(projectName: string, published: PublishResult): string {
  if (published.dryRun) {
    return published.created
      ? `dry run: would publish version ${published.versionName} of ${projectName} (${published.location})`
      : `dry run: version ${published.versionName} of ${projectName} is already published; nothing would be published`;
  }
  return published.created
    ? `Published version ${published.versionName} of ${projectName} (${published.location})`
    : `Unchanged: version ${published.versionName} of ${projectName} is already published; nothing new published`;
}

/** Where the backend keeps them: the commit and branch the version was deployed from. */
async function gitTags(workspaceRoot: string): Promise<Record<string, string>> {
  const git = async (...args: string[]) => {
    try {
      const result = await runProcess('git', args, { cwd: workspaceRoot, tailLines: 2 });
      return result.exitCode === 0 ? result.tail.join('').trim() : '';
    } catch {
      return '';
    }
  };
  const [sha, branch] = await Promise.all([git('rev-parse', 'HEAD'), git('rev-parse', '--abbrev-ref', 'HEAD')]);
  return { ...(sha ? { 'git-sha': sha } : {}), ...(branch && branch !== 'HEAD' ? { 'git-branch': branch } : {}) };
}

/** The compiled pipeline's root parameters and their IR types, for typing --param values. */
function rootParameters(compiled: CompiledPipelineProject): Record<string, { parameterType: string }> {
  const spec = compiled.documents[0] as { root?: { inputDefinitions?: { parameters?: Record<string, { parameterType: string }> } } } | undefined;
  return spec?.root?.inputDefinitions?.parameters ?? {};
}

/** Whether the images deploy built or planned differ from those the IR was compiled with. */
function imagesDiffer(compiled: CompiledPipelineProject, references: ReadonlyMap<string, string>): boolean {
  return [...references].some(([component, reference]) => compiled.componentImages.has(component) && compiled.componentImages.get(component) !== reference);
}
