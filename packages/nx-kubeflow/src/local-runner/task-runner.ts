/**
 * Runs one task of a local run from start to end state: resolves its inputs
 * (root parameters, constants, component defaults, upstream outputs), takes
 * its outputs from the cache where it may, else runs its process - retried as
 * its retryPolicy says - reads its outputs back and stores them in the cache.
 * It never throws: every problem ends the task FAILED with a message saying
 * what went wrong, so the run can go on with the branches that do not need it.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { localDependencyClosure } from '../python/pyproject';
import type { ProjectVenv } from '../python/venv';
import { resolveContainerImage, type ContainerLaunch, type ContainerLauncher } from './container-launch';
import { buildExecutorInput, executorOutputFile, runtimePlaceholders } from './executor-input';
import { readExecutorOutput, type ExecutorOutput } from './executor-output';
import type { IrTask } from './ir-reader';
import { parseParameterText, ParameterValueError } from './parameter-values';
import { resolveCommandLine, type ArtifactLocation, type ExecutorIo } from './placeholder-resolver';
import { withRuntimeInputValues } from './runtime-input-values';
import type { TaskOutputs, TaskRecord, TaskState } from './run-record';
import { failureReport } from './failure-report';
import { artifactDigest, localSettingsDigest, sourceDigest } from './source-digest';
import { cacheKey, customCacheKey, cachedLogFile, lookupCache, restoreFromCache, storeInCache } from './task-cache';
import { programFor, taskEnvironment, workingDirectory, type TaskMode, type VenvProvider } from './task-environment';
import { taskLayout } from './task-layout';
import { localKubernetes, readLocalObjects, type LocalKubernetes } from './kubernetes-locally';
import { pipelineJobName } from './executor-input';
import { knownSecrets } from '../secrets/known-secrets';
import { runTaskProcess } from './task-process';
import { taskRunRecord } from './task-run-environment';
import type { TaskOutcome } from './task-scheduler';
import type { TaskWatchdog } from './task-watchdog';
import type { PythonForkServers } from './python-fork-server';

export interface TaskRunContext {
  workspaceRoot: string;
  runDir: string;
  runId: string;
  pipelineName: string;
  cacheDir: string;
  extraEnv: Record<string, string>;
  rootParameters: Record<string, unknown>;
  /** Outputs of finished tasks, by task name. */
  outputsOf: (task: string) => TaskOutputs | undefined;
  venvs: VenvProvider;
  signal?: AbortSignal;
  backoffScale: number;
  killGraceMs: number;
  /** For tasks whose IR sets no timeout (kfp-kubernetes' set_timeout); undefined or 0: none. */
  defaultTimeoutSeconds?: number;
  /** Ends the task processes if the runner dies (task-watchdog.ts). */
  watchdog?: TaskWatchdog;
  /** Warm interpreters venv-mode tasks are forked from (python-fork-server.ts); none: every task a fresh process. */
  forkServers?: PythonForkServers;
  /** Record a state change (run.json and the caller's event). */
  changed: (record: TaskRecord, event: { state: TaskState; attempt?: number; message?: string }) => void;
  warn: (record: TaskRecord, message: string) => void;
  /** Told each task process's pid (tests check it is gone after an interrupt). */
  onProcessStart?: (task: string, pid: number) => void;
  /** A PipelineTaskFinalStatus value (exit-handler-status.ts): how a task or an exit handler group ended. */
  finalStatusOf?: (producer: string) => Record<string, unknown>;
}

class TaskFailure extends Error {}

interface ResolvedInputs {
  parameters: Record<string, unknown>;
  artifacts: Record<string, ArtifactLocation>;
}

