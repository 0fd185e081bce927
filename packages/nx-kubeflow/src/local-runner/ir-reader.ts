/**
 * Reads a compiled KFP IR (PipelineSpec + optional kubernetes platform spec)
 * into what the local runner executes: the pipeline's tasks with their
 * executors, input wiring, output definitions, caching, retry and secrets.
 * kfp's condition groups (condition-N, condition-branches-N: nested DAG
 * components with a triggerPolicy.condition) are flattened: every task,
 * however deep, is one schedulable task whose inputs are traced through the
 * groups' pipelinechannel-- inputs back to root parameters, constants and the
 * tasks that produce them, and each group is a gate its tasks wait for.
 * Exit handlers (exit-handler-N) are gates too, without a condition; their
 * exit task, and a task with ignore_upstream_failure (both
 * triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED), wait for their
 * upstream tasks to end, however they end (afterCompletionOf), the exit task
 * for every task inside its handler, and taskFinalStatus inputs name whose
 * final status they get.
 * Nested pipelines (a pipeline run as a task) are flattened too, their tasks
 * named <task>/<inner task> (ir-nested-pipelines.ts).
 * Only what kfp compiles from this plugin's pipelines (container executors,
 * condition groups, exit handlers, loops, nested pipelines) is accepted; anything else fails here, before a single
 * process starts, with a message naming the task and the construct.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CelError, conditionInputs, parseCondition, type CelExpression } from './cel-condition';
import { hasKubernetesConfig, readKubernetesConfig, type IrKubernetesConfig, type IrObjectName } from './ir-kubernetes';
import { isNestedPipelineTask, readNestedPipeline, resolveNestedOutputs, type NestedPipelineOutputs } from './ir-nested-pipelines';
import { oneOfCandidatesRead, OneOfReadError, readOneOfOutputs, type OneOfOutput } from './one-of-outputs';

export type IrParameterType = 'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'LIST' | 'STRUCT';
const PARAMETER_TYPES: readonly string[] = ['STRING', 'NUMBER_INTEGER', 'NUMBER_DOUBLE', 'BOOLEAN', 'LIST', 'STRUCT'];

export interface IrDocuments {
  pipelineSpec: object;
  platformSpec?: object;
}

export interface IrParameterDefinition {
  parameterType: IrParameterType;
  defaultValue?: unknown;
  isOptional: boolean;
}

/** Where a task's input parameter comes from. */
export type ParameterSource =
  | { kind: 'root-parameter'; name: string }
  | { kind: 'constant'; value: unknown }
  | { kind: 'task-output'; task: string; output: string };

export interface ArtifactSource {
  task: string;
  output: string;
}

export interface IrContainer {
  image: string;
  command: string[];
  args: string[];
  /** In IR order; a missing value is the empty string (proto3 leaves '' out). */
  env: { name: string; value: string }[];
}

export interface IrArtifactType {
  schemaTitle?: string;
  schemaVersion?: string;
}

/** deploymentSpec.executors.<label>.importer, as kfp writes it. */
export interface IrImporter {
  /** A constant URI, or the name of the task's input parameter holding it (runtimeParameter). */
  artifactUri: { constant: string } | { runtimeParameter: string };
  typeSchema: IrArtifactType;
  reimport: boolean;
  /** With {{$.inputs.parameters['metadata']}} placeholders where pipeline parameters go. */
  metadata?: Record<string, unknown>;
}

export interface IrRetryPolicy {
  maxRetryCount: number;
  backoffSeconds: number;
  backoffFactor: number;
  backoffMaxSeconds: number;
}

export interface IrSecretEnv {
  envVar: string;
  secretName: string;
  secretKey: string;
}

export interface IrTask {
  /** The key under its DAG's tasks (kfp keeps task names unique across the pipeline): names the task's folder in the run. */
  name: string;
  componentName: string;
  executorLabel: string;
  /** The condition group it sits in, innermost; absent at the root DAG. */
  group?: string;
  /** Its group first (when it has one), then dependentTasks and every producer of an input, each once. */
  dependsOn: string[];
  /**
   * triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED (an exit task, or
   * ignore_upstream_failure): the tasks and groups of dependsOn it waits for
   * only to end, succeeded or not (its own group still has to open). For an
   * exit task: its exit handler, every task and group inside it.
   */
  afterCompletionOf?: string[];
  /** PipelineTaskFinalStatus inputs (taskFinalStatus): input -> the task or exit handler group whose final status it gets. */
  finalStatusInputs?: Record<string, string>;
  parameterInputs: Record<string, ParameterSource>;
  artifactInputs: Record<string, ArtifactSource>;
  /** The component's input parameter definitions (defaults apply to inputs the task leaves out). */
  inputParameterDefinitions: Record<string, IrParameterDefinition>;
  outputParameters: Record<string, IrParameterType>;
  outputArtifacts: string[];
  /** Each artifact input's and output's artifactType as the IR has it ({schemaTitle, schemaVersion}), for the executor input. */
  inputArtifactTypes: Record<string, IrArtifactType>;
  outputArtifactTypes: Record<string, IrArtifactType>;
  cacheEnabled: boolean;
  /** cachingOptions.cacheKey: the task's own cache key, which stands for its inputs and executor (with its component's identity). */
  cacheKey?: string;
  retry?: IrRetryPolicy;
  /** An importer executor (dsl.importer): the task imports an artifact instead of running a container (importer-task.ts). */
  importer?: IrImporter;
  /** The container it runs; empty for an importer. */
  container: IrContainer;
  /** kubernetes secretAsEnv entries: not available to local runs. */
  secretEnv: IrSecretEnv[];
  /** The loop (for-loop-N) it runs in, once per item; absent outside loops. */
  loop?: string;
  /** Inputs that take the loop's item, or one field of it (parameterExpressionSelector parseJson(string_value)["f"]). */
  loopItemInputs?: Record<string, LoopItemRead>;
  /**
   * kfp-kubernetes' set_timeout: activeDeadlineSeconds of the task's
   * KubernetesExecutorConfig (int64, so JSON may give it as a string).
   */
  timeoutSeconds?: number;
  /** The rest of its KubernetesExecutorConfig, secretAsEnv included (with optional), as kubernetes-locally.ts gives it a local meaning. */
  kubernetes?: IrKubernetesConfig;
}

