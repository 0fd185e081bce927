/**
 * Nested pipelines (a pipeline run as a task: kfp's pipeline used as a
 * component, pipeline.yaml's `pipeline: <project>`) in the IR the local
 * runner reads. kfp folds the inner pipeline into the outer IR as a DAG
 * component (comp-<task>): its tasks in that component's dag, its inputs
 * read there by componentInputParameter/componentInputArtifact, its outputs
 * named by the dag's outputs selectors (src/kfp/ir-nested-pipeline.ts).
 *
 * The reader flattens it as it flattens condition groups. Every task inside
 * becomes a task of the run named <task>/<inner task> (its folder in the run;
 * a pipeline nested in a nested one gives <task>/<inner>/<innermost>), so a
 * pipeline run twice, or an inner task named like an outer one, stays apart:
 * the inner dag, and the dags of the groups inside it, are read from a copy
 * whose names carry that prefix. The inner tasks take what the task is
 * given, or the inner pipeline's defaults, and wait for what the task waits
 * for (Scope.after); they sit in the task's condition group, loop iteration
 * or exit handler. The task itself becomes a node of kind 'nested-pipeline'
 * that waits for everything inside to end (afterCompletionOf) and succeeds
 * when nothing inside failed (a false condition inside is no failure), as
 * KFP's DAG does: what waits for the task waits for it, and is skipped when
 * it failed. Its outputs are those of the nodes inside that make them
 * (dag.outputs), handed on by its node once it succeeded.
 */
import {
  EXIT_HANDLER_NAME,
  GROUP_NAME,
  innerItemScope,
  IrReadError,
  type IrConditionGroup,
  type IrLoopGroup,
  type IrPipelineOutput,
  type ParameterSource,
  type ReadContext,
  type Scope,
  type TaskWiring,
} from './ir-reader';

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});
const name = (text: string) => JSON.stringify(text);

/** A nested pipeline's outputs by name: the output of the node inside that makes it (a task, a loop's list, or a nested pipeline's output). */
export type NestedPipelineOutputs = Record<string, IrPipelineOutput>;

/** Of the tasks that run a DAG component: one that is not a loop, a condition group or an exit handler runs a pipeline. */
export function isNestedPipelineTask(taskName: string, task: Dict): boolean {
  return task.parameterIterator === undefined && task.artifactIterator === undefined && !GROUP_NAME.test(taskName) && !EXIT_HANDLER_NAME.test(taskName);
}

type ReadDag = (dag: Dict, scope: Scope, ctx: ReadContext) => string[];