export async function runTask(task: IrTask, mode: TaskMode, record: TaskRecord, ctx: TaskRunContext): Promise<TaskOutcome> {
  let started = Date.now();
  record.startedAt = new Date(started).toISOString();
  const finish = (state: TaskState, outcome: TaskOutcome, message?: string): TaskOutcome => {
    const ended = Date.now();
    record.state = state;
    record.finishedAt = new Date(ended).toISOString();
    record.durationMs = ended - started;
    if (message && state !== 'SUCCEEDED' && state !== 'CACHED') record.error = message;
    ctx.changed(record, { state, attempt: record.attempts || undefined, message });
    return outcome;
  };
  const layout = taskLayout(ctx.runDir, task.name);
  let kubernetes: LocalKubernetes | undefined;
  try {
    const inputs = resolveInputs(task, ctx);
    kubernetes = task.kubernetes ? kubernetesHere(task, mode, ctx) : undefined;
    const key = !task.cacheEnabled ? undefined : task.cacheKey ? customCacheKey(task.cacheKey, task.componentName) : computeCacheKey(task, mode, inputs, ctx, kubernetes?.digest);
    if (key) {
      record.cacheKey = key;
      const entry = lookupCache(ctx.cacheDir, key);
      if (entry) {
        restoreFromCache(ctx.cacheDir, key, layout.outputsDir);
        writeCachedLog(ctx.cacheDir, key, entry.origin, layout.logFile);
        record.cached = true;
        // the executor output came back with the outputs: the artifacts' metadata is in it
        const executorOutput = readExecutorOutput(executorOutputFile(layout.outputsDir), task);
        record.outputs = { parameters: entry.parameters, artifacts: withMetadata(artifactLocations(task, layout), executorOutput) };
        return finish('CACHED', 'succeeded', `from the cache (run ${entry.origin.runId})`);
      }
    }
    const venv = mode.mode === 'venv' ? await prepareVenv(mode.projectRoot, ctx) : undefined;
    // Making the venv is its own step (with its own progress lines), not the task's time.
    if (venv?.installed) {
      started = Date.now();
      record.startedAt = new Date(started).toISOString();
    }
    const result = await runAttempts(task, mode, venv, inputs, record, ctx, kubernetes);
    if (result === 'cancelled') return finish('CANCELLED', 'cancelled', 'interrupted');
    if (key) {
      try {
        storeInCache(
          ctx.cacheDir,
          { key, parameters: record.outputs.parameters, createdAt: new Date().toISOString(), origin: { runId: ctx.runId, task: task.name } },
          layout.outputsDir,
          layout.logFile,
        );
      } catch (error) {
        // e.g. another run stored the same key at the same moment: the task itself succeeded
        ctx.warn(record, `its outputs were not stored in the cache: ${(error as Error).message}`);
      }
    }
    return finish('SUCCEEDED', 'succeeded');
  } catch (error) {
    if (ctx.signal?.aborted && !(error instanceof TaskFailure)) return finish('CANCELLED', 'cancelled', 'interrupted');
    return finish('FAILED', 'failed', error instanceof TaskFailure ? error.message : `task "${task.name}" failed: ${(error as Error).message}`);
  } finally {
    kubernetes?.cleanup();
  }
}

/** The task's Kubernetes options on this machine; its secret values are redacted from then on. */
function kubernetesHere(task: IrTask, mode: TaskMode, ctx: TaskRunContext): LocalKubernetes {
  const here = localKubernetes({
    config: task.kubernetes!,
    task: task.name,
    workspaceRoot: ctx.workspaceRoot,
    taskDir: resolve(ctx.workspaceRoot, taskLayout(ctx.runDir, task.name).dir),
    inContainer: mode.mode === 'container',
    rootParameters: ctx.rootParameters,
    outputParametersOf: (name) => ctx.outputsOf(name)?.parameters,
    given: ctx.extraEnv,
    environ: process.env,
    objects: readLocalObjects(ctx.workspaceRoot),
    podName: `${pipelineJobName({ pipelineName: ctx.pipelineName, runId: ctx.runId })}-${task.name}`,
  });
  for (const value of here.secretValues) knownSecrets.add(value);
  return here;
}

