/**
 * The local runner: executes a compiled KFP IR on this machine, the way the
 * embedded backend of DESIGN section 7 needs it. One call runs one run to its
 * end and returns how every task went; run.json in the run folder says the
 * same at every moment.
 *
 * Files of a run (runDir = e.g. dist/runs/<pipeline>/<run-id>):
 *   run.json                                  the run record (run-record.ts)
 *   pipeline.yaml                             the IR the run executed, as it was (the run view draws its graph from it)
 *   <task>/log.txt                            stdout + stderr of the last attempt
 *   <task>/log.attempt-<n>.txt                earlier attempts' logs
 *   <task>/outputs/artifacts/<name>           output artifact (a file or folder the component writes)
 *   <task>/outputs/parameters/<name>          output parameter file
 *   <task>/outputs/executor_output.json       the executor output, where the task wrote one
 *                                             (artifacts' metadata, parameters; executor-output.ts)
 * An artifact's URI is its absolute local path (as kfp.local has it), not a
 * file:// URL, so {{...uri}} and {{...path}} are the same text locally.
 * `{{$}}` is the task's executor input (executor-input.ts), and KFP's runtime
 * placeholders resolve to the run: {{$.pipeline_job_name}} to
 * <pipeline>-<run id>, {{$.pipeline_job_uuid}} to the run id,
 * {{$.pipeline_task_name}} to the task.
 *
 * Conditions (kfp's condition groups) are gates in the same schedule: a group
 * opens once what it waits for succeeded and its triggerPolicy.condition
 * (cel-condition.ts) is true; when it is false its tasks, inner groups'
 * included, are SKIPPED with the reason and the run goes on, as on KFP.
 * run.json's `conditions` says how each group went.
 *
 * Loops (kfp's for-loop-N groups) run each item as an iteration of their
 * own, in <loop>-iteration-<i>/ of the run folder, as kfp.local names them (run-loops.ts); run.json's
 * `loops` lists them, and `tasks` each iteration's tasks.
 *
 * Exit handlers (exit-handler-N) open like a group without a condition; their
 * exit task starts once everything inside has ended, succeeded or not, and a
 * PipelineTaskFinalStatus input gets how the group ended
 * (exit-handler-status.ts); run.json's `exitHandlers` says it too. A task with
 * ignore_upstream_failure starts once its upstream tasks have ended; an input
 * a failed upstream did not produce takes its default. The run's state is
 * still FAILED when a task failed, whatever the exit task does, as on KFP.
 *
 * Nested pipelines (a task that runs a pipeline) run as their tasks, named
 * <task>/<inner task>, each with its folder, log, cache and record like any
 * task; the task's own node waits for them and says how the pipeline went
 * (run-nested-pipelines.ts); run.json's `nestedPipelines` says it too.
 *
 * Importers (dsl.importer) take local paths and file:// URIs where they are
 * (importer-task.ts); any other scheme fails the task, naming it.
 * kfp-kubernetes' CreatePVC and DeletePVC tasks make and remove a claim's
 * folder under dist/kfp-local/volumes (pvc-task.ts).
 *
 * Not available locally: cluster secrets (the variable stays unset, with a
 * warning event), resources and accelerators (ignored), images (a task runs
 * as a subprocess: in its component's venv or as its command stands; a task
 * whose pipeline.yaml gives it its own image: says that image is not used).
 */
import { oneOfGap, oneOfGroupOutputs } from './one-of-outputs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { CelError, evaluateCondition } from './cel-condition';
import { runImporter } from './importer-task';
import { isPvcTask, runPvcTask } from './pvc-task';
import { exitHandlerOutcome, finalStatus, taskFinalStatus, type ExitHandlerRecord } from './exit-handler-status';
import { readIr, readIrFile, type IrConditionGroup, type IrDocuments, type IrPipeline } from './ir-reader';
import { resolveRootParameters } from './parameter-values';
import { currentOwner, markAbandonedRuns } from './run-owner';
import { RUN_IR_FILE, RUN_RECORD_FILE, RunRecordWriter, type ConditionRecord, type LoopRecord, type RunRecordData, type RunState, type TaskOutputs, type TaskRecord, type TaskState } from './run-record';
import { VenvProvider, type TaskMode, type VenvSettings } from './task-environment';
import { taskLayout } from './task-layout';
import { runTask } from './task-runner';
import { checkAcyclic, scheduleTasks, type TaskOutcome } from './task-scheduler';
import { TaskWatchdog } from './task-watchdog';
import { forkServerEnabled, PythonForkServers } from './python-fork-server';
import { runLoop, Slots } from './run-loops';
import { endNestedPipeline, nestedPipelineRecord, skipNestedPipeline, type NestedPipelineRecord } from './run-nested-pipelines';
import type { IrTask } from './ir-reader';