/** Reads the nested pipeline of task `taskName` into ctx (its tasks, groups, loops, and its own node); returns every name inside. */
export function readNestedPipeline(taskName: string, task: Dict, wiring: TaskWiring, scope: Scope, ctx: ReadContext, readDag: ReadDag): string[] {
  const where = `task ${name(taskName)}`;
  if (task.triggerPolicy !== undefined) {
    throw new IrReadError(
      `${where} runs a nested pipeline with triggerPolicy ${JSON.stringify(task.triggerPolicy)} (an exit task or ignore_upstream_failure), which the local runner does not run; put it on a task inside that pipeline`,
    );
  }
  if (Object.keys(wiring.finalStatus ?? {}).length > 0) throw new IrReadError(`${where} runs a nested pipeline that takes a final status (taskFinalStatus), which the local runner does not run`);
  const componentName = String(dict(task.componentRef).name ?? '');
  const component = dict(ctx.components[componentName]);
  const prefix = `${taskName}/`;
  const body = qualifiedDag(dict(component.dag), prefix, ctx.components);
  const inner: Scope = {
    ...(scope.group ? { group: scope.group } : {}),
    ...(scope.loop !== undefined ? { loop: scope.loop } : {}),
    ...innerItemScope(wiring),
    // its group is every inner node's group already
    after: wiring.dependsOn.filter((dependency) => dependency !== scope.group),
    parameter: (input, at): ParameterSource => {
      if (Object.hasOwn(wiring.parameters, input)) return wiring.parameters[input];
      const definition = dict(dict(dict(component.inputDefinitions).parameters)[input]);
      if ('defaultValue' in definition) return { kind: 'constant', value: definition.defaultValue };
      throw new IrReadError(`${at} reads ${name(input)}, an input of the nested pipeline of task ${name(taskName)} that the task is not given and that has no default`);
    },
    artifact: (input, at) => {
      if (Object.hasOwn(wiring.artifacts, input)) return wiring.artifacts[input];
      throw new IrReadError(`${at} reads artifact ${name(input)}, an input of the nested pipeline of task ${name(taskName)} that the task is not given`);
    },
  };
  const inside = [...new Set(readDag(body, inner, ctx))];
  // what it waits for: the nodes inside scheduled beside it (a loop inside stands for its iterations' tasks)
  const sameSchedule = (member: string) =>
    (ctx.taskByName.has(member) && ctx.taskByName.get(member)!.loop === scope.loop) ||
    ctx.groups.some((g) => g.name === member && g.loop === scope.loop) ||
    ctx.loops.some((l) => l.name === member && l.loop === scope.loop);
  const waitsFor = inside.filter(sameSchedule);
  const outputs = nestedOutputs(taskName, body, ctx);
  (ctx.nested ??= new Map()).set(taskName, outputs);
  const notes: string[] = [];
  const retries = Number(dict(task.retryPolicy).maxRetryCount ?? 0);
  if (retries > 0) {
    notes.push(
      `task "${taskName}" runs a pipeline with retry (max_retry_count ${retries}), which is not applied: neither KFP (kubeflow/pipelines#11288) nor kfp.local retries a nested pipeline; the retry policies of the tasks inside apply`,
    );
  }
  if (task.cachingOptions !== undefined && dict(task.cachingOptions).enableCache !== true && inside.some((member) => ctx.taskByName.get(member)?.cacheEnabled === true)) {
    notes.push(`task "${taskName}" runs a pipeline with caching off, which does not reach the tasks inside: as on KFP and kfp.local, each is cached by its own caching option`);
  }
  const group: IrConditionGroup = {
    name: taskName,
    kind: 'nested-pipeline',
    ...(scope.group ? { parent: scope.group } : {}),
    conditionInputs: {},
    dependsOn: [...new Set([...wiring.dependsOn, ...waitsFor])],
    afterCompletionOf: waitsFor,
    tasks: inside.filter((member) => ctx.taskByName.has(member)),
    ...(scope.loop !== undefined ? { loop: scope.loop } : {}),
    pipeline: componentName,
    outputs,
    ...(notes.length > 0 ? { notes } : {}),
  };
  ctx.groups.push(group);
  return inside;
}

/**
 * A copy of a nested pipeline's dag with every task name prefixed, the references to them
 * (dependentTasks, producerTask, dag.outputs' producerSubtask, a dsl.OneOf's selectors) too; the dags of its groups
 * (conditions, exit handlers, loops) are copied the same way under components of their own.
 * A nested pipeline inside keeps its component: it is prefixed in turn when it is read.
 */
function qualifiedDag(dag: Dict, prefix: string, components: Dict): Dict {
  const qualify = (value: unknown) => (typeof value === 'string' ? prefix + value : value);
  const tasks: Dict = {};
  for (const [taskName, original] of Object.entries(dict(dag.tasks))) {
    const task = structuredClone(dict(original));
    if (Array.isArray(task.dependentTasks)) task.dependentTasks = task.dependentTasks.map(qualify);
    const inputs = dict(task.inputs);
    for (const source of Object.values(dict(inputs.parameters))) {
      for (const key of ['taskOutputParameter', 'taskFinalStatus']) {
        const upstream = dict(source)[key];
        if (isDict(upstream)) upstream.producerTask = qualify(upstream.producerTask);
      }
    }
    for (const source of Object.values(dict(inputs.artifacts))) {
      const upstream = dict(source).taskOutputArtifact;
      if (isDict(upstream)) upstream.producerTask = qualify(upstream.producerTask);
    }
    const ref = dict(task.componentRef);
    const component = dict(components[String(ref.name ?? '')]);
    if (isDict(component.dag) && !isNestedPipelineTask(taskName, task)) {
      const qualifiedName = `${prefix}${String(ref.name)}`;
      if (!Object.hasOwn(components, qualifiedName)) {
        // named before its dag is copied: a group that (wrongly) holds itself is read once, and refused as a task appearing twice
        components[qualifiedName] = component;
        components[qualifiedName] = { ...component, dag: qualifiedDag(component.dag, prefix, components) };
      }
      task.componentRef = { ...ref, name: qualifiedName };
    }
    tasks[prefix + taskName] = task;
  }
  const outputs = structuredClone(dict(dag.outputs));
  for (const spec of Object.values(dict(outputs.parameters))) {
    const from = dict(spec).valueFromParameter;
    if (isDict(from)) from.producerSubtask = qualify(from.producerSubtask);
    // a condition-branches group's dsl.OneOf names its branch groups
    const selectors = dict(dict(spec).valueFromOneof).parameterSelectors;
    for (const selector of Array.isArray(selectors) ? selectors : []) {
      if (isDict(selector)) selector.producerSubtask = qualify(selector.producerSubtask);
    }
  }
  for (const spec of Object.values(dict(outputs.artifacts))) {
    const selectors = dict(spec).artifactSelectors;
    for (const selector of Array.isArray(selectors) ? selectors : []) {
      if (isDict(selector)) selector.producerSubtask = qualify(selector.producerSubtask);
    }
  }
  return { ...dag, tasks, ...(isDict(dag.outputs) ? { outputs } : {}) };
}

