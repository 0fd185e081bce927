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
  /** The loop as the IR has it, and the name of this instance of it (qualified by the iterations around it). */
  loop: IrLoopGroup;
  instance: string;
  /** The IR's tasks, condition groups and loops (the templates of every iteration's). */
  ir: { tasks: IrTask[]; groups: IrConditionGroup[]; loops: IrLoopGroup[] };
  /** The iterations around this instance: each enclosing loop's iteration index and item. */
  outer: { indices: Map<string, number>; items: Map<string, unknown> };
  record: LoopRecord;
  rootParameters: Record<string, unknown>;
  /** Outputs of tasks (and loop instances) that succeeded, by name. */
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
  /** An instance of a loop inside an iteration: its record in run.json's loops, and the lists it hands on once it succeeded. */
  addLoopRecord: (instance: string, loop: IrLoopGroup) => LoopRecord;
  setLoopOutputs: (instance: string, outputs: TaskOutputs) => void;
  skipLoop: (record: LoopRecord, message: string) => void;
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
  if ('item' in loop.items) {
    // an iteration's copy of the loop holds the outer item as a constant (iterationLoop); a template never runs
    throw new LoopItemsError(`the item of enclosing loop "${loop.items.item.loop}" is not known here`);
  }
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

/**
 * Names inside iterations: a task, group or loop inside loops is named after the iterations it
 * runs in, outermost first: <loop>-iteration-<i>/<inner loop>-iteration-<j>/<task> (kfp.local
 * names an iteration's folder <loop>-iteration-<i>, its tasks' folders inside it: so does this runner).
 */
class IterationNames {
  private readonly enclosing = new Map<string, string | undefined>();

  constructor(ir: LoopRunContext['ir']) {
    for (const task of ir.tasks) this.enclosing.set(task.name, task.loop);
    for (const group of ir.groups) this.enclosing.set(group.name, group.loop);
    for (const loop of ir.loops) this.enclosing.set(loop.name, loop.loop);
  }

  /** The loop a task, group or loop sits in directly; undefined at the top. */
  loopOf(name: string): string | undefined {
    return this.enclosing.get(name);
  }

  qualify(name: string, indices: ReadonlyMap<string, number>): string {
    const chain: string[] = [];
    for (let loop = this.enclosing.get(name); loop !== undefined; loop = this.enclosing.get(loop)) chain.unshift(loop);
    if (chain.length === 0 || chain.some((loop) => !indices.has(loop))) return name;
    // inside a nested pipeline names carry its task's (<task>/<inner>, ir-nested-pipelines.ts): the iteration
    // goes after the loop's own name, <task>/<loop>-iteration-<i>/<inner>, not before the whole of it again
    const loop = chain[chain.length - 1];
    const scope = loop.slice(0, loop.lastIndexOf('/') + 1);
    const rest = name.startsWith(scope) ? name.slice(scope.length) : name;
    return `${this.qualify(loop, indices)}-iteration-${indices.get(loop)}/${rest}`;
  }
}

/** A copy of a task of the loop for one iteration: its own name, the items as constants, names qualified, the loop's own gate gone. */
function iterationTask(template: IrTask, names: IterationNames, indices: ReadonlyMap<string, number>, items: ReadonlyMap<string, unknown>, loop: string): IrTask {
  const qualify = (name: string) => names.qualify(name, indices);
  const parameterInputs: Record<string, ParameterSource> = {};
  for (const [input, source] of Object.entries(template.parameterInputs)) {
    parameterInputs[input] = source.kind === 'task-output' ? { ...source, task: qualify(source.task) } : source;
  }
  for (const [input, read] of Object.entries(template.loopItemInputs ?? {})) {
    parameterInputs[input] = { kind: 'constant', value: itemValue(items.get(read.loop), read.field, `task "${template.name}" input "${input}"`) };
  }
  const artifactInputs = Object.fromEntries(Object.entries(template.artifactInputs).map(([input, source]) => [input, { ...source, task: qualify(source.task) }]));
  return {
    ...template,
    name: qualify(template.name),
    // what the loop waited for has succeeded; inside an iteration only its own nodes are waited for
    dependsOn: template.dependsOn.filter((name) => names.loopOf(name) === loop).map(qualify),
    ...(template.afterCompletionOf ? { afterCompletionOf: template.afterCompletionOf.filter((name) => names.loopOf(name) === loop).map(qualify) } : {}),
    parameterInputs,
    artifactInputs,
  };
}