/** A pipeline output (root.dag.outputs): the output of a root task it publishes. */
export interface IrPipelineOutput {
  kind: 'parameter' | 'artifact';
  task: string;
  output: string;
}

/**
 * A condition group (kfp's condition-N or condition-branches-N): a gate that
 * its tasks and inner groups wait for. It opens when everything it depends on
 * succeeded and its condition (if it has one) is true.
 */
export interface IrConditionGroup {
  /** Its task name in the parent DAG. */
  name: string;
  /**
   * An exit handler (exit-handler-N): a gate without a condition, whose end its exit task waits for.
   * A nested pipeline (a pipeline run as a task, ir-nested-pipelines.ts): no gate but the end of its
   * tasks, which it waits for (afterCompletionOf); what waits for the task waits for it.
   */
  kind?: 'exit-handler' | 'nested-pipeline';
  /** A nested pipeline's body: its tasks, groups, loops and nested pipelines scheduled beside it, which it waits for to end. */
  afterCompletionOf?: string[];
  /** A nested pipeline's component (comp-<task>) and its outputs (dag.outputs), traced to the tasks that make them. */
  pipeline?: string;
  outputs?: Record<string, { kind: 'parameter' | 'artifact'; task: string; output: string }>;
  /** What KFP does not apply to a nested pipeline task (its retry, its caching option), said as a warning when the run starts. */
  notes?: string[];
  /** The group it sits in; absent at the root DAG. */
  parent?: string;
  /** triggerPolicy.condition as the IR has it; absent for a group without one (condition-branches-N). */
  condition?: string;
  expression?: CelExpression;
  /** The pipeline-channel inputs the condition reads, traced back to root parameters, constants and task outputs. */
  conditionInputs: Record<string, ParameterSource>;
  /** Those that read an enclosing loop's item or a field of it (dsl.If(item), dsl.If(item.f)): each iteration's value, set when the loop runs. */
  conditionItemInputs?: Record<string, LoopItemRead>;
  /** Its parent group first (when it has one), then dependentTasks and the producers of its inputs. */
  dependsOn: string[];
  /** Every task inside it, inner groups' included. */
  tasks: string[];
  /** The loop it sits in (it is then opened once per iteration); absent outside loops. */
  loop?: string;
  /** A condition-branches group's dsl.OneOf outputs (dag.outputs), by output name: the branch tasks each is one of (one-of-outputs.ts). */
  oneOfOutputs?: Record<string, OneOfOutput>;
}

/** An input that takes the item of the loop `loop` (this one or an enclosing one), or one field of it. */
export interface LoopItemRead {
  loop: string;
  field?: string;
}

/**
 * A loop group (kfp's for-loop-N, dsl.ParallelFor): its tasks run once per
 * item, each iteration on its own, up to parallelismLimit at once.
 */
export interface IrLoopGroup {
  name: string;
  /** The condition group it sits in; absent at the root DAG. */
  parent?: string;
  /** Its parent group first (when it has one), then dependentTasks and the producers of its inputs. */
  dependsOn: string[];
  /** Those of dependsOn it waits for only to end: the branch tasks of a dsl.OneOf a task inside it reads (one-of-outputs.ts). */
  afterCompletionOf?: string[];
  /** parameterIterator.itemInput: the input its tasks read the item from. */
  itemInput: string;
  /** items.raw (JSON text), where items.inputParameter comes from, or an enclosing loop's item (or a field of it) that is a list. */
  items: { raw: string } | { source: ParameterSource } | { item: LoopItemRead };
  /** iteratorPolicy.parallelismLimit; absent or 0: no limit. */
  parallelism?: number;
  /** Its tasks (run once per item), those in its condition groups included. */
  tasks: string[];
  /** The condition groups inside it (opened once per iteration). */
  groups: string[];
  /** The loop it sits in (it then runs once per iteration of that one); absent outside loops. */
  loop?: string;
  /**
   * dag.outputs: each a list of one output, an item per iteration (dsl.Collected): of one of its
   * tasks, or of a loop inside it (the list that loop surfaced in that iteration).
   */
  outputs: Record<string, { task: string; output: string } | { loop: string; output: string }>;
}

export interface IrPipeline {
  name: string;
  rootParameters: Record<string, IrParameterDefinition>;
  /** Every task of the pipeline, those inside condition groups included, in IR order (a DAG's tasks before its groups' tasks). */
  tasks: IrTask[];
  /** Condition groups, outer before inner. */
  groups: IrConditionGroup[];
  /** Loop groups (for-loop-N); absent when there are none. */
  loops?: IrLoopGroup[];
  /** By output name (root.outputDefinitions). */
  outputs: Record<string, IrPipelineOutput>;
  /** defaultPipelineRoot (pipeline.yaml's pipeline_root): where KFP puts the run's artifacts; a local run keeps them in its run folder. */
  pipelineRoot?: string;
}

export class IrReadError extends Error {
  constructor(message: string) {
    super(`Cannot run this IR locally: ${message}`);
    this.name = 'IrReadError';
  }
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});

/** The documents of a compiled pipeline.yaml: the PipelineSpec, then the platform spec when there is one. */
export function readIrFile(file: string): IrDocuments {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const trees = (Array.isArray(documents) ? documents : [documents]).map((document) => {
    if (document.errors.length > 0) throw new IrReadError(`${file} is not valid YAML: ${document.errors[0].message}`);
    return document.toJS() as unknown;
  });
  const pipelineSpec = trees.find((tree) => isDict(tree) && 'root' in tree);
  if (!isDict(pipelineSpec)) throw new IrReadError(`${file} holds no PipelineSpec (a document with "root")`);
  const platformSpec = trees.find((tree) => isDict(tree) && 'platforms' in tree);
  return { pipelineSpec, ...(isDict(platformSpec) ? { platformSpec } : {}) };
}