/** dag.outputs of the (prefixed) inner dag: one producer each, a task, loop or nested pipeline inside. */
function nestedOutputs(taskName: string, body: Dict, ctx: ReadContext): NestedPipelineOutputs {
  const outputs: NestedPipelineOutputs = {};
  const producer = (output: string, task: unknown, key: unknown, kind: IrPipelineOutput['kind']) => {
    const what = `output ${name(output)} of the nested pipeline of task ${name(taskName)}`;
    if (typeof task !== 'string' || typeof key !== 'string') throw new IrReadError(`${what} does not name one output of a task inside it`);
    // a dsl.OneOf the pipeline returns is an output of its condition-branches group (readOneOfOutputs traced it to the
    // branch tasks); the run takes it from the branch that succeeded (succeededOutputs), as a root pipeline output
    const group = ctx.groups.find((candidate) => candidate.name === task && candidate.kind !== 'nested-pipeline');
    if (group) {
      const oneOf = group.oneOfOutputs?.[key];
      if (!oneOf) throw new IrReadError(`${what} comes from group ${name(task)}, which has no dsl.OneOf output ${name(key)} (a condition group hands on nothing else)`);
      if (oneOf.kind !== kind) throw new IrReadError(`${what} is ${kind === 'parameter' ? 'a parameter' : 'an artifact'}, and the dsl.OneOf ${name(key)} of group ${name(task)} it comes from is not`);
    } else if (!ctx.names.has(task)) throw new IrReadError(`${what} comes from ${name(task)}, which is not a task inside it`);
    outputs[output] = { kind, task, output: key };
  };
  const spec = dict(body.outputs);
  for (const [output, value] of Object.entries(dict(spec.parameters))) {
    const from = dict(dict(value).valueFromParameter);
    producer(output, from.producerSubtask, from.outputParameterKey, 'parameter');
  }
  for (const [output, value] of Object.entries(dict(spec.artifacts))) {
    const selectors = dict(value).artifactSelectors;
    const selector = Array.isArray(selectors) && selectors.length === 1 ? dict(selectors[0]) : {};
    producer(output, selector.producerSubtask, selector.outputArtifactKey, 'artifact');
  }
  return outputs;
}

/**
 * A loop collecting (dsl.Collected) an output of a nested pipeline in its iterations collects the
 * output of the node inside that makes it, however deep: a task of the iteration, or a loop inside
 * (a list per iteration). Everything else reads a nested pipeline's outputs from its node once it
 * SUCCEEDED (run-nested-pipelines.ts), so a pipeline that failed hands on nothing, as on KFP.
 */
export function resolveNestedOutputs(loops: IrLoopGroup[], nested: ReadonlyMap<string, NestedPipelineOutputs>): void {
  if (nested.size === 0) return;
  const loopNames = new Set(loops.map((loop) => loop.name));
  for (const loop of loops) {
    for (const [output, from] of Object.entries(loop.outputs)) {
      if (!('task' in from)) continue;
      let made = { task: from.task, output: from.output };
      while (nested.has(made.task)) {
        const inner = nested.get(made.task)![made.output];
        if (!inner) throw new IrReadError(`loop ${name(loop.name)} output ${name(output)} reads output ${name(made.output)} of the nested pipeline of task ${name(made.task)}, which its dag.outputs do not name`);
        made = { task: inner.task, output: inner.output };
      }
      loop.outputs[output] = loopNames.has(made.task) ? { loop: made.task, output: made.output } : made;
    }
  }
}
