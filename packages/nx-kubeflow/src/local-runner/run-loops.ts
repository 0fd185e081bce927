/**
 * Loops (kfp's for-loop-N groups, dsl.ParallelFor) in a local run. A loop is
 * one node of the run's schedule; when it starts, its items are resolved
 * (items.raw, or the pipeline parameter or upstream output the IR names) and
 * each item becomes an iteration: the loop's tasks under their own names,
 * <loop>-iteration-<i>/<task> (kfp.local's folders), so each iteration has its own folder and its
 * own lines in run.json, with the item (or its field) as the inputs that read
 * it. Iterations run side by side up to the loop's parallelismLimit, and every
 * task process still takes one of the run's slots (the run's `parallel`).
 * The loop SUCCEEDED when every iteration did; an iteration that failed fails
 * the loop (the others still run to their end) and what waits for the loop is
 * skipped, as on KFP. A loop that succeeded hands on its dag.outputs: per
 * output the list of that task output, one item per iteration in item order
 * (dsl.Collected).
 */
import type { IrConditionGroup, IrLoopGroup, IrTask, ParameterSource } from './ir-reader';
import type { LoopRecord, LoopState, TaskOutputs, TaskRecord } from './run-record';
import { scheduleTasks, type TaskOutcome } from './task-scheduler';

/** A counting semaphore: the run's task slots, and a loop's parallelismLimit. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, Math.floor(size));
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export interface LoopRunContext {
  loop: IrLoopGroup;
  /** The loop's tasks and condition groups as the IR has them (templates of each iteration's). */
  members: IrTask[];
  groups: IrConditionGroup[];
  record: LoopRecord;
  rootParameters: Record<string, unknown>;
  /** Outputs of tasks (and loops) that succeeded, by name. */
  outputsOf: (task: string) => TaskOutputs | undefined;
  /** A record for an iteration's task, added to run.json's tasks. */
  addTaskRecord: (task: IrTask) => TaskRecord;
  /** Runs one iteration's task (taking a run slot). */
  runTask: (task: IrTask, template: IrTask, record: TaskRecord) => Promise<TaskOutcome>;
  skipTask: (record: TaskRecord, message: string) => void;
  /** A condition group of an iteration: recorded in run.json's conditions, opened as the run's own are, or skipped. */
  addCondition: (group: IrConditionGroup) => void;
  openCondition: (group: IrConditionGroup) => TaskOutcome;
  skipCondition: (group: IrConditionGroup, message: string) => void;
  /** Why a node was skipped because `upstream` did not go on (a false condition says so). */
  skipReason: (upstream: string) => string;
  save: () => void;
  signal?: AbortSignal;
}

export class LoopItemsError extends Error {}

/** The loop's items: items.raw parsed, or the list its parameter or upstream output holds. */
export function loopItems(loop: IrLoopGroup, rootParameters: Record<string, unknown>, outputsOf: (task: string) => TaskOutputs | undefined): unknown[] {
  let value: unknown;
  let what: string;
  if ('raw' in loop.items) {
    what = 'items.raw';
    try {
      value = JSON.parse(loop.items.raw);
    } catch {
      throw new LoopItemsError(`${what} is not JSON: ${loop.items.raw}`);
    }
  } else {
    const source: ParameterSource = loop.items.source;
    if (source.kind === 'constant') {
      what = 'its items';
      value = source.value;
    } else if (source.kind === 'root-parameter') {
      what = `pipeline parameter "${source.name}"`;
      if (!Object.hasOwn(rootParameters, source.name)) throw new LoopItemsError(`${what} has no value`);
      value = rootParameters[source.name];
    } else {
      what = `output "${source.output}" of task "${source.task}"`;
      const outputs = outputsOf(source.task);
      if (!outputs || !Object.hasOwn(outputs.parameters, source.output)) throw new LoopItemsError(`${what} was not produced`);
      value = outputs.parameters[source.output];
    }
  }
  // a list handed on as text (a String output, or JSON written to a parameter file) is parsed, as kfp's driver does
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      /* reported below */
    }
  }
  if (!Array.isArray(value)) throw new LoopItemsError(`${what} is not a list, so there is nothing to loop over: ${JSON.stringify(value)}`);
  return value;
}