/** A copy of a condition group inside the loop for one iteration, named as its tasks are, the loop items its condition reads as constants. */
function iterationGroup(template: IrConditionGroup, names: IterationNames, indices: ReadonlyMap<string, number>, items: ReadonlyMap<string, unknown>, loop: string): IrConditionGroup {
  const qualify = (name: string) => names.qualify(name, indices);
  const conditionInputs: Record<string, ParameterSource> = {};
  for (const [input, source] of Object.entries(template.conditionInputs)) {
    conditionInputs[input] = source.kind === 'task-output' ? { ...source, task: qualify(source.task) } : source;
  }
  for (const [input, read] of Object.entries(template.conditionItemInputs ?? {})) {
    conditionInputs[input] = { kind: 'constant', value: itemValue(items.get(read.loop), read.field, `condition of group "${template.name}" input "${input}"`) };
  }
  const { parent, conditionItemInputs: _items, ...rest } = template;
  return {
    ...rest,
    name: qualify(template.name),
    ...(parent !== undefined && parent !== loop ? { parent: qualify(parent) } : {}),
    dependsOn: template.dependsOn.filter((name) => names.loopOf(name) === loop).map(qualify),
    conditionInputs,
    tasks: template.tasks.map(qualify),
    // a nested pipeline's node: what it waits for and what it hands on are this iteration's
    ...(template.afterCompletionOf ? { afterCompletionOf: template.afterCompletionOf.map(qualify) } : {}),
    ...(template.outputs ? { outputs: Object.fromEntries(Object.entries(template.outputs).map(([output, made]) => [output, { ...made, task: qualify(made.task) }])) } : {}),
    // a dsl.OneOf takes this iteration's branch tasks' outputs
    ...(template.oneOfOutputs
      ? { oneOfOutputs: Object.fromEntries(Object.entries(template.oneOfOutputs).map(([output, oneOf]) => [output, { ...oneOf, candidates: oneOf.candidates.map((candidate) => ({ ...candidate, task: qualify(candidate.task) })) }])) }
      : {}),
  };
}

/** A copy of a loop inside the loop for one iteration: its items read from this iteration's tasks, or this iteration's item (or a field of it). */
function iterationLoop(template: IrLoopGroup, names: IterationNames, indices: ReadonlyMap<string, number>, itemsByLoop: ReadonlyMap<string, unknown>, loop: string): IrLoopGroup {
  const qualify = (name: string) => names.qualify(name, indices);
  const items: IrLoopGroup['items'] =
    'item' in template.items
      ? { source: { kind: 'constant', value: itemValue(itemsByLoop.get(template.items.item.loop), template.items.item.field, `loop "${template.name}"`) } }
      : 'source' in template.items && template.items.source.kind === 'task-output'
        ? { source: { ...template.items.source, task: qualify(template.items.source.task) } }
        : template.items;
  const own = (list: string[]) => list.filter((name) => names.loopOf(name) === loop).map(qualify);
  return { ...template, items, dependsOn: own(template.dependsOn), ...(template.afterCompletionOf ? { afterCompletionOf: own(template.afterCompletionOf) } : {}) };
}