export function readIr(documents: IrDocuments): IrPipeline {
  const spec = dict(documents.pipelineSpec);
  const root = dict(spec.root);
  const dag = root.dag;
  if (!isDict(dag) || !isDict(dag.tasks)) throw new IrReadError('root.dag.tasks is missing');
  // a copy: the dags of groups inside nested pipelines are added to it, named after their task (ir-nested-pipelines.ts)
  const components = { ...dict(spec.components) };
  const executors = dict(dict(spec.deploymentSpec).executors);
  const platformExecutors = dict(dict(dict(dict(dict(documents.platformSpec).platforms).kubernetes).deploymentSpec).executors);
  const rootArtifacts = Object.keys(dict(dict(root.inputDefinitions).artifacts));
  if (rootArtifacts.length > 0) {
    throw new IrReadError(
      `the pipeline takes artifact input(s) ${rootArtifacts.map(name).join(', ')} (artifact pipeline inputs), which the local runner cannot provide; run it on Kubeflow, or wire those inputs from a task's output`,
    );
  }
  const tasks: IrTask[] = [];
  const groups: IrConditionGroup[] = [];
  const loops: IrLoopGroup[] = [];
  const rootScope: Scope = {
    parameter: (input) => ({ kind: 'root-parameter', name: input }),
    artifact: (input, where) => {
      throw new IrReadError(`${where} comes from the pipeline's artifact input ${name(input)}, which the local runner cannot provide`);
    },
  };
  const nested = new Map<string, NestedPipelineOutputs>();
  const taskByName = new Map<string, IrTask>();
  readDag(dag, rootScope, { components, executors, platformExecutors, tasks, groups, loops, names: new Set(), nested, taskByName });
  // a loop collecting a nested pipeline's output collects the output of the task inside that makes it
  resolveNestedOutputs(loops, nested);
  waitForWholeGroups(tasks, groups);
  // a task reading a dsl.OneOf waits for the branch tasks to end, however they end: one of them gives the value
  const oneOfGroups = new Map(groups.filter((group) => group.oneOfOutputs).map((group) => [group.name, group]));
  const loopByName = new Map(loops.map((loop) => [loop.name, loop]));
  const loopChain = (loop: string | undefined) => {
    const chain: string[] = [];
    for (let at = loop; at !== undefined; at = loopByName.get(at)?.loop) chain.push(at);
    return chain;
  };
  const waitFor = (node: { dependsOn: string[]; afterCompletionOf?: string[] }, candidate: string) => {
    node.dependsOn = [...new Set([...node.dependsOn, candidate])];
    node.afterCompletionOf = [...new Set([...(node.afterCompletionOf ?? []), candidate])];
  };
  for (const task of tasks) {
    for (const candidate of oneOfCandidatesRead(task, oneOfGroups)) {
      waitFor(task, candidate);
      // an iteration waits only for its own nodes: the outermost loop around the task that is not around the branch task waits for it
      const around = new Set(loopChain(taskByName.get(candidate)?.loop));
      const outermost = loopChain(task.loop).filter((loop) => !around.has(loop)).pop();
      if (outermost !== undefined) waitFor(loopByName.get(outermost)!, candidate);
    }
  }
  const rootTasks = new Set(Object.keys(dag.tasks).filter((task) => taskByName.has(task) || nested.has(task) || oneOfGroups.has(task)));
  return {
    name: String(dict(spec.pipelineInfo).name ?? 'pipeline'),
    rootParameters: parameterDefinitions(dict(root.inputDefinitions).parameters, 'root.inputDefinitions'),
    tasks,
    groups,
    ...(loops.length > 0 ? { loops } : {}),
    outputs: pipelineOutputs(dict(dag.outputs), rootTasks),
    ...(typeof spec.defaultPipelineRoot === 'string' && spec.defaultPipelineRoot !== '' ? { pipelineRoot: spec.defaultPipelineRoot } : {}),
  };
}

/** How a DAG's componentInputParameter/componentInputArtifact resolve: at the root, to the pipeline's inputs; in a group, to what its parent feeds it. */
export interface Scope {
  group?: string;
  /** Inside a loop: its name, and the inputs that carry loop items in this DAG (this loop's and enclosing loops'), by input name. */
  loop?: string;
  loopItemInputs?: Record<string, string>;
  /** Inside a nested pipeline given one field of a loop item: that field, by input name. */
  loopItemFields?: Record<string, string>;
  /** Inside a nested pipeline: what its task waits for (after, producers of its inputs), which every node inside waits for too. */
  after?: string[];
  parameter: (input: string, where: string) => ParameterSource;
  artifact: (input: string, where: string) => ArtifactSource;
}

export interface ReadContext {
  components: Dict;
  executors: Dict;
  platformExecutors: Dict;
  tasks: IrTask[];
  groups: IrConditionGroup[];
  loops: IrLoopGroup[];
  /** Every task and group name so far: kfp keeps them unique across the pipeline, and the run's folders rely on it. */
  names: Set<string>;
  /** The nested pipelines read so far and their outputs (ir-nested-pipelines.ts). */
  nested?: Map<string, NestedPipelineOutputs>;
  /** ctx.tasks by name, kept with it: looking members up in the list made reading N tasks O(N²). */
  taskByName: Map<string, IrTask>;
}