/** kfp's parseJson(string_value)["field"] on an item. */
function itemValue(item: unknown, field: string | undefined, where: string): unknown {
  if (field === undefined) return item;
  const record = typeof item === 'string' ? safeParse(item) : item;
  if (record === null || typeof record !== 'object' || Array.isArray(record) || !Object.hasOwn(record, field)) {
    throw new LoopItemsError(`${where} reads field "${field}" of item ${JSON.stringify(item)}, which has no such field`);
  }
  return (record as Record<string, unknown>)[field];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An iteration's copy of one of the loop's tasks: its own name, the item as constants, its siblings renamed, the loop's own gate gone. */
const iterationPrefix = (loop: IrLoopGroup, index: number) => `${loop.name}-iteration-${index}/`;
const member = (loop: IrLoopGroup, name: string) => loop.tasks.includes(name) || loop.groups.includes(name);

function iterationTask(template: IrTask, index: number, item: unknown, loop: IrLoopGroup): IrTask {
  // kfp.local names an iteration's folder <loop>-iteration-<i>, its tasks' folders inside it: so does this runner
  const prefix = iterationPrefix(loop, index);
  const inIteration = (name: string) => (member(loop, name) ? prefix + name : name);
  const parameterInputs: Record<string, ParameterSource> = {};
  for (const [input, source] of Object.entries(template.parameterInputs)) {
    parameterInputs[input] = source.kind === 'task-output' ? { ...source, task: inIteration(source.task) } : source;
  }
  for (const [input, read] of Object.entries(template.loopItemInputs ?? {})) {
    parameterInputs[input] = { kind: 'constant', value: itemValue(item, read.field, `task "${template.name}" input "${input}"`) };
  }
  const artifactInputs = Object.fromEntries(Object.entries(template.artifactInputs).map(([input, source]) => [input, { ...source, task: inIteration(source.task) }]));
  return {
    ...template,
    name: prefix + template.name,
    // what the loop waited for has succeeded; inside an iteration only its own tasks are waited for
    dependsOn: template.dependsOn.filter((name) => member(loop, name)).map(inIteration),
    parameterInputs,
    artifactInputs,
  };
}

/** An iteration's copy of a condition group inside the loop: renamed as its tasks are. */
function iterationGroup(template: IrConditionGroup, index: number, loop: IrLoopGroup): IrConditionGroup {
  const prefix = iterationPrefix(loop, index);
  const inIteration = (name: string) => (member(loop, name) ? prefix + name : name);
  const conditionInputs: Record<string, ParameterSource> = {};
  for (const [input, source] of Object.entries(template.conditionInputs)) {
    conditionInputs[input] = source.kind === 'task-output' ? { ...source, task: inIteration(source.task) } : source;
  }
  const { parent, ...rest } = template;
  return {
    ...rest,
    name: prefix + template.name,
    ...(parent !== undefined && parent !== loop.name ? { parent: inIteration(parent) } : {}),
    dependsOn: template.dependsOn.filter((name) => member(loop, name)).map(inIteration),
    conditionInputs,
    tasks: template.tasks.map(inIteration),
  };
}

/** Runs every iteration; returns the loop's outcome and, when it succeeded, its collected outputs. */
export async function runLoop(ctx: LoopRunContext): Promise<{ outcome: TaskOutcome; outputs?: TaskOutputs }> {
  const { loop, record } = ctx;
  const settle = (state: LoopState, outcome: TaskOutcome, error?: string) => {
    record.state = state;
    if (error !== undefined) record.error = error;
    ctx.save();
    return { outcome };
  };
  let items: unknown[];
  try {
    items = loopItems(loop, ctx.rootParameters, ctx.outputsOf);
  } catch (error) {
    if (!(error instanceof LoopItemsError)) throw error;
    return settle('FAILED', 'failed', `loop "${loop.name}": ${error.message}`);
  }
  const iterations = items.map((item, index) => {
    try {
      const tasks = ctx.members.map((template) => ({ template, task: iterationTask(template, index, item, loop) }));
      return { index, item, tasks, groups: ctx.groups.map((template) => iterationGroup(template, index, loop)) };
    } catch (error) {
      if (!(error instanceof LoopItemsError)) throw error;
      return { index, item, tasks: [], groups: [], error: error.message };
    }
  });
  const records = new Map<string, TaskRecord>();
  record.iterations = iterations.map(({ index, item, tasks }) => ({ index, item, state: 'PENDING', tasks: tasks.map(({ task }) => task.name) }));
  for (const { tasks, groups } of iterations) {
    for (const group of groups) ctx.addCondition(group);
    for (const { task } of tasks) records.set(task.name, ctx.addTaskRecord(task));
  }
  record.state = 'RUNNING';
  ctx.save();

  const limit = new Slots(loop.parallelism ?? Math.max(1, items.length));
  await Promise.all(
    iterations.map((iteration) =>
      limit.use(async () => {
        const entry = record.iterations[iteration.index];
        if (iteration.error !== undefined) {
          entry.state = 'FAILED';
          ctx.save();
          return;
        }
        entry.state = 'RUNNING';
        ctx.save();
        const byName = new Map(iteration.tasks.map(({ task, template }) => [task.name, { task, template }]));
        const groups = new Map(iteration.groups.map((group) => [group.name, group]));
        const outcomes = new Map<string, TaskOutcome>();
        await scheduleTasks({
          tasks: [...iteration.groups, ...iteration.tasks.map(({ task }) => task)],
          // the run's slots bound the processes; the iteration starts whatever is ready
          parallel: Number.MAX_SAFE_INTEGER,
          signal: ctx.signal,
          run: async (name) => {
            const outcome = groups.has(name) ? ctx.openCondition(groups.get(name)!) : await ctx.runTask(byName.get(name)!.task, byName.get(name)!.template, records.get(name)!);
            outcomes.set(name, outcome);
            return outcome;
          },
          skip: (name, reason) => {
            const message = reason.interrupted ? 'the run was interrupted before it started' : ctx.skipReason(reason.upstream!);
            if (groups.has(name)) ctx.skipCondition(groups.get(name)!, message);
            else ctx.skipTask(records.get(name)!, message);
          },
        });
        // a task a false condition skipped is no failure: the iteration failed when a task or a condition did
        const states = iteration.tasks.map(({ task }) => records.get(task.name)!.state);
        entry.state = states.some((state) => state === 'CANCELLED') || ctx.signal?.aborted
          ? 'CANCELLED'
          : states.some((state) => state === 'FAILED') || [...outcomes.values()].some((outcome) => outcome === 'failed')
            ? 'FAILED'
            : 'SUCCEEDED';
        ctx.save();
      }),
    ),
  );
  const failed = record.iterations.filter((iteration) => iteration.state !== 'SUCCEEDED');
  if (ctx.signal?.aborted || failed.some((iteration) => iteration.state === 'CANCELLED')) return settle('CANCELLED', 'cancelled', 'the run was interrupted');
  if (failed.length > 0) {
    const first = failed[0];
    const why = iterations[first.index].error ?? first.tasks.map((name) => records.get(name)!).find((task) => task.state === 'FAILED')?.error?.split('\n')[0];
    return settle('FAILED', 'failed', `loop "${loop.name}": ${failed.length} of ${items.length} iteration(s) failed; iteration ${first.index} (item ${JSON.stringify(first.item)})${why ? `: ${why}` : ''}`);
  }
  const outputs: TaskOutputs = { parameters: {}, artifacts: {} };
  for (const [name, { task, output }] of Object.entries(loop.outputs)) {
    // an iteration whose producer did not run (a false condition) adds nothing to the list
    outputs.parameters[name] = iterations
      .map(({ index }) => records.get(`${iterationPrefix(loop, index)}${task}`)!)
      .filter((producer) => (producer.state === 'SUCCEEDED' || producer.state === 'CACHED') && Object.hasOwn(producer.outputs.parameters, output))
      .map((producer) => producer.outputs.parameters[output]);
  }
  if (Object.keys(loop.outputs).length > 0) record.outputs = outputs.parameters as Record<string, unknown[]>;
  settle('SUCCEEDED', 'succeeded');
  return { outcome: 'succeeded', outputs };
}