export type RunEvent =
  /** One per task state change: RUNNING (with its attempt), PENDING again before a retry, then its end state. */
  | { kind: 'task-state'; task: string; state: TaskState; attempt?: number; message?: string }
  /** Something the user should know that does not stop the task (e.g. a secret that is not available locally). */
  | { kind: 'warning'; task?: string; message: string }
  /** Progress outside any task state, e.g. a venv being created. */
  | { kind: 'info'; task?: string; message: string };

export interface RunPipelineOptions {
  /** The compiled IR: its documents, or the path of the pipeline.yaml compile wrote. */
  ir: IrDocuments | { irFile: string };
  /** Absolute, or relative to workspaceRoot. */
  runDir: string;
  runId: string;
  pipelineName: string;
  /** Root parameter values overriding the IR's defaults; text is parsed by the parameter's type. */
  parameters?: Record<string, unknown>;
  /** How to run each task, by IR task name (its DAG's tasks key, condition groups' tasks included); every task needs one. */
  tasks: Record<string, TaskMode>;
  workspaceRoot: string;
  /** Tasks running at once; default os.availableParallelism(). */
  parallel?: number;
  /** Absolute, or relative to workspaceRoot, e.g. dist/kfp-local/cache. */
  cacheDir: string;
  /** Added to every task's environment, over the IR's container env. Part of the cache key. */
  env?: Record<string, string>;
  onEvent?: (event: RunEvent) => void;
  /** Abort to interrupt: running tasks are stopped and CANCELLED, waiting ones SKIPPED. */
  signal?: AbortSignal;
  /** Multiplies retry backoff waits (tests use 0 or a small fraction); default 1. */
  backoffScale?: number;
  /** Between SIGTERM and SIGKILL when a task is stopped; default 5000. */
  killGraceMs?: number;
  /** How the venvs of 'venv' tasks are built (as the test target's options). */
  venv?: VenvSettings;
  /** A task's time limit where its IR sets none (kfp-kubernetes' set_timeout wins); default none. */
  defaultTimeoutSeconds?: number;
  /** Told each task process's pid as it starts. */
  onProcessStart?: (task: string, pid: number) => void;
  /**
   * Venv-mode Python tasks start as forks of a warm interpreter per venv (python-fork-server.ts);
   * default: on, except on Windows or with NX_KUBEFLOW_PYTHON_FORK_SERVER=0.
   */
  forkServer?: boolean;
  /** The published version it runs (the local backend's content-hash name), kept in run.json. */
  version?: string;
}

export interface RunResult extends RunRecordData {
  state: Exclude<RunState, 'RUNNING'>;
  runDir: string;
  /** run.json's path. */
  recordFile: string;
}

export class RunSetupError extends Error {}

/** IR documents given as objects, written as compile writes a pipeline.yaml: the PipelineSpec, then the platform spec. */
function irYaml(documents: IrDocuments): string {
  return [documents.pipelineSpec, ...(documents.platformSpec ? [documents.platformSpec] : [])].map((document) => stringify(document)).join('---\n');
}

/**
 * The run's pipeline outputs, as kfp.local returns them: each the value (or
 * artifact) of the task output it names. One whose task did not succeed is left out.
 */