// inside a nested pipeline, prefixed with its task's name (ir-nested-pipelines.ts)
export const GROUP_NAME = /^(?:.+\/)?condition-(?:branches-)?\d+$/;
const CONDITION_BRANCHES_NAME = /^(?:.+\/)?condition-branches-\d+$/;
export const EXIT_HANDLER_NAME = /^(?:.+\/)?exit-handler-\d+$/;
const ALL_UPSTREAM_TASKS_COMPLETED = 'ALL_UPSTREAM_TASKS_COMPLETED';

/** A task that waits for a group (an exit task for its handler) waits for the end of everything inside it. */
function waitForWholeGroups(tasks: IrTask[], groups: IrConditionGroup[]): void {
  const inside = (group: string): string[] => {
    const inner = groups.filter((candidate) => candidate.parent === group);
    return [...(groups.find((candidate) => candidate.name === group)?.tasks ?? []), ...inner.flatMap((candidate) => [candidate.name, ...inside(candidate.name)])];
  };
  for (const task of tasks) {
    if (!task.afterCompletionOf) continue;
    const whole = [...new Set(task.afterCompletionOf.flatMap((name) => (groups.some((group) => group.name === name) ? [name, ...inside(name)] : [name])))];
    task.afterCompletionOf = whole;
    task.dependsOn = [...new Set([...task.dependsOn, ...whole])];
  }
}