/** Parameter values after defaults (addDefaultParams in the launcher) and upstream artifacts' locations. */
function resolveInputs(task: IrTask, ctx: TaskRunContext): ResolvedInputs {
  // null prototype and own-key tests: an input named constructor or toString is only ever a name
  const parameters: Record<string, unknown> = Object.create(null);
  for (const [name, source] of Object.entries(task.parameterInputs)) {
    if (source.kind === 'constant') parameters[name] = source.value;
    else if (source.kind === 'root-parameter') {
      if (Object.hasOwn(ctx.rootParameters, source.name)) parameters[name] = ctx.rootParameters[source.name];
    } else {
      const upstream = ctx.outputsOf(source.task);
      // ignore_upstream_failure: an upstream that did not succeed leaves the input to its default (kfp requires one)
      const mayMiss = task.afterCompletionOf?.includes(source.task) === true && task.inputParameterDefinitions[name]?.defaultValue !== undefined;
      if ((!upstream || !Object.hasOwn(upstream.parameters, source.output)) && mayMiss) continue;
      if (!upstream || !Object.hasOwn(upstream.parameters, source.output)) {
        throw new TaskFailure(`task "${task.name}": input "${name}" needs output parameter "${source.output}" of task "${source.task}", which it did not produce`);
      }
      parameters[name] = upstream.parameters[source.output];
    }
  }
  for (const [name, definition] of Object.entries(task.inputParameterDefinitions)) {
    if (!Object.hasOwn(parameters, name) && definition.defaultValue !== undefined) parameters[name] = definition.defaultValue;
  }
  for (const [name, producer] of Object.entries(task.finalStatusInputs ?? {})) {
    if (!ctx.finalStatusOf) throw new TaskFailure(`task "${task.name}": input "${name}" takes the final status of "${producer}", which this run cannot give`);
    parameters[name] = ctx.finalStatusOf(producer);
  }
  const artifacts: Record<string, ArtifactLocation> = {};
  for (const [name, source] of Object.entries(task.artifactInputs)) {
    const artifact = ctx.outputsOf(source.task)?.artifacts[source.output];
    // ignore_upstream_failure: kfp has such an input optional; it is left out, as an absent optional input is
    if (!artifact && task.afterCompletionOf?.includes(source.task)) continue;
    if (!artifact) throw new TaskFailure(`task "${task.name}": input artifact "${name}" needs output "${source.output}" of task "${source.task}", which it did not produce`);
    artifacts[name] = artifact;
  }
  return { parameters, artifacts };
}

function computeCacheKey(task: IrTask, mode: TaskMode, inputs: ResolvedInputs, ctx: TaskRunContext, kubernetesDigest?: string): string {
  // The component's folder and the local packages it installs (component-runtime): what its venv runs.
  // In a container the image reference - a content hash or digest - stands for the sources, and it is in `container`.
  const roots = mode.projectRoot && mode.mode !== 'container'
    ? [mode.projectRoot, ...(mode.mode === 'venv' ? localDependencyClosure(ctx.workspaceRoot, mode.projectRoot) : [])]
    : [];
  return cacheKey({
    container: task.container,
    outputs: { parameters: task.outputParameters, artifacts: task.outputArtifacts },
    sourceDigest: roots.length > 0 ? roots.map((root) => `${root}:${sourceDigest(join(ctx.workspaceRoot, root))}`).join(',') : undefined,
    localSettingsDigest: localSettings(roots, mode.mode === 'container' ? ctx.extraEnv : { ...process.env, ...ctx.extraEnv }, ctx.workspaceRoot),
    extraEnv: ctx.extraEnv,
    kubernetesDigest,
    parameters: inputs.parameters,
    artifactDigests: Object.fromEntries(Object.entries(inputs.artifacts).map(([name, artifact]) => [name, artifactDigest(artifact.path)])),
  });
}

async function prepareVenv(projectRoot: string, ctx: TaskRunContext): Promise<ProjectVenv> {
  try {
    return await ctx.venvs.ensure(projectRoot);
  } catch (error) {
    throw new TaskFailure(`could not prepare the venv of ${projectRoot}: ${(error as Error).message}`);
  }
}

/**
 * pipeline.yaml's image: names an image a local process does not run in: said, not dropped unsaid. One the run gives
 * ({parameter: p}, ...) is named by its value, or by what would keep the task from starting on KFP.
 */
function imageNotUsed(mode: TaskMode, image: ReturnType<typeof resolveContainerImage>): string[] {
  if (mode.mode === 'container' || !mode.imageOverride) return [];
  const how = mode.mode === 'venv' ? "in its component's venv" : 'with its command as it stands';
  const named =
    'problem' in image
      ? `${mode.imageOverride} (pipeline.yaml image:, kfp's set_container_image; on KFP the task would not start: ${image.problem})`
      : image.input !== undefined
        ? `${image.image} (pipeline.yaml image: ${mode.imageOverride}, kfp's set_container_image)`
        : `${mode.imageOverride} (pipeline.yaml image:, kfp's set_container_image)`;
  return [`image ${named} is not used here: the task runs as a local process ${how}; --mode container runs it in that image`];
}