function pipelineOutputs(outputs: IrPipeline['outputs'], outputsOf: (task: string) => TaskOutputs | undefined): TaskOutputs {
  const result: TaskOutputs = { parameters: {}, artifacts: {} };
  for (const [name, source] of Object.entries(outputs)) {
    const task = outputsOf(source.task);
    if (source.kind === 'parameter' && task && Object.hasOwn(task.parameters, source.output)) result.parameters[name] = task.parameters[source.output];
    if (source.kind === 'artifact' && task && Object.hasOwn(task.artifacts, source.output)) result.artifacts[name] = task.artifacts[source.output];
  }
  return result;
}

/** The values of the pipeline channels a condition reads, as the group's parent DAG feeds them. */
function conditionValues(
  group: IrConditionGroup,
  rootParameters: Record<string, unknown>,
  outputsOf: (task: string) => TaskOutputs | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [input, source] of Object.entries(group.conditionInputs)) {
    if (source.kind === 'constant') values[input] = source.value;
    else if (source.kind === 'root-parameter') {
      if (!Object.hasOwn(rootParameters, source.name)) throw new CelError(`${input} comes from pipeline parameter "${source.name}", which has no value`);
      values[input] = rootParameters[source.name];
    } else {
      const outputs = outputsOf(source.task);
      if (!outputs || !Object.hasOwn(outputs.parameters, source.output)) throw new CelError(`${input} comes from output "${source.output}" of task "${source.task}", which it did not produce`);
      values[input] = outputs.parameters[source.output];
    }
  }
  return values;
}