/** One DAG's tasks (then its groups' tasks, depth first), their wiring traced through the scope. */
function readDag(dag: Dict, scope: Scope, ctx: ReadContext): string[] {
  const entries = Object.entries(dict(dag.tasks)).map(([taskName, task]) => [taskName, dict(task)] as const);
  const isGroup = new Map(entries.map(([taskName, task]) => [taskName, isDict(dict(ctx.components[String(dict(task.componentRef).name ?? '')]).dag)]));
  const isLoop = new Map(entries.map(([taskName, task]) => [taskName, task.parameterIterator !== undefined]));
  const inside: string[] = [];
  const sources = (taskName: string, task: Dict) => {
    const where = `task ${name(taskName)}`;
    const sibling = (producer: string, what: string) => {
      if (!isGroup.has(producer)) throw new IrReadError(`${where} ${what} ${name(producer)}, which is not a task of ${scope.group ? `group ${name(scope.group)}` : 'root.dag'}`);
      const producerTask = dict(dict(dag.tasks)[producer]);
      // a condition-branches group's outputs are dsl.OneOf's (one-of-outputs.ts); kfp gives other condition groups none to read
      const oneOf = CONDITION_BRANCHES_NAME.test(producer) && isDict(dict(dict(ctx.components[String(dict(producerTask.componentRef).name ?? '')]).dag).outputs);
      if (isGroup.get(producer) && !isLoop.get(producer) && !isNestedPipelineTask(producer, producerTask) && !oneOf) throw new IrReadError(`${where} ${what} ${name(producer)}, a condition group without outputs (kfp has a task wait for a condition group only to read its dsl.OneOf outputs), which the local runner does not run`);
      return producer;
    };
    const inputs = dict(task.inputs);
    const parameters: Record<string, ParameterSource> = {};
    const loopItems: Record<string, LoopItemRead> = {};
    const producers: string[] = [];
    const finalStatus: Record<string, string> = {};
    const completes = dict(task.triggerPolicy).strategy === ALL_UPSTREAM_TASKS_COMPLETED;
    for (const [input, source] of Object.entries(dict(inputs.parameters))) {
      const s = dict(source);
      const at = `${where} input ${name(input)}`;
      const itemOf = typeof s.componentInputParameter === 'string' ? scope.loopItemInputs?.[s.componentInputParameter] : undefined;
      if (itemOf !== undefined) {
        const field = scope.loopItemFields?.[String(s.componentInputParameter)];
        // kfp selects a field from the whole item, never from a field already selected
        if (field !== undefined && s.parameterExpressionSelector !== undefined) throw new IrReadError(`${at} selects ${JSON.stringify(s.parameterExpressionSelector)} from field "${field}" of a loop item; the local runner reads one field of an item only`);
        loopItems[input] = { loop: itemOf, ...(field !== undefined ? { field } : loopItemRead(s.parameterExpressionSelector, at)) };
        continue;
      }
      if (s.taskFinalStatus !== undefined) {
        const producer = dict(s.taskFinalStatus).producerTask;
        if (typeof producer !== 'string' || !isGroup.has(producer)) throw new IrReadError(`${at}: taskFinalStatus names ${JSON.stringify(producer)}, which is not a task of ${scope.group ? `group ${name(scope.group)}` : 'root.dag'}`);
        if (!completes) throw new IrReadError(`${at} takes a final status (taskFinalStatus) but the task has no triggerPolicy.strategy ${ALL_UPSTREAM_TASKS_COMPLETED}, so it would never see a failure`);
        finalStatus[input] = producer;
        continue;
      }
      const resolved = typeof s.componentInputParameter === 'string' ? scope.parameter(s.componentInputParameter, at) : parameterSource(s, at);
      if (resolved.kind === 'task-output' && typeof s.componentInputParameter !== 'string') sibling(resolved.task, `input ${name(input)} reads an output of`);
      parameters[input] = resolved;
      if (resolved.kind === 'task-output') producers.push(resolved.task);
    }
    const artifacts: Record<string, ArtifactSource> = {};
    for (const [input, source] of Object.entries(dict(inputs.artifacts))) {
      const s = dict(source);
      const at = `${where} input artifact ${name(input)}`;
      if (typeof s.componentInputArtifact === 'string') {
        artifacts[input] = scope.artifact(s.componentInputArtifact, at);
      } else {
        const upstream = dict(s.taskOutputArtifact);
        if (typeof upstream.producerTask !== 'string' || typeof upstream.outputArtifactKey !== 'string') {
          throw new IrReadError(`${at} does not come from another task's output (only taskOutputArtifact is supported)`);
        }
        artifacts[input] = { task: sibling(upstream.producerTask, `input artifact ${name(input)} reads an output of`), output: upstream.outputArtifactKey };
      }
      producers.push(artifacts[input].task);
    }
    // an exit task depends on its exit handler group, which it waits for to end
    const dependentTasks = (Array.isArray(task.dependentTasks) ? task.dependentTasks.map(String) : []).map((d) =>
      completes && isGroup.get(d) && EXIT_HANDLER_NAME.test(d) ? d : sibling(d, 'depends on'),
    );
    const dependsOn = [...new Set([...(scope.group ? [scope.group] : []), ...(scope.after ?? []), ...dependentTasks, ...producers])];
    return {
      parameters,
      artifacts,
      dependsOn,
      ...(Object.keys(loopItems).length > 0 ? { loopItems } : {}),
      ...(completes ? { afterCompletionOf: [...new Set([...dependentTasks, ...producers])] } : {}),
      ...(Object.keys(finalStatus).length > 0 ? { finalStatus } : {}),
    };
  };
  const claim = (taskName: string) => {
    if (ctx.names.has(taskName)) throw new IrReadError(`task ${name(taskName)} appears twice in the IR's DAGs; the local runner needs task names unique across the pipeline, as kfp makes them`);
    ctx.names.add(taskName);
    inside.push(taskName);
  };
  for (const [taskName, task] of entries) {
    if (isGroup.get(taskName)) continue;
    claim(taskName);
    const wiring = sources(taskName, task);
    const read = readTask(taskName, task, wiring, scope.group, ctx.components, ctx.executors, ctx.platformExecutors);
    if (read.kubernetes) read.kubernetes = namesInScope(read.kubernetes, scope, `task ${name(taskName)}'s Kubernetes options`);
    if (scope.loop !== undefined) read.loop = scope.loop;
    if (wiring.loopItems) read.loopItemInputs = wiring.loopItems;
    ctx.tasks.push(read);
    ctx.taskByName.set(taskName, read);
  }
  for (const [taskName, task] of entries) {
    if (!isGroup.get(taskName)) continue;
    const where = `task ${name(taskName)}`;
    const componentName = String(dict(task.componentRef).name);
    if (task.parameterIterator !== undefined) {
      claim(taskName);
      inside.push(...readLoop(taskName, task, sources(taskName, task), scope, ctx));
      continue;
    }
    for (const loop of ['parameterIterator', 'artifactIterator']) {
      if (task[loop] !== undefined) throw new IrReadError(`${where} uses ${loop} (a dsl.ParallelFor loop), which the local runner does not run yet`);
    }
    if (isNestedPipelineTask(taskName, task)) {
      claim(taskName);
      inside.push(...readNestedPipeline(taskName, task, sources(taskName, task), scope, ctx, readDag));
      continue;
    }
    const exitHandler = EXIT_HANDLER_NAME.test(taskName);
    if (!GROUP_NAME.test(taskName) && !exitHandler) throw new IrReadError(`${where} runs a nested DAG (${componentName}) that is not a condition group or an exit handler (a nested pipeline), which the local runner does not run`);
    if (exitHandler && task.triggerPolicy !== undefined) throw new IrReadError(`${where} is an exit handler with a triggerPolicy, which kfp does not write and the local runner does not run`);
    claim(taskName);
    const wiring = sources(taskName, task);
    const trigger = task.triggerPolicy === undefined ? {} : dict(task.triggerPolicy);
    const unknown = Object.keys(trigger).filter((key) => key !== 'condition');
    if (unknown.length > 0) throw new IrReadError(`${where} has triggerPolicy.${unknown[0]}, which the local runner does not run (only triggerPolicy.condition)`);
    const group: IrConditionGroup = {
      name: taskName,
      ...(exitHandler ? { kind: 'exit-handler' as const } : {}),
      ...(scope.group ? { parent: scope.group } : {}),
      conditionInputs: {},
      dependsOn: wiring.dependsOn,
      tasks: [],
      ...(scope.loop !== undefined ? { loop: scope.loop } : {}),
    };
    if (trigger.condition !== undefined) {
      group.condition = String(trigger.condition);
      try {
        group.expression = parseCondition(group.condition);
      } catch (error) {
        if (error instanceof CelError) throw new IrReadError(`${where}: triggerPolicy.condition ${JSON.stringify(group.condition)}: ${error.message}`);
        throw error;
      }
      for (const input of conditionInputs(group.expression)) {
        const item = wiring.loopItems?.[input];
        if (item !== undefined) {
          group.conditionItemInputs = { ...group.conditionItemInputs, [input]: item };
          continue;
        }
        if (!Object.hasOwn(wiring.parameters, input)) throw new IrReadError(`${where}: triggerPolicy.condition reads ${name(input)}, which is not one of the group's input parameters`);
        group.conditionInputs[input] = wiring.parameters[input];
      }
    }
    ctx.groups.push(group);
    const component = dict(ctx.components[componentName]);
    if (CONDITION_BRANCHES_NAME.test(taskName)) {
      try {
        const oneOf = readOneOfOutputs(component, ctx.components, where);
        if (oneOf) group.oneOfOutputs = oneOf;
      } catch (error) {
        if (error instanceof OneOfReadError) throw new IrReadError(error.message);
        throw error;
      }
    }
    // inside a loop, the group may be handed a loop's item or a field of it: its tasks read it under the name the group takes it by
    const inner: Scope = {
      group: taskName,
      ...(scope.loop !== undefined ? { loop: scope.loop } : {}),
      ...innerItemScope(wiring),
      parameter: (input, at) => {
        if (Object.hasOwn(wiring.parameters, input)) return wiring.parameters[input];
        const definition = dict(dict(dict(component.inputDefinitions).parameters)[input]);
        if ('defaultValue' in definition) return { kind: 'constant', value: definition.defaultValue };
        throw new IrReadError(`${at} reads ${name(input)}, which group ${name(taskName)} is not given`);
      },
      artifact: (input, at) => {
        if (Object.hasOwn(wiring.artifacts, input)) return wiring.artifacts[input];
        throw new IrReadError(`${at} reads ${name(input)}, which group ${name(taskName)} is not given`);
      },
    };
    group.tasks = readDag(dict(component.dag), inner, ctx).filter((member) => ctx.taskByName.has(member));
    inside.push(...group.tasks);
  }
  return inside;
}