/** Runs every iteration; returns the loop's outcome and, when it succeeded, its collected outputs. */
export async function runLoop(ctx: LoopRunContext): Promise<{ outcome: TaskOutcome; outputs?: TaskOutputs }> {
  const { loop, record } = ctx;
  const names = new IterationNames(ctx.ir);
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
    return settle('FAILED', 'failed', `loop "${ctx.instance}": ${error.message}`);
  }
  const taskTemplates = ctx.ir.tasks.filter((task) => task.loop === loop.name);
  const groupTemplates = ctx.ir.groups.filter((group) => group.loop === loop.name);
  const loopTemplates = ctx.ir.loops.filter((inner) => inner.loop === loop.name);
  const iterations = items.map((item, index) => {
    const indices = new Map(ctx.outer.indices).set(loop.name, index);
    const itemsByLoop = new Map(ctx.outer.items).set(loop.name, item);
    try {
      const tasks = taskTemplates.map((template) => ({ template, task: iterationTask(template, names, indices, itemsByLoop, loop.name) }));
      const groups = groupTemplates.map((template) => iterationGroup(template, names, indices, itemsByLoop, loop.name));
      const loops = loopTemplates.map((template) => ({ template: iterationLoop(template, names, indices, itemsByLoop, loop.name), instance: names.qualify(template.name, indices) }));
      return { index, item, indices, itemsByLoop, tasks, groups, loops };
    } catch (error) {
      if (!(error instanceof LoopItemsError)) throw error;
      return { index, item, indices, itemsByLoop, tasks: [], groups: [], loops: [], error: error.message };
    }
  });
  const records = new Map<string, TaskRecord>();
  const loopRecords = new Map<string, LoopRecord>();
  record.iterations = iterations.map(({ index, item, tasks }) => ({ index, item, state: 'PENDING', tasks: tasks.map(({ task }) => task.name) }));
  for (const { tasks, groups, loops } of iterations) {
    for (const group of groups) ctx.addCondition(group);
    for (const { task } of tasks) records.set(task.name, ctx.addTaskRecord(task));
    for (const { template, instance } of loops) loopRecords.set(instance, ctx.addLoopRecord(instance, template));
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
        const loops = new Map(iteration.loops.map(({ template, instance }) => [instance, template]));
        const outcomes = new Map<string, TaskOutcome>();
        const runInner = async (instance: string): Promise<TaskOutcome> => {
          const inner = await runLoop({ ...ctx, loop: loops.get(instance)!, instance, outer: { indices: iteration.indices, items: iteration.itemsByLoop }, record: loopRecords.get(instance)! });
          if (inner.outputs) ctx.setLoopOutputs(instance, inner.outputs);
          return inner.outcome;
        };
        await scheduleTasks({
          tasks: [
            ...iteration.groups,
            ...iteration.loops.map(({ template, instance }) => ({ name: instance, dependsOn: template.dependsOn, afterCompletionOf: template.afterCompletionOf })),
            ...iteration.tasks.map(({ task }) => task),
          ],
          // the run's slots bound the processes; the iteration starts whatever is ready
          parallel: Number.MAX_SAFE_INTEGER,
          signal: ctx.signal,
          run: async (name) => {
            const outcome = groups.has(name)
              ? ctx.openCondition(groups.get(name)!)
              : loops.has(name)
                ? await runInner(name)
                : await ctx.runTask(byName.get(name)!.task, byName.get(name)!.template, records.get(name)!);
            outcomes.set(name, outcome);
            return outcome;
          },
          skip: (name, reason) => {
            const message = reason.interrupted ? 'the run was interrupted before it started' : ctx.skipReason(reason.upstream!);
            if (groups.has(name)) ctx.skipCondition(groups.get(name)!, message);
            else if (loops.has(name)) ctx.skipLoop(loopRecords.get(name)!, message);
            else ctx.skipTask(records.get(name)!, message);
          },
        });
        // a task a false condition skipped is no failure: the iteration failed when a task, a condition or an inner loop did
        const states = iteration.tasks.map(({ task }) => records.get(task.name)!.state);
        const innerStates = iteration.loops.map(({ instance }) => loopRecords.get(instance)!.state);
        entry.state = states.some((state) => state === 'CANCELLED') || innerStates.some((state) => state === 'CANCELLED') || ctx.signal?.aborted
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
    const why =
      iterations[first.index].error ??
      first.tasks.map((name) => records.get(name)!).find((task) => task.state === 'FAILED')?.error?.split('\n')[0] ??
      iterations[first.index].loops.map(({ instance }) => loopRecords.get(instance)!).find((inner) => inner.state === 'FAILED')?.error;
    return settle('FAILED', 'failed', `loop "${ctx.instance}": ${failed.length} of ${items.length} iteration(s) failed; iteration ${first.index} (item ${JSON.stringify(first.item)})${why ? `: ${why}` : ''}`);
  }
  const outputs: TaskOutputs = { parameters: {}, artifacts: {} };
  for (const [name, from] of Object.entries(loop.outputs)) {
    if ('loop' in from) {
      // an inner loop's list, one per iteration
      outputs.parameters[name] = iterations.map(({ indices }) => ctx.outputsOf(names.qualify(from.loop, indices))?.parameters[from.output]);
      continue;
    }
    // an iteration whose producer did not run (a false condition) adds nothing to the list; a producer that is no task
    // is the condition-branches group of a dsl.OneOf a nested pipeline returns (ir-nested-pipelines.ts), which
    // outputsOf resolves to this iteration's branch that succeeded
    outputs.parameters[name] = iterations
      .map(({ indices }) => names.qualify(from.task, indices))
      .map((producer) => {
        const task = records.get(producer);
        return task ? (task.state === 'SUCCEEDED' || task.state === 'CACHED' ? task.outputs : undefined) : ctx.outputsOf(producer);
      })
      .filter((made) => made !== undefined && Object.hasOwn(made.parameters, from.output))
      .map((made) => made!.parameters[from.output]);
  }
  if (Object.keys(loop.outputs).length > 0) record.outputs = outputs.parameters as Record<string, unknown[]>;
  settle('SUCCEEDED', 'succeeded');
  return { outcome: 'succeeded', outputs };
}