/**
 * Runs the IR. Problems found before any task starts (unreadable IR, bad
 * parameters, tasks without a mode, a dependency cycle) throw; everything
 * after that - failed, skipped or cancelled tasks - is in the result.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunResult> {
  const workspaceRoot = resolve(options.workspaceRoot);
  const runDir = resolve(workspaceRoot, options.runDir);
  const cacheDir = resolve(workspaceRoot, options.cacheDir);
  const irDocuments = 'irFile' in options.ir ? readIrFile(resolve(workspaceRoot, options.ir.irFile)) : options.ir;
  const ir = readIr(irDocuments);
  // an importer runs no process (importer-task.ts): it needs no run mode
  // nor does a CreatePVC or DeletePVC task (pvc-task.ts)
  const missing = ir.tasks.filter((task) => !task.importer && !isPvcTask(task) && !options.tasks[task.name]).map((task) => task.name);
  if (missing.length > 0) throw new RunSetupError(`no run mode given for task(s) ${missing.join(', ')} (tasks of the IR: ${ir.tasks.map((t) => t.name).join(', ')})`);
  checkAcyclic([...ir.groups, ...ir.tasks]);
  const rootParameters = resolveRootParameters(ir.rootParameters, options.parameters);
  const emit = options.onEvent ?? (() => undefined);

  // Runs of this pipeline whose runner died (kill -9, a crash) still say RUNNING: say what became of them.
  for (const abandoned of markAbandonedRuns(dirname(runDir))) {
    emit({ kind: 'warning', message: `run ${abandoned} was left RUNNING by a runner that is gone; marked CANCELLED` });
  }

  for (const note of ir.groups.flatMap((group) => group.notes ?? [])) emit({ kind: 'warning', message: note });
  if (ir.pipelineRoot) emit({ kind: 'warning', message: `pipeline_root ${ir.pipelineRoot} is where KFP puts the run's artifacts; a local run keeps them in ${relative(workspaceRoot, runDir) || runDir}` });

  const started = Date.now();
  const record: RunRecordData = {
    pipelineName: options.pipelineName,
    runId: options.runId,
    state: 'RUNNING',
    startedAt: new Date(started).toISOString(),
    ...(options.version ? { version: options.version } : {}),
    parameters: rootParameters,
    owner: currentOwner(),
    // a loop's tasks get a record per iteration when the loop starts
    tasks: ir.tasks.filter((task) => task.loop === undefined).map((task) => ({
      name: task.name,
      componentName: task.componentName,
      state: 'PENDING',
      attempts: 0,
      cached: false,
      outputs: { parameters: {}, artifacts: {} },
      logFile: taskLayout(runDir, task.name).logFile,
      warnings: [],
    })),
  };
  // a loop's condition groups are recorded per iteration when the loop starts
  const conditionGroups = ir.groups.filter((group) => group.kind === undefined && group.loop === undefined);
  // so are its nested pipelines
  const nestedRecords = new Map<string, NestedPipelineRecord>(
    ir.groups.filter((group) => group.kind === 'nested-pipeline' && group.loop === undefined).map((group) => [group.name, nestedPipelineRecord(group)]),
  );
  if (nestedRecords.size > 0) record.nestedPipelines = [...nestedRecords.values()];
  const exitHandlerRecords = new Map<string, ExitHandlerRecord>(
    ir.groups
      .filter((group) => group.kind === 'exit-handler')
      .map((group) => {
        const exitTask = ir.tasks.find((task) => !group.tasks.includes(task.name) && task.afterCompletionOf?.includes(group.name))?.name;
        return [group.name, { name: group.name, ...(exitTask ? { exitTask } : {}), state: 'PENDING', tasks: group.tasks }];
      }),
  );
  if (exitHandlerRecords.size > 0) record.exitHandlers = [...exitHandlerRecords.values()];
  if (conditionGroups.length > 0) {
    record.conditions = conditionGroups.map((group) => ({
      name: group.name,
      ...(group.parent ? { parent: group.parent } : {}),
      ...(group.condition !== undefined ? { condition: group.condition } : {}),
      state: 'PENDING',
      tasks: group.tasks,
    }));
  }
  // loops inside loops run per iteration of theirs (run-loops.ts): the run schedules the outer ones
  const loops = new Map((ir.loops ?? []).filter((loop) => loop.loop === undefined).map((loop) => [loop.name, loop]));
  if (loops.size > 0) {
    record.loops = [...loops.values()].map((loop) => ({
      name: loop.name,
      ...(loop.parent ? { parent: loop.parent } : {}),
      state: 'PENDING',
      ...(loop.parallelism ? { parallelism: loop.parallelism } : {}),
      iterations: [],
    }));
  }
  const loopRecords = new Map((record.loops ?? []).map((loop) => [loop.name, loop]));
  /** A group (loop, exit handler, condition) that never opened: its record, and the reason its tasks did not run. */
  const skipGroupRecord = (groupRecord: { name: string; state: string; error?: string }, message: string) => {
    groupRecord.state = 'SKIPPED';
    groupRecord.error = message;
    groupReasons.set(groupRecord.name, message);
    save();
  };
  /** The lists each loop that succeeded hands on (dsl.Collected), as if it were a task's outputs. */
  const loopOutputs = new Map<string, TaskOutputs>();
  const byName = new Map(record.tasks.map((task) => [task.name, task]));
  const irTasks = new Map(ir.tasks.map((task) => [task.name, task]));
  const groups = new Map(ir.groups.map((group) => [group.name, group]));
  const conditionRecords = new Map((record.conditions ?? []).map((condition) => [condition.name, condition]));
  /** Why a group's tasks did not run, by group: its own condition, or what made it skip. */
  const groupReasons = new Map<string, string>();
  const recordWriter = new RunRecordWriter(runDir, record);
  const save = () => recordWriter.save();
  mkdirSync(runDir, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  // the IR as executed, beside the record: a later compile or publish does not change what this run was
  writeFileSync(resolve(runDir, RUN_IR_FILE), 'irFile' in options.ir ? readFileSync(resolve(workspaceRoot, options.ir.irFile), 'utf8') : irYaml(irDocuments));
  save();
  const killGraceMs = options.killGraceMs ?? 5000;
  const watchdog = new TaskWatchdog(resolve(runDir, RUN_RECORD_FILE), killGraceMs);
  const forkServers = (options.forkServer ?? forkServerEnabled()) ? new PythonForkServers((message) => emit({ kind: 'info', message })) : undefined;

  const changed = (task: TaskRecord, event: { state: TaskState; attempt?: number; message?: string }) => {
    task.state = event.state;
    save();
    emit({ kind: 'task-state', task: task.name, ...event });
  };
  const venvs = new VenvProvider(workspaceRoot, options.venv ?? {}, (message) => emit({ kind: 'info', message }));
  /** condition-branches groups with dsl.OneOf outputs, the run's and each iteration's, by name. */
  const oneOfGroups = new Map(ir.groups.filter((group) => group.oneOfOutputs).map((group) => [group.name, group]));
  const succeededOutputs = (name: string): TaskOutputs | undefined => {
    if (loopOutputs.has(name)) return loopOutputs.get(name);
    const oneOf = oneOfGroups.get(name);
    if (oneOf) return oneOfGroupOutputs(oneOf, (task) => byName.get(task));
    // a nested pipeline hands on its outputs once it succeeded (run-nested-pipelines.ts)
    const nested = nestedRecords.get(name);
    if (nested) return nested.state === 'SUCCEEDED' ? (nested.outputs ?? { parameters: {}, artifacts: {} }) : undefined;
    const task = byName.get(name);
    return task && (task.state === 'SUCCEEDED' || task.state === 'CACHED') ? task.outputs : undefined;
  };

  const pipelineJobName = `${options.pipelineName}-${options.runId}`;
  /** What a PipelineTaskFinalStatus input gets: how the task, or the exit handler group, ended. */
  const finalStatusOf = (producer: string): Record<string, unknown> => {
    const handler = exitHandlerRecords.get(producer);
    const nested = nestedRecords.get(producer);
    if (nested) return finalStatus(producer, nested.state, pipelineJobName, nested.error);
    if (!handler) return taskFinalStatus(byName.get(producer)!, pipelineJobName);
    const outcome = exitHandlerOutcome(handler, record.tasks, record.conditions ?? [], handler.state === 'SKIPPED' ? handler.error : undefined);
    if (handler.state !== 'SKIPPED') {
      handler.state = outcome.state;
      if (outcome.error !== undefined) handler.error = outcome.error;
      save();
    }
    return finalStatus(producer, outcome.state, pipelineJobName, outcome.error);
  };

  const openGroup = (group: IrConditionGroup): TaskOutcome => {
    if (group.kind === 'nested-pipeline') {
      const nested = nestedRecords.get(group.name)!;
      const outcome = endNestedPipeline(group, nested, {
        task: (name) => byName.get(name),
        condition: (name) => conditionRecords.get(name),
        loop: (name) => loopRecords.get(name),
        nested: (name) => nestedRecords.get(name),
        outputsOf: succeededOutputs,
      }, options.signal?.aborted === true);
      if (outcome !== 'succeeded' && nested.error) groupReasons.set(group.name, `nested pipeline "${group.name}" did not succeed: ${nested.error}`);
      save();
      return outcome;
    }
    const handler = exitHandlerRecords.get(group.name);
    if (handler) {
      handler.state = 'RUNNING';
      save();
      return 'succeeded';
    }
    const condition = conditionRecords.get(group.name)!;
    const settle = (state: ConditionRecord['state'], outcome: TaskOutcome, error?: string) => {
      condition.state = state;
      if (error !== undefined) {
        condition.error = error;
        groupReasons.set(group.name, error);
      }
      save();
      return outcome;
    };
    if (!group.expression) return settle('TRUE', 'succeeded');
    try {
      condition.inputs = conditionValues(group, rootParameters, succeededOutputs);
      const value = evaluateCondition(group.expression, condition.inputs);
      emit({ kind: 'info', message: `condition ${group.name} is ${value}: ${group.condition}` });
      return value ? settle('TRUE', 'succeeded') : settle('FALSE', 'skipped', `condition "${group.name}" is false (${group.condition})`);
    } catch (error) {
      if (!(error instanceof CelError)) throw error;
      const message = `condition "${group.name}" could not be evaluated: ${error.message} (${group.condition})`;
      emit({ kind: 'warning', message });
      return settle('FAILED', 'failed', message);
    }
  };
  const skipReason = (upstream: string) => groupReasons.get(upstream) ?? `upstream task "${upstream}" did not succeed`;

  let interrupted = false;
  // an importer runs no process: it takes a local file where it is (importer-task.ts)
  const warnTask = (task: TaskRecord, message: string) => {
    task.warnings.push(message);
    emit({ kind: 'warning', task: task.name, message });
  };
  const runOne = (task: IrTask, mode: TaskMode, taskRecord: TaskRecord): Promise<TaskOutcome> =>
    task.importer
      ? Promise.resolve(runImporter(task, taskRecord, { workspaceRoot, rootParameters, changed }))
      : isPvcTask(task)
        ? Promise.resolve(runPvcTask(task, taskRecord, { workspaceRoot, pipelineName: options.pipelineName, runId: options.runId, rootParameters, outputsOf: succeededOutputs, changed, warn: warnTask }))
      : runTask(task, mode, taskRecord, {
      workspaceRoot,
      runDir,
      runId: options.runId,
      pipelineName: options.pipelineName,
      cacheDir,
      extraEnv: options.env ?? {},
      rootParameters,
      outputsOf: succeededOutputs,
      venvs,
      signal: options.signal,
      backoffScale: options.backoffScale ?? 1,
      killGraceMs,
      defaultTimeoutSeconds: options.defaultTimeoutSeconds,
      watchdog,
      forkServers,
      changed,
      warn: warnTask,
      onProcessStart: options.onProcessStart,
      finalStatusOf,
    });
  const parallel = options.parallel ?? availableParallelism();
  // with loops, tasks run inside loop nodes too: the run's slots bound every task process, wherever it is scheduled
  const slots = loops.size > 0 ? new Slots(parallel) : undefined;
  const startTask = (task: IrTask, mode: TaskMode, taskRecord: TaskRecord) => {
    // a dsl.OneOf input whose branch task failed: skipped, as what waits for a failed task is
    const gap = oneOfGap(task, (name) => oneOfGroups.get(name), (name) => byName.get(name));
    if (gap !== undefined) {
      taskRecord.error = gap;
      changed(taskRecord, { state: 'SKIPPED', message: gap });
      return Promise.resolve<TaskOutcome>('skipped');
    }
    const start = () => {
      if (options.signal?.aborted && slots) {
        interrupted = true;
        taskRecord.error = 'the run was interrupted before it started';
        changed(taskRecord, { state: 'SKIPPED', message: taskRecord.error });
        return Promise.resolve<TaskOutcome>('skipped');
      }
      return runOne(task, mode, taskRecord);
    };
    return slots ? slots.use(start) : start();
  };
  const runLoopNode = async (name: string): Promise<TaskOutcome> => {
    const loop = loops.get(name)!;
    const { outcome, outputs } = await runLoop({
      loop,
      instance: name,
      ir: { tasks: ir.tasks, groups: ir.groups, loops: ir.loops ?? [] },
      outer: { indices: new Map(), items: new Map() },
      addLoopRecord: (instance, inner) => {
        const loopRecord: LoopRecord = { name: instance, state: 'PENDING', ...(inner.parallelism ? { parallelism: inner.parallelism } : {}), iterations: [] };
        (record.loops ??= []).push(loopRecord);
        loopRecords.set(instance, loopRecord);
        return loopRecord;
      },
      setLoopOutputs: (instance, outputs) => loopOutputs.set(instance, outputs),
      skipLoop: skipGroupRecord,
      addCondition: (group) => {
        if (group.oneOfOutputs) oneOfGroups.set(group.name, group);
        if (group.kind === 'nested-pipeline') {
          const nested = nestedPipelineRecord(group);
          (record.nestedPipelines ??= []).push(nested);
          nestedRecords.set(group.name, nested);
          return;
        }
        const condition: ConditionRecord = {
          name: group.name,
          ...(group.parent ? { parent: group.parent } : {}),
          ...(group.condition !== undefined ? { condition: group.condition } : {}),
          state: 'PENDING',
          tasks: group.tasks,
        };
        (record.conditions ??= []).push(condition);
        conditionRecords.set(group.name, condition);
      },
      openCondition: (group) => openGroup(group),
      skipCondition: (group, message) => {
        const nested = nestedRecords.get(group.name);
        if (nested) {
          skipNestedPipeline(nested, message, message === 'the run was interrupted before it started');
          groupReasons.set(group.name, message);
          save();
          return;
        }
        const condition = conditionRecords.get(group.name)!;
        condition.state = 'SKIPPED';
        condition.error = message;
        groupReasons.set(group.name, message);
        save();
      },
      skipReason,
      record: loopRecords.get(name)!,
      rootParameters,
      outputsOf: succeededOutputs,
      addTaskRecord: (task) => {
        const taskRecord: TaskRecord = {
          name: task.name,
          componentName: task.componentName,
          state: 'PENDING',
          attempts: 0,
          cached: false,
          outputs: { parameters: {}, artifacts: {} },
          logFile: taskLayout(runDir, task.name).logFile,
          warnings: [],
        };
        record.tasks.push(taskRecord);
        byName.set(task.name, taskRecord);
        return taskRecord;
      },
      runTask: (task, template, taskRecord) => startTask(task, options.tasks[template.name], taskRecord),
      skipTask: (taskRecord, message) => {
        if (message === 'the run was interrupted before it started') interrupted = true;
        taskRecord.error = message;
        changed(taskRecord, { state: 'SKIPPED', message });
      },
      save,
      signal: options.signal,
    });
    if (outputs) loopOutputs.set(name, outputs);
    if (outcome !== 'succeeded') groupReasons.set(name, loopRecords.get(name)!.error ?? `loop "${name}" did not succeed`);
    return outcome;
  };
  try {
    await scheduleTasks({
      tasks: [...ir.groups.filter((group) => group.loop === undefined), ...loops.values(), ...ir.tasks.filter((task) => task.loop === undefined)],
      parallel: slots ? Number.MAX_SAFE_INTEGER : parallel,
      signal: options.signal,
      run: (name) =>
        groups.has(name)
          ? Promise.resolve(openGroup(groups.get(name)!))
          : loops.has(name)
            ? runLoopNode(name)
            : startTask(irTasks.get(name)!, options.tasks[name], byName.get(name)!),
      skip: (name, reason) => {
        if (reason.interrupted) interrupted = true;
        const message = reason.interrupted ? 'the run was interrupted before it started' : skipReason(reason.upstream!);
        const nested = nestedRecords.get(name);
        if (nested) {
          skipNestedPipeline(nested, message, reason.interrupted === true);
          groupReasons.set(name, message);
          save();
          return;
        }
        const group = exitHandlerRecords.get(name) ?? loopRecords.get(name) ?? conditionRecords.get(name);
        if (group) {
          skipGroupRecord(group, message);
          return;
        }
        const task = byName.get(name)!;
        task.error = message;
        changed(task, { state: 'SKIPPED', message });
      },
    });
  } finally {
    // every task process has ended and was reported: the watchdog exits without touching anything
    watchdog.close();
    await forkServers?.close();
    recordWriter.flush(); // a change a large run's writer was holding back, even if the scheduler threw
  }

  // how each exit handler ended, where no final status input asked already
  for (const handler of exitHandlerRecords.values()) {
    if (handler.state === 'SKIPPED' || handler.state === 'PENDING') continue;
    const outcome = exitHandlerOutcome(handler, record.tasks, record.conditions ?? []);
    handler.state = outcome.state;
    if (outcome.error !== undefined) handler.error = outcome.error;
  }
  const finished = Date.now();
  const failed =
    record.tasks.find((task) => task.state === 'FAILED') ?? record.conditions?.find((condition) => condition.state === 'FAILED') ?? record.loops?.find((loop) => loop.state === 'FAILED');
  // An abort that came after the last task ended interrupted nothing.
  record.state = interrupted || record.tasks.some((task) => task.state === 'CANCELLED') ? 'CANCELLED' : failed ? 'FAILED' : 'SUCCEEDED';
  // The failure's first line; the whole of it (error, traceback, log path) is the task's, told once as it failed.
  if (failed?.error) record.error = failed.error.split('\n')[0];
  else if (record.state === 'CANCELLED') record.error = 'the run was interrupted';
  if (Object.keys(ir.outputs).length > 0) record.outputs = pipelineOutputs(ir.outputs, succeededOutputs);
  record.finishedAt = new Date(finished).toISOString();
  record.durationMs = finished - started;
  delete record.owner;
  recordWriter.flush();
  return { ...record, state: record.state as RunResult['state'], runDir, recordFile: resolve(runDir, 'run.json') };
}