/** A for-loop-N group: its iterator, its tasks (read with the item input marked) and the lists it surfaces. */
function readLoop(taskName: string, task: Dict, wiring: TaskWiring, scope: Scope, ctx: ReadContext): string[] {
  const where = `task ${name(taskName)}`;
  const iterator = dict(task.parameterIterator);
  const items = dict(iterator.items);
  const itemInput = String(iterator.itemInput ?? '');
  let source: IrLoopGroup['items'];
  if (typeof items.raw === 'string') source = { raw: items.raw };
  else if (typeof items.inputParameter === 'string' && Object.hasOwn(wiring.parameters, items.inputParameter)) source = { source: wiring.parameters[items.inputParameter] };
  // dsl.ParallelFor(item) or dsl.ParallelFor(item.field): a list each iteration of an enclosing loop has
  else if (typeof items.inputParameter === 'string' && Object.hasOwn(wiring.loopItems ?? {}, items.inputParameter)) source = { item: wiring.loopItems![items.inputParameter] };
  else throw new IrReadError(`${where}: parameterIterator.items is neither raw nor one of the loop's input parameters`);
  const parallelism = Number(dict(task.iteratorPolicy).parallelismLimit ?? 0);
  const componentName = String(dict(task.componentRef).name);
  const component = dict(ctx.components[componentName]);
  const innerDag = dict(component.dag);
  const loop: IrLoopGroup = {
    name: taskName,
    ...(scope.group ? { parent: scope.group } : {}),
    dependsOn: wiring.dependsOn,
    itemInput,
    items: source,
    ...(parallelism > 0 ? { parallelism } : {}),
    tasks: [],
    groups: [],
    ...(scope.loop !== undefined ? { loop: scope.loop } : {}),
    outputs: {},
  };
  ctx.loops.push(loop);
  const outer = innerItemScope(wiring);
  const inner: Scope = {
    group: taskName,
    loop: taskName,
    ...outer,
    loopItemInputs: { ...outer.loopItemInputs, [itemInput]: taskName },
    parameter: (input, at) => {
      if (Object.hasOwn(wiring.parameters, input)) return wiring.parameters[input];
      throw new IrReadError(`${at} reads ${name(input)}, which loop ${name(taskName)} is not given`);
    },
    artifact: (input, at) => {
      if (Object.hasOwn(wiring.artifacts, input)) return wiring.artifacts[input];
      throw new IrReadError(`${at} reads ${name(input)}, which loop ${name(taskName)} is not given`);
    },
  };
  const inside = readDag(innerDag, inner, ctx);
  // its own tasks: those of loops inside it are theirs
  loop.tasks = inside.filter((member) => ctx.taskByName.get(member)?.loop === taskName);
  loop.groups = ctx.groups.filter((group) => group.loop === taskName).map((group) => group.name);
  const outputs = dict(innerDag.outputs);
  if (Object.keys(dict(outputs.artifacts)).length > 0) throw new IrReadError(`loop ${name(taskName)} collects artifacts (dsl.Collected of artifacts), which the local runner does not run yet`);
  // a Collected output of a task inside a condition is surfaced by the condition group first: follow it to the task
  const producerOf = (dag: Dict, producer: unknown, key: unknown): IrLoopGroup['outputs'][string] | undefined => {
    if (typeof producer !== 'string' || typeof key !== 'string') return undefined;
    // a nested pipeline's output is traced to the task inside once all is read (resolveNestedOutputs)
    if (loop.tasks.includes(producer) || ctx.nested?.has(producer)) return { task: producer, output: key };
    if (ctx.loops.some((inner) => inner.name === producer && inner.loop !== undefined)) return { loop: producer, output: key };
    const groupDag = dict(dict(ctx.components[String(dict(dict(dict(dag.tasks)[producer]).componentRef).name ?? '')]).dag);
    const from = dict(dict(dict(dict(groupDag.outputs).parameters)[key]).valueFromParameter);
    return producerOf(groupDag, from.producerSubtask, from.outputParameterKey);
  };
  for (const [output, spec] of Object.entries(dict(outputs.parameters))) {
    const from = dict(dict(spec).valueFromParameter);
    const producer = producerOf(innerDag, from.producerSubtask, from.outputParameterKey);
    if (!producer) throw new IrReadError(`loop ${name(taskName)} output ${name(output)} does not name an output of one of its tasks`);
    loop.outputs[output] = producer;
  }
  return inside;
}

/** What a group's DAG reads loop items by: the inputs its task is handed items (or fields of them) on. */
export function innerItemScope(wiring: TaskWiring): Pick<Scope, 'loopItemInputs' | 'loopItemFields'> {
  const items = Object.entries(wiring.loopItems ?? {});
  const fields = items.filter(([, read]) => read.field !== undefined);
  return {
    ...(items.length > 0 ? { loopItemInputs: Object.fromEntries(items.map(([input, read]) => [input, read.loop])) } : {}),
    ...(fields.length > 0 ? { loopItemFields: Object.fromEntries(fields.map(([input, read]) => [input, read.field!])) } : {}),
  };
}

/** parameterExpressionSelector on a loop item: none (the whole item), or kfp's parseJson(string_value)["field"]. */
function loopItemRead(selector: unknown, where: string): { field?: string } {
  if (selector === undefined) return {};
  const match = typeof selector === 'string' ? /^parseJson\(string_value\)\["([^"]+)"\]$/.exec(selector) : null;
  if (!match) throw new IrReadError(`${where} selects ${JSON.stringify(selector)} from the loop item; the local runner reads parseJson(string_value)["field"] only`);
  return { field: match[1] };
}