async function runAttempts(
  task: IrTask,
  mode: TaskMode,
  venv: ProjectVenv | undefined,
  inputs: ResolvedInputs,
  record: TaskRecord,
  ctx: TaskRunContext,
  kubernetes?: LocalKubernetes,
): Promise<'succeeded' | 'cancelled'> {
  const layout = taskLayout(ctx.runDir, task.name);
  const maxAttempts = 1 + (task.retry?.maxRetryCount ?? 0);
  const component = mode.projectRoot ? basename(mode.projectRoot) : task.componentName.replace(/^comp-/, '');
  const inContainer = mode.mode === 'container';
  const { env, warnings } = taskEnvironment({
    container: task.container,
    extraEnv: ctx.extraEnv,
    context: { pipelineName: ctx.pipelineName, runId: ctx.runId, task: task.name, component },
    secretEnv: task.secretEnv,
    ...(kubernetes ? { kubernetes } : {}),
    venv,
    // A container gets the task's environment only, as a pod would; this machine's stays out.
    ...(inContainer ? { base: {} } : {}),
  });
  for (const warning of [...warnings, ...(kubernetes?.warnings ?? [])]) ctx.warn(record, warning);
  const outputFile = executorOutputFile(layout.outputsDir);
  const io: ExecutorIo = {
    // as the driver resolves task input constants; the cache key above kept the IR's text
    parameters: withRuntimeInputValues(task, inputs.parameters, { pipelineName: ctx.pipelineName, runId: ctx.runId, task: task.name }),
    artifacts: inputs.artifacts,
    outputParameterFiles: Object.fromEntries(Object.keys(task.outputParameters).map((name) => [name, layout.parameterFile(name)])),
    outputArtifacts: artifactLocations(task, layout),
    runtime: runtimePlaceholders({ pipelineName: ctx.pipelineName, runId: ctx.runId, task: task.name }, outputFile),
  };
  io.executorInput = JSON.stringify(buildExecutorInput(task, io, outputFile));
  // an image the run gives (set_container_image of a value) is its input's value, as KFP's driver reads it
  const image = resolveContainerImage(task.container.image, io.parameters);
  if (inContainer && 'problem' in image) throw new TaskFailure(`task "${task.name}": ${image.problem}`);
  for (const warning of imageNotUsed(mode, image)) ctx.warn(record, warning);
  const commandLine = resolveCommandLine([...task.container.command, ...task.container.args], io);
  if (commandLine.argv.length === 0) throw new TaskFailure(`task "${task.name}": its executor has neither command nor args`);
  for (const placeholder of commandLine.unresolved) ctx.warn(record, `${placeholder} has no value and is passed as it is`);
  // for the run view, masked before run.json holds them: what ran, and the variables the runner set or changed
  Object.assign(
    record,
    taskRunRecord({
      argv: commandLine.argv,
      env,
      given: Object.keys(env).filter((name) => inContainer || env[name] !== process.env[name]),
      ...(mode.projectRoot ? { componentRoot: resolve(ctx.workspaceRoot, mode.projectRoot) } : {}),
      inContainer,
    }),
  );
  const timeoutSeconds = task.timeoutSeconds ?? (ctx.defaultTimeoutSeconds || undefined);
  // The IR's activeDeadlineSeconds is pipeline.yaml's timeout (compile writes it as set_timeout does): named where the user wrote it.
  const timeoutSource = task.timeoutSeconds ? 'its timeout in pipeline.yaml' : 'deploy.task_timeout_seconds in the settings';

  for (let attempt = 1; ; attempt++) {
    // Each attempt starts clean, as a new pod would; earlier logs are kept beside the current one.
    rmSync(layout.outputsDir, { recursive: true, force: true });
    mkdirSync(join(layout.outputsDir, 'parameters'), { recursive: true });
    mkdirSync(join(layout.outputsDir, 'artifacts'), { recursive: true });
    if (attempt > 1 && existsSync(layout.logFile)) renameSync(layout.logFile, layout.attemptLogFile(attempt - 1));
    if (ctx.signal?.aborted) return 'cancelled';
    record.attempts = attempt;
    delete record.exitCode;
    ctx.changed(record, { state: 'RUNNING', attempt });
    const launch = mode.mode === 'container' ? await launchContainer(mode.launcher, task, 'image' in image ? image.image : task.container.image, commandLine.argv, env, attempt, ctx, kubernetes?.volumes ?? [], importedPaths(inputs, ctx.runDir)) : undefined;
    const program = launch?.command ?? programFor(commandLine.argv[0], venv);
    const result = await runTaskProcess({
      command: program,
      args: launch?.args ?? commandLine.argv.slice(1),
      cwd: workingDirectory(ctx.workspaceRoot, mode),
      env: launch ? (launch.env ?? process.env) : env,
      logFile: layout.logFile,
      signal: ctx.signal,
      killGraceMs: ctx.killGraceMs,
      onStart: (pid) => ctx.onProcessStart?.(task.name, pid),
      watchdog: ctx.watchdog,
      // the component's own interpreter: it may start as a fork of a warm one
      ...(!launch && venv && program === venv.python && ctx.forkServers ? { forkServers: ctx.forkServers } : {}),
      ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    }).finally(() => launch?.cleanup());
    if (result.cancelled || ctx.signal?.aborted) return 'cancelled';
    if (result.exitCode !== null) record.exitCode = result.exitCode;
    let failure: string | undefined;
    if (result.timedOut) failure = `timed out after ${timeoutSeconds}s (${timeoutSource}) and was stopped`;
    else if (result.lost) failure = `was stopped, its exit status unknown: ${result.lost}`;
    else if (result.spawnError) failure = `could not start ${JSON.stringify(commandLine.argv[0])}: ${result.spawnError}`;
    else if (result.exitCode !== 0) failure = result.exitCode === null ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    else {
      try {
        const executorOutput = readExecutorOutput(outputFile, task);
        for (const name of executorOutput?.ignored ?? []) ctx.warn(record, `its executor output gives ${name}, which the component does not declare`);
        record.outputs = {
          parameters: readOutputParameters(task, layout.parameterFile, executorOutput),
          artifacts: withMetadata(checkOutputArtifacts(task, io.outputArtifacts), executorOutput),
        };
        return 'succeeded';
      } catch (error) {
        failure = (error as Error).message;
      }
    }
    if (attempt >= maxAttempts) throw new TaskFailure(failureReport(task.name, failure, attempt, layout.logFile).text);
    const waitMs = backoffMs(task, attempt) * ctx.backoffScale;
    ctx.changed(record, {
      state: 'PENDING',
      attempt,
      message: `attempt ${attempt} of ${maxAttempts} failed (${failure}); retrying${waitMs > 0 ? ` in ${(waitMs / 1000).toFixed(1)}s` : ''}`,
    });
    if (!(await sleep(waitMs, ctx.signal))) return 'cancelled';
  }
}