/** root.dag.outputs as kfp writes them for a pipeline returning task outputs: one selector each. */
function pipelineOutputs(outputs: Dict, tasks: Set<string>): Record<string, IrPipelineOutput> {
  const result: Record<string, IrPipelineOutput> = {};
  const check = (output: string, task: unknown, key: unknown, kind: IrPipelineOutput['kind']) => {
    if (typeof task !== 'string' || typeof key !== 'string') {
      throw new IrReadError(`pipeline output ${name(output)} does not name one task output (only valueFromParameter and a single artifactSelector are supported)`);
    }
    if (!tasks.has(task)) throw new IrReadError(`pipeline output ${name(output)} comes from ${name(task)}, which is not a task of root.dag`);
    result[output] = { kind, task, output: key };
  };
  for (const [output, spec] of Object.entries(dict(outputs.parameters))) {
    const source = dict(dict(spec).valueFromParameter);
    check(output, source.producerSubtask, source.outputParameterKey, 'parameter');
  }
  for (const [output, spec] of Object.entries(dict(outputs.artifacts))) {
    const selectors = dict(spec).artifactSelectors;
    const selector = Array.isArray(selectors) && selectors.length === 1 ? dict(selectors[0]) : {};
    check(output, selector.producerSubtask, selector.outputArtifactKey, 'artifact');
  }
  return result;
}

const name = (text: string) => JSON.stringify(text);

export interface TaskWiring {
  parameters: Record<string, ParameterSource>;
  artifacts: Record<string, ArtifactSource>;
  dependsOn: string[];
  /** Inputs reading the enclosing loop's item. */
  loopItems?: Record<string, LoopItemRead>;
  afterCompletionOf?: string[];
  finalStatus?: Record<string, string>;
}

function readTask(taskName: string, task: Dict, wiring: TaskWiring, group: string | undefined, components: Dict, executors: Dict, platformExecutors: Dict): IrTask {
  const where = `task ${name(taskName)}`;
  for (const unsupported of ['parameterIterator', 'artifactIterator']) {
    if (task[unsupported] !== undefined) throw new IrReadError(`${where} uses ${unsupported} on a task (kfp puts loops on groups)`);
  }
  if (task.triggerPolicy !== undefined) {
    const trigger = dict(task.triggerPolicy);
    const other = Object.keys(trigger).find((key) => key !== 'strategy');
    if (other !== undefined || trigger.strategy !== ALL_UPSTREAM_TASKS_COMPLETED) {
      throw new IrReadError(`${where} uses triggerPolicy ${JSON.stringify(trigger)} on a task; the local runner runs only strategy ${ALL_UPSTREAM_TASKS_COMPLETED} there (kfp puts conditions on groups)`);
    }
  }
  const componentName = String(dict(task.componentRef).name ?? '');
  const component = components[componentName];
  if (!isDict(component)) throw new IrReadError(`${where} refers to component ${name(componentName)}, which the IR does not define`);
  const executorLabel = String(component.executorLabel ?? '');
  const executor = dict(executors[executorLabel]);
  const importer = isDict(executor.importer) ? readImporter(dict(executor.importer), `${where}: executor ${name(executorLabel)}`) : undefined;
  if (!importer && !isDict(executor.container)) throw new IrReadError(`${where}: executor ${name(executorLabel)} has no container or importer (resolvers and custom jobs are not run locally)`);

  const outputs = dict(component.outputDefinitions);
  const outputParameters: Record<string, IrParameterType> = {};
  for (const [output, definition] of Object.entries(dict(outputs.parameters))) {
    outputParameters[output] = parameterType(dict(definition).parameterType, `${componentName} output ${name(output)}`);
  }
  return {
    name: taskName,
    componentName,
    executorLabel,
    ...(group ? { group } : {}),
    dependsOn: wiring.dependsOn,
    ...(wiring.afterCompletionOf ? { afterCompletionOf: wiring.afterCompletionOf } : {}),
    ...(wiring.finalStatus ? { finalStatusInputs: wiring.finalStatus } : {}),
    parameterInputs: wiring.parameters,
    artifactInputs: wiring.artifacts,
    inputParameterDefinitions: parameterDefinitions(dict(component.inputDefinitions).parameters, `${componentName}.inputDefinitions`),
    outputParameters,
    outputArtifacts: Object.keys(dict(outputs.artifacts)),
    inputArtifactTypes: artifactTypes(dict(component.inputDefinitions).artifacts),
    outputArtifactTypes: artifactTypes(outputs.artifacts),
    cacheEnabled: dict(task.cachingOptions).enableCache === true,
    ...(typeof dict(task.cachingOptions).cacheKey === 'string' && dict(task.cachingOptions).cacheKey !== '' ? { cacheKey: String(dict(task.cachingOptions).cacheKey) } : {}),
    ...(isDict(task.retryPolicy) ? { retry: retryPolicy(task.retryPolicy) } : {}),
    ...(importer ? { importer } : {}),
    container: container(dict(executor.container)),
    secretEnv: secretEnv(dict(platformExecutors[executorLabel])),
    ...timeout(dict(platformExecutors[executorLabel])),
    ...kubernetesConfig(dict(platformExecutors[executorLabel])),
  };
}

/**
 * A name the platform config reads from the task's DAG (componentInputParameter), as that DAG gets it:
 * inside a group, kfp writes the group's pipelinechannel input, which the group is fed from a root
 * parameter, a create_pvc task's output or a constant (a nested pipeline's argument).
 */
function namesInScope(config: IrKubernetesConfig, scope: Scope, where: string): IrKubernetesConfig {
  const inScope = (objectName: IrObjectName): IrObjectName => {
    if (objectName.kind !== 'parameter') return objectName;
    const source = scope.parameter(objectName.parameter, where);
    if (source.kind === 'root-parameter') return { kind: 'parameter', parameter: source.name };
    if (source.kind === 'task-output') return { kind: 'task-output', task: source.task, output: source.output };
    return typeof source.value === 'string' ? { kind: 'constant', name: source.value } : { kind: 'unknown', text: JSON.stringify(source.value) };
  };
  return {
    ...config,
    objectEnv: config.objectEnv.map((entry) => ({ ...entry, name: inScope(entry.name) })),
    objectVolumes: config.objectVolumes.map((entry) => ({ ...entry, name: inScope(entry.name) })),
    pvcMounts: config.pvcMounts.map((entry) => ({ ...entry, name: inScope(entry.name) })),
  };
}

function kubernetesConfig(platformExecutor: Dict): { kubernetes?: IrKubernetesConfig } {
  const config = readKubernetesConfig(platformExecutor);
  return hasKubernetesConfig(config) ? { kubernetes: config } : {};
}

function readImporter(importer: Dict, where: string): IrImporter {
  const uri = dict(importer.artifactUri);
  let artifactUri: IrImporter['artifactUri'];
  if (typeof uri.constant === 'string') artifactUri = { constant: uri.constant };
  else if (typeof uri.runtimeParameter === 'string') artifactUri = { runtimeParameter: uri.runtimeParameter };
  else throw new IrReadError(`${where}: importer.artifactUri ${JSON.stringify(importer.artifactUri)} is neither a constant nor a runtimeParameter`);
  const type = dict(importer.typeSchema);
  return {
    artifactUri,
    typeSchema: { ...(typeof type.schemaTitle === 'string' ? { schemaTitle: type.schemaTitle } : {}), ...(typeof type.schemaVersion === 'string' ? { schemaVersion: type.schemaVersion } : {}) },
    reimport: importer.reimport === true,
    ...(isDict(importer.metadata) ? { metadata: importer.metadata } : {}),
  };
}

function timeout(platformExecutor: Dict): { timeoutSeconds?: number } {
  const raw = platformExecutor.activeDeadlineSeconds;
  const seconds = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  // 0, as the proto default, is no deadline
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? { timeoutSeconds: seconds } : {};
}

function parameterSource(source: Dict, where: string): ParameterSource {
  if (typeof source.componentInputParameter === 'string') return { kind: 'root-parameter', name: source.componentInputParameter };
  if (isDict(source.runtimeValue) && 'constant' in source.runtimeValue) return { kind: 'constant', value: source.runtimeValue.constant };
  const upstream = dict(source.taskOutputParameter);
  if (typeof upstream.producerTask === 'string' && typeof upstream.outputParameterKey === 'string') {
    return { kind: 'task-output', task: upstream.producerTask, output: upstream.outputParameterKey };
  }
  throw new IrReadError(`${where} has a source the local runner does not know: ${JSON.stringify(source)}`);
}

function parameterType(value: unknown, where: string): IrParameterType {
  if (typeof value === 'string' && PARAMETER_TYPES.includes(value)) return value as IrParameterType;
  throw new IrReadError(`${where} has parameterType ${JSON.stringify(value)}; expected one of ${PARAMETER_TYPES.join(', ')}`);
}

function parameterDefinitions(value: unknown, where: string): Record<string, IrParameterDefinition> {
  const out: Record<string, IrParameterDefinition> = {};
  for (const [parameter, definition] of Object.entries(dict(value))) {
    const d = dict(definition);
    out[parameter] = {
      // a PipelineTaskFinalStatus input: KFP gives it a struct (state, error, pipelineJobResourceName, pipelineTaskName)
      parameterType: d.parameterType === 'TASK_FINAL_STATUS' ? 'STRUCT' : parameterType(d.parameterType, `${where} ${name(parameter)}`),
      ...('defaultValue' in d ? { defaultValue: d.defaultValue } : {}),
      isOptional: d.isOptional === true,
    };
  }
  return out;
}

function artifactTypes(definitions: unknown): Record<string, IrArtifactType> {
  return Object.fromEntries(
    Object.entries(dict(definitions)).map(([artifact, definition]) => {
      const type = dict(dict(definition).artifactType);
      return [artifact, { ...(typeof type.schemaTitle === 'string' ? { schemaTitle: type.schemaTitle } : {}), ...(typeof type.schemaVersion === 'string' ? { schemaVersion: type.schemaVersion } : {}) }];
    }),
  );
}

function container(c: Dict): IrContainer {
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    image: String(c.image ?? ''),
    command: strings(c.command),
    args: strings(c.args),
    env: (Array.isArray(c.env) ? c.env : []).map((entry) => ({ name: String(dict(entry).name), value: String(dict(entry).value ?? '') })),
  };
}

/** A proto Duration in its JSON form ("30s", "1.5s"). */
function seconds(value: unknown, fallback: number): number {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Number(match[1]) : fallback;
}

/** Missing fields take kfp's defaults (0s, factor 2, 1h), as its compiler fills them in. */
function retryPolicy(policy: Dict): IrRetryPolicy {
  return {
    maxRetryCount: Number(policy.maxRetryCount ?? 0),
    backoffSeconds: seconds(policy.backoffDuration, 0),
    backoffFactor: Number(policy.backoffFactor ?? 2),
    backoffMaxSeconds: seconds(policy.backoffMaxDuration, 3600),
  };
}

function secretEnv(platformExecutor: Dict): IrSecretEnv[] {
  const entries = Array.isArray(platformExecutor.secretAsEnv) ? platformExecutor.secretAsEnv : [];
  return entries.flatMap((entry) => {
    const e = dict(entry);
    const secretName = String(e.secretName ?? dict(dict(e.secretNameParameter).runtimeValue).constant ?? '');
    const keyToEnv = Array.isArray(e.keyToEnv) ? e.keyToEnv : [];
    return keyToEnv.map((k) => ({ envVar: String(dict(k).envVar), secretName, secretKey: String(dict(k).secretKey) }));
  });
}