async function launchContainer(
  launcher: ContainerLauncher,
  task: IrTask,
  image: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  attempt: number,
  ctx: TaskRunContext,
  volumes: { host: string; path: string }[],
  extraMounts: string[] = [],
): Promise<ContainerLaunch> {
  const containerEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  try {
    return await launcher.launch({
      image,
      argv,
      env: containerEnv,
      mounts: [ctx.runDir, ...extraMounts],
      ...(volumes.length > 0 ? { volumes } : {}),
      name: `nx-kubeflow-${ctx.runId}-${task.name}-${attempt}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-'),
    });
  } catch (error) {
    throw new TaskFailure(`task "${task.name}": ${(error as Error).message}`);
  }
}

/** Input artifacts outside the run folder (an importer's file, taken where it is): a container needs them mounted too. */
export function importedPaths(inputs: { artifacts: Record<string, ArtifactLocation> }, runDir: string): string[] {
  const inside = (path: string) => path === runDir || path.startsWith(`${runDir}/`);
  return [...new Set(Object.values(inputs.artifacts).map((artifact) => artifact.path).filter((path) => !inside(path)))];
}

/** KFP's backoff: duration, times factor for every further retry, capped at the maximum. */
export function backoffMs(task: IrTask, failedAttempt: number): number {
  if (!task.retry) return 0;
  const { backoffSeconds, backoffFactor, backoffMaxSeconds } = task.retry;
  return Math.min(backoffSeconds * Math.pow(backoffFactor, failedAttempt - 1), backoffMaxSeconds) * 1000;
}

function artifactLocations(task: IrTask, layout: ReturnType<typeof taskLayout>): Record<string, ArtifactLocation> {
  return Object.fromEntries(task.outputArtifacts.map((name) => [name, layout.artifact(name)]));
}

/** Copies of the locations, each with the metadata the executor output gave its artifact. */
function withMetadata(artifacts: Record<string, ArtifactLocation>, executorOutput: ExecutorOutput | undefined): Record<string, ArtifactLocation> {
  return Object.fromEntries(
    Object.entries(artifacts).map(([name, artifact]) => {
      const metadata = executorOutput?.artifactMetadata[name];
      return [name, metadata ? { ...artifact, metadata } : { ...artifact }];
    }),
  );
}

/**
 * Every declared output parameter must have a value that parses as its type:
 * its file where it was written (the file wins, as in kfp.local), else the
 * executor output's value (the launcher's collectOutputParameters skips the
 * file for those).
 */
function readOutputParameters(task: IrTask, fileOf: (name: string) => string, executorOutput: ExecutorOutput | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(task.outputParameters)) {
    const file = fileOf(name);
    if (!existsSync(file) && executorOutput && name in executorOutput.parameters) {
      values[name] = executorOutput.parameters[name];
      continue;
    }
    if (!existsSync(file)) throw new Error(`output parameter "${name}" (${type}) was not written to ${file}${executorOutput ? ' nor given in its executor output' : ''}`);
    try {
      values[name] = parseParameterText(readFileSync(file, 'utf8'), type);
    } catch (error) {
      if (!(error instanceof ParameterValueError)) throw error;
      throw new Error(`output parameter "${name}" in ${file}: ${error.message}`);
    }
  }
  return values;
}

/** As the launcher's upload would, an output artifact the component did not write fails the task. */
function checkOutputArtifacts(task: IrTask, artifacts: Record<string, ArtifactLocation>): Record<string, ArtifactLocation> {
  for (const [name, artifact] of Object.entries(artifacts)) {
    if (!existsSync(artifact.path)) throw new Error(`output artifact "${name}" was not written to ${artifact.path}`);
  }
  return artifacts;
}

/**
 * The settings a component reads beside its sources, as one digest:
 * settings.local.toml and .secrets.* of its folders, and the DYNACONF_*
 * variables of the task's environment (dynaconf reads them last; a container gets only the runner's env).
 */
function localSettings(roots: string[], env: NodeJS.ProcessEnv, workspaceRoot: string): string | undefined {
  const digests = roots.map((root) => localSettingsDigest(join(workspaceRoot, root))).map((digest, index) => (digest ? `${roots[index]}:${digest}` : ''));
  const dynaconf = Object.keys(env)
    .filter((name) => /^(DYNACONF_|ENV_FOR_DYNACONF$|SETTINGS_FILES?_FOR_DYNACONF$)/.test(name))
    .sort()
    .map((name) => `${name}=${env[name]}`);
  if (digests.every((digest) => digest === '') && dynaconf.length === 0) return undefined;
  return createHash('sha256').update(JSON.stringify({ digests, dynaconf })).digest('hex');
}

/**
 * A cached task's log.txt in the new run folder: where its outputs came from,
 * then the log of the execution that made them, when the cache kept it.
 */
function writeCachedLog(cacheDir: string, key: string, origin: { runId: string; task: string }, logFile: string): void {
  mkdirSync(dirname(logFile), { recursive: true });
  const cached = cachedLogFile(cacheDir, key);
  const kept = existsSync(cached);
  // a JSON line, as the component's own
  const note = {
    severity: 'INFO',
    logger: 'nx-kubeflow',
    message: `outputs taken from the cache (run ${origin.runId}, task ${origin.task}); ${kept ? 'the log of that execution follows' : 'the cache entry kept no log of it'}`,
  };
  writeFileSync(logFile, `${JSON.stringify(note)}\n`);
  if (kept) appendFileSync(logFile, readFileSync(cached));
}

/** Resolves true after ms, false at once when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
