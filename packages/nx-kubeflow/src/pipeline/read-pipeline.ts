/**
 * pipeline.yaml (DESIGN section 3) -> PipelineDefinition. This step checks the
 * file's own shape (keys, value types, names, parameter defaults); what needs
 * the components is in check-pipeline.ts. Problems are collected, never thrown.
 */
import { readOneOf } from './read-one-of';
import { closestName } from '../kfp/type-suggestions';
import { parameterTypeOf } from '../kfp/parameter-types';
import { durationToSeconds } from '../kfp/retry-policy';
import { taskTimeout } from '../kfp/task-timeout';
import {
  ARTIFACT_TYPE_NAMES,
  CONDITION_OPERATORS,
  isArtifactTypeName,
  type Condition,
  type ConditionBlock,
  type ConditionBranch,
  type ConditionOperand,
  type ConditionOperator,
  type ExitHandlerBlock,
  type ImporterSpec,
  type PipelineNode,
  type ArtifactTypeName,
  type ParameterTypeName,
  type PipelineDefinition,
  type PipelineOutput,
  type PipelineParameter,
  type PipelineTask,
  type RetryPolicy,
  type SecretAsEnv,
  type TaskArgument,
  type TaskResources,
  type Toleration,
  type ObjectAsVolume,
} from '../kfp/pipeline-model';
import { parameterNameProblem, pipelineNameProblem, taskNameProblem } from './pipeline-names';
import type { PipelineProblem } from './pipeline-problems';
import { literalProblem, parameterValueProblem } from './pipeline-types';
import { YamlSource, type YamlPath } from './yaml-source';
import { namedRecord } from '../kfp/named-records';
import { isLoopBlock, LOOP_BLOCK_KEYS, readCollectArgument, readItemArgument, readLoopItemName, readLoopItems, readParallelism } from './read-loop';
import type { LoopBlock } from '../kfp/pipeline-model';
import { ENV_VAR_NAME } from './kubernetes-names';
import { readTaskImage } from './read-task-image';
import { KUBERNETES_TASK_KEYS, readCreatePvc, readDeletePvc, readKubernetesOptions, readObjectReferences } from './read-kubernetes-options';

export interface ReadPipelineResult {
  /** Present unless the file is not YAML or not a mapping; may be partial when there are problems. */
  definition?: PipelineDefinition;
  problems: PipelineProblem[];
  source: YamlSource;
}

export const PIPELINE_KEYS = ['name', 'description', 'display_name', 'pipeline_root', 'parameters', 'tasks', 'outputs'] as const;
export const OUTPUT_KEYS = ['task', 'output'] as const;
export const PARAMETER_KEYS = ['type', 'default', 'description'] as const;
export const TASK_KEYS = [
  'component',
  'pipeline',
  'display_name',
  'arguments',
  'after',
  'caching',
  'cache_key',
  'retry',
  'resources',
  'env',
  'secrets',
  'tolerations',
  'timeout',
  'ignore_upstream_failure',
  'image',
  ...KUBERNETES_TASK_KEYS,
] as const;
/** The keys of a task that runs a pipeline (`pipeline:`): what kfp takes on a pipeline used as a component. */
export const PIPELINE_TASK_KEYS = ['pipeline', 'display_name', 'arguments', 'after', 'caching', 'retry'] as const;
/**
 * Task keys refused on a task that runs a pipeline: the container settings kfp refuses there
 * (PipelineTask._ensure_container_spec_exists; kfp-kubernetes: "Platform-specific features can only be
 * set on primitive components"), and what this plugin has not checked against kfp for one
 * (cache_key, ignore_upstream_failure).
 */
export const CONTAINER_ONLY_TASK_KEYS = TASK_KEYS.filter((key) => key !== 'component' && !(PIPELINE_TASK_KEYS as readonly string[]).includes(key));
export const CONDITION_BLOCK_KEYS = ['if', 'then', 'elif', 'else', 'display_name', 'else_display_name'] as const;
export const ELIF_KEYS = ['if', 'then', 'display_name'] as const;
export const EXIT_HANDLER_KEYS = ['exit_task', 'tasks', 'display_name'] as const;
/** An importer task: dsl.importer, and the options kfp has for any task that runs no container. */
export const IMPORTER_TASK_KEYS = ['importer', 'display_name', 'after', 'caching'] as const;
export const IMPORTER_KEYS = ['artifact_uri', 'type', 'reimport', 'metadata'] as const;
/** kfp-kubernetes' CreatePVC / DeletePVC tasks: tasks of its built-in components, with the options kfp has for any task. */
export const CREATE_PVC_TASK_KEYS = ['create_pvc', 'display_name', 'after', 'caching'] as const;
export const DELETE_PVC_TASK_KEYS = ['delete_pvc', 'display_name', 'after', 'caching'] as const;
export const CONDITION_KEYS = ['left', 'operator', 'right'] as const;
const RETRY_KEYS = ['max_retry_count', 'backoff_duration', 'backoff_factor', 'backoff_max_duration'] as const;
const RESOURCE_KEYS = ['cpu_request', 'cpu_limit', 'memory_request', 'memory_limit', 'accelerator'] as const;
const ACCELERATOR_KEYS = ['type', 'count'] as const;
const TOLERATION_KEYS = ['key', 'operator', 'value', 'effect', 'toleration_seconds'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** kfp's own checks on resource strings (PipelineTask._validate_cpu_request_limit / _validate_memory_request_limit). */
const CPU = /^([0-9]*[.])?[0-9]+m?$/;
const MEMORY = /^[0-9]+(E|Ei|P|Pi|T|Ti|G|Gi|M|Mi|K|Ki)?$/;
/** What Kubernetes takes (IsEnvVarName); kfp's set_env_variable takes any text. */
const ENV_NAME = ENV_VAR_NAME;
const INT32_MAX = 2147483647;
/** scheme://rest: the object store URIs KFP's launcher opens (gs, s3, minio, ...). */
const PIPELINE_ROOT = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads pipeline.yaml text; `file` is the workspace-relative path used in messages. */
export function readPipeline(text: string, file: string): ReadPipelineResult {
  const source = YamlSource.parse(text);
  const problems: PipelineProblem[] = source.syntaxProblems.map((problem) => ({
    file,
    line: problem.line,
    column: problem.column,
    message: `not valid YAML: ${problem.message}`,
  }));
  if (problems.length > 0) return { problems, source };
  const reader = new PipelineReader(file, source, problems);
  const definition = reader.read(source.value);
  return { definition, problems, source };
}

class PipelineReader {
  /** Every task and condition name seen so far (they share one namespace, nested or not), and where each is written. */
  private readonly names = new Map<string, 'task' | 'condition' | 'loop' | 'exit handler'>();
  /** The item names (as:) of the loops being read, outermost first. */
  private readonly loopItems: string[] = [];
  private readonly taskPaths = new Map<string, YamlPath>();
  /** Secrets a task mounts as files, read with its secrets and stored with its other kubernetes options. */
  private readonly secretVolumes = new Map<string, ObjectAsVolume[]>();

  constructor(
    private readonly file: string,
    private readonly source: YamlSource,
    private readonly problems: PipelineProblem[],
  ) {}

  read(raw: unknown): PipelineDefinition | undefined {
    if (!isDict(raw)) {
      this.report([], 'must be a mapping with name, tasks and optionally description and parameters.');
      return undefined;
    }
    this.unknownKeys(raw, [], PIPELINE_KEYS, 'a pipeline');
    let name = '';
    if (typeof raw.name !== 'string') {
      this.report(['name'], raw.name === undefined ? 'is required: the pipeline name, e.g. name: training-pipeline.' : 'must be a string.');
    } else {
      name = raw.name;
      const problem = pipelineNameProblem(name);
      if (problem) this.report(['name'], problem);
    }
    const description = this.optionalString(raw, [], 'description');
    const displayName = this.optionalString(raw, [], 'display_name');
    const pipelineRoot = this.readPipelineRoot(raw.pipeline_root);
    const parameters = this.readParameters(raw.parameters);
    const { tasks, body } = this.readTasks(raw.tasks);
    const outputs = this.readOutputs(raw.outputs);
    return {
      file: this.file,
      name,
      ...(description !== undefined ? { description } : {}),
      ...(displayName !== undefined ? { display_name: displayName } : {}),
      ...(pipelineRoot !== undefined ? { pipeline_root: pipelineRoot } : {}),
      parameters,
      tasks,
      ...(body.some((node) => node.kind !== 'task') ? { body } : {}),
      ...(outputs.length > 0 ? { outputs } : {}),
    };
  }

  /** pipeline_root: the default of where a run's artifacts go, a URI the backend's object store understands (gs://, s3://, minio://, ...). */
  private readPipelineRoot(raw: unknown): string | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string' || !PIPELINE_ROOT.test(raw)) {
      this.report(['pipeline_root'], `must be a URI with a scheme, such as gs://bucket/pipeline-root or minio://mlpipeline/v2/artifacts (got ${JSON.stringify(raw)}).`);
      return undefined;
    }
    return raw;
  }

  // --------------------------------------------------------------- outputs

  /** outputs: {<name>: {task: t, output: o}}: kfp's pipeline function returning a NamedTuple of task outputs. */
  private readOutputs(raw: unknown): PipelineOutput[] {
    if (raw === undefined || raw === null) return [];
    if (!isDict(raw)) {
      this.report(['outputs'], 'must be a mapping of output name to {task: t, output: o}, e.g. outputs: {model: {task: train, output: model}}.');
      return [];
    }
    const outputs: PipelineOutput[] = [];
    for (const [name, spec] of Object.entries(raw)) {
      const path = ['outputs', name];
      // kfp names pipeline outputs after the fields of the NamedTuple the pipeline function returns
      const nameProblem = parameterNameProblem(name);
      if (nameProblem) this.report(path, nameProblem.replace('parameter name', 'pipeline output name').replace('a pipeline parameter', 'a pipeline output'), { of: 'key' });
      if (!isDict(spec)) {
        this.report(path, 'must be an output reference {task: t, output: o}, or {one_of: [...]} of the branches of an if/elif/else.');
        continue;
      }
      if ('one_of' in spec) {
        const oneOf = readOneOf(spec, path, undefined, (at, message, options) => this.report(at, message, options));
        if (oneOf) outputs.push({ name, oneOf });
        continue;
      }
      this.unknownKeys(spec, path, OUTPUT_KEYS, 'a pipeline output');
      let valid = true;
      for (const key of OUTPUT_KEYS) {
        if (typeof spec[key] !== 'string' || spec[key] === '') {
          this.report(key in spec ? [...path, key] : path, `needs ${key}: ${key === 'task' ? 'the task whose output it is' : "that task's output name"}.`);
          valid = false;
        }
      }
      if (valid) outputs.push({ name, task: spec.task as string, output: spec.output as string });
    }
    return outputs;
  }

  // ------------------------------------------------------------ parameters

  private readParameters(raw: unknown): PipelineParameter[] {
    if (raw === undefined || raw === null) return [];
    if (!isDict(raw)) {
      this.report(['parameters'], 'must be a mapping of parameter name to {type, default, description}.');
      return [];
    }
    const parameters: PipelineParameter[] = [];
    for (const [name, spec] of Object.entries(raw)) {
      const path = ['parameters', name];
      const nameProblem = parameterNameProblem(name);
      if (nameProblem) this.report(path, nameProblem, { of: 'key' });
      if (!isDict(spec)) {
        this.report(path, 'must be a mapping such as {type: Integer, default: 3}.');
        continue;
      }
      this.unknownKeys(spec, path, PARAMETER_KEYS, 'a parameter');
      const type = typeof spec.type === 'string' ? parameterTypeOf(spec.type) : undefined;
      const artifactType: ArtifactTypeName | undefined = typeof spec.type === 'string' && isArtifactTypeName(spec.type) ? spec.type : undefined;
      if (spec.type === undefined) {
        this.report(path, `needs a type: String, Integer, Float, Boolean, JsonObject or JsonArray, or an artifact type (${ARTIFACT_TYPE_NAMES.join(', ')}).`);
      } else if (!type && !artifactType) {
        this.report(
          [...path, 'type'],
          `"${String(spec.type)}" is not a parameter type: use String, Integer, Float, Boolean, JsonObject or JsonArray, or for an artifact input ${ARTIFACT_TYPE_NAMES.join(', ')}.`,
        );
      }
      const description = this.optionalString(spec, path, 'description');
      const parameter: PipelineParameter = { name, type: artifactType ?? ((type ?? 'String') as ParameterTypeName) };
      if (spec.default !== undefined) {
        if (artifactType) {
          this.report([...path, 'default'], `an artifact input (${artifactType}) has no default: it is given when the run starts.`);
        } else if (spec.default === null) {
          this.report([...path, 'default'], 'is empty; give a value or remove the key.');
        } else {
          const problem = type ? parameterValueProblem(spec.default, type) : undefined;
          if (problem) this.report([...path, 'default'], problem);
          parameter.default = spec.default;
        }
      }
      if (description !== undefined) parameter.description = description;
      parameters.push(parameter);
    }
    return parameters;
  }

  // ----------------------------------------------------------------- tasks

  private readTasks(raw: unknown): { tasks: PipelineTask[]; body: PipelineNode[] } {
    const tasks: PipelineTask[] = [];
    if (raw === undefined || raw === null) {
      this.report(raw === null ? ['tasks'] : [], 'needs tasks: a mapping of task name to {component, arguments, ...}.');
      return { tasks, body: [] };
    }
    if (!isDict(raw)) {
      this.report(['tasks'], 'must be a mapping of task name to {component, arguments, ...}.');
      return { tasks, body: [] };
    }
    // kfp: "Task is missing from pipeline."
    if (Object.keys(raw).length === 0) this.report(['tasks'], 'needs at least one task: a mapping of task name to {component, arguments, ...}.');
    const body = this.readBody(raw, ['tasks'], tasks);
    return { tasks, body };
  }

  /** A mapping of tasks and condition blocks (the top level, or a branch's then/else), in file order. */
  private readBody(raw: Dict, path: YamlPath, tasks: PipelineTask[]): PipelineNode[] {
    const body: PipelineNode[] = [];
    for (const [name, spec] of Object.entries(raw)) {
      const entryPath = [...path, name];
      const earlier = this.names.get(name);
      if (earlier) {
        this.report(entryPath, `"${name}" is already the name of a ${earlier} (${formatField(this.taskPaths.get(name) ?? [])}): task and condition names are unique across the pipeline, nested ones included.`, { of: 'key' });
        continue;
      }
      if (isLoopBlock(spec)) {
        this.names.set(name, 'loop');
        this.taskPaths.set(name, entryPath);
        const loop = this.readLoopBlock(name, spec, entryPath, tasks);
        if (loop) body.push({ kind: 'loop', loop });
        continue;
      }
      if (isDict(spec) && 'exit_task' in spec && !('component' in spec)) {
        this.names.set(name, 'exit handler');
        this.taskPaths.set(name, entryPath);
        const block = this.readExitHandler(name, spec, entryPath, tasks, path.length === 1);
        if (block) body.push({ kind: 'exit-handler', block });
        continue;
      }
      if (isDict(spec) && 'if' in spec && !('component' in spec) && !('pipeline' in spec)) {
        this.names.set(name, 'condition');
        this.taskPaths.set(name, entryPath);
        const block = this.readConditionBlock(name, spec, entryPath, tasks);
        if (block) body.push({ kind: 'condition', block });
        continue;
      }
      this.names.set(name, 'task');
      this.taskPaths.set(name, entryPath);
      const task = this.readTask(name, spec);
      if (task) {
        if (path.length > 1) task.yamlPath = entryPath;
        tasks.push(task);
        body.push({ kind: 'task', task: name });
      }
    }
    return body;
  }

  // ----------------------------------------------------------------- loops

  /** {for_each, as, parallelism, tasks}: dsl.ParallelFor (read-loop.ts). */
  private readLoopBlock(name: string, raw: Record<string, unknown>, path: YamlPath, tasks: PipelineTask[]): LoopBlock | undefined {
    const report = (at: YamlPath, message: string, options?: { task?: string; field?: string; of?: 'key' | 'value' }) => this.report(at, message, options);
    const nameProblem = taskNameProblem(name);
    if (nameProblem) this.report(path, nameProblem.replace('task name', 'loop name'), { of: 'key' });
    this.unknownKeys(raw, path, LOOP_BLOCK_KEYS, 'a loop');
    const displayName = this.optionalString(raw, path, 'display_name');
    const items = readLoopItems(raw.for_each, path, report, this.loopItems);
    const as = readLoopItemName(raw.as, path, this.loopItems, report);
    const parallelism = readParallelism(raw.parallelism, path, report);
    const tasksPath = [...path, 'tasks'];
    let body: PipelineNode[] | undefined;
    if (!isDict(raw.tasks) || Object.keys(raw.tasks).length === 0) {
      this.report(raw.tasks === undefined ? path : tasksPath, 'needs tasks: a mapping of the tasks (conditions, loops) that run once per item, e.g. tasks: {train: {component: trainer, arguments: {fold: {item: fold}}}}.', {
        field: formatField(tasksPath),
      });
    } else {
      // an unnamed or refused item name still scopes the body, so its tasks are not reported twice
      this.loopItems.push(as ?? (typeof raw.as === 'string' ? raw.as : ''));
      body = this.readBody(raw.tasks, tasksPath, tasks);
      this.loopItems.pop();
    }
    if (!items || as === undefined || !body || (raw.parallelism !== undefined && raw.parallelism !== null && parallelism === undefined)) return undefined;
    return { name, items, as, ...(parallelism !== undefined ? { parallelism } : {}), body, ...(displayName !== undefined ? { displayName } : {}), yamlPath: path };
  }

  // --------------------------------------------------------- exit handlers

  /** {exit_task: {<name>: <task>}, tasks: {...}}: dsl.ExitHandler(exit_task) around the tasks. */
  private readExitHandler(name: string, raw: Dict, path: YamlPath, tasks: PipelineTask[], topLevel: boolean): ExitHandlerBlock | undefined {
    const nameProblem = taskNameProblem(name);
    if (nameProblem) this.report(path, nameProblem.replace('task name', 'exit handler name'), { of: 'key' });
    this.unknownKeys(raw, path, EXIT_HANDLER_KEYS, 'an exit handler');
    const displayName = this.optionalString(raw, path, 'display_name');
    // kfp: "ExitHandler can only be used within the outermost scope of a pipeline function definition."
    if (!topLevel) this.report(path, 'an exit handler must be an entry of the top-level tasks: kfp allows dsl.ExitHandler only in the outermost scope of a pipeline, not inside a condition or another exit handler.', { of: 'key' });
    const exitPath = [...path, 'exit_task'];
    let exitTask: string | undefined;
    const exitRaw = raw.exit_task;
    if (!isDict(exitRaw) || Object.keys(exitRaw).length !== 1) {
      this.report(exitPath, 'must be one task, {<name>: {component: ..., arguments: ...}}: the task that runs once the tasks below have ended, succeeded or failed.');
    } else {
      const [taskName, spec] = Object.entries(exitRaw)[0];
      const taskPath = [...exitPath, taskName];
      const earlier = this.names.get(taskName);
      if (earlier) {
        this.report(taskPath, `"${taskName}" is already the name of a ${earlier} (${formatField(this.taskPaths.get(taskName) ?? [])}): task and condition names are unique across the pipeline, nested ones included.`, { of: 'key' });
      } else if (isDict(spec) && !('component' in spec) && ('if' in spec || 'exit_task' in spec)) {
        this.report(taskPath, 'an exit task is one task with a component, not a condition or an exit handler.', { of: 'key' });
      } else if (isDict(spec) && 'importer' in spec) {
        // kfp: "Exit task ... is missing both container spec and pipeline spec."
        this.report(taskPath, 'an exit task runs a component: kfp cannot compile an importer as an exit task.', { of: 'key' });
      } else {
        this.names.set(taskName, 'task');
        this.taskPaths.set(taskName, taskPath);
        const task = this.readTask(taskName, spec);
        if (task) {
          task.yamlPath = taskPath;
          tasks.push(task);
          exitTask = taskName;
        }
      }
    }
    let body: PipelineNode[] | undefined;
    if (!isDict(raw.tasks) || Object.keys(raw.tasks).length === 0) {
      // kfp compiles an empty dsl.ExitHandler to a component with no DAG, which no backend runs
      this.report(raw.tasks === undefined ? path : [...path, 'tasks'], 'needs tasks: a mapping of the tasks (and conditions) the exit task waits for, e.g. tasks: {train: {component: trainer}}.', {
        field: formatField([...path, 'tasks']),
      });
    } else {
      body = this.readBody(raw.tasks, [...path, 'tasks'], tasks);
    }
    return exitTask !== undefined && body ? { name, exitTask, body, ...(displayName !== undefined ? { displayName } : {}), yamlPath: path } : undefined;
  }

  // ------------------------------------------------------------ conditions

  /** {if, then, elif: [{if, then}], else}: dsl.If, dsl.Elif, dsl.Else (an if alone is dsl.Condition too). */
  private readConditionBlock(name: string, raw: Dict, path: YamlPath, tasks: PipelineTask[]): ConditionBlock | undefined {
    const nameProblem = taskNameProblem(name);
    if (nameProblem) this.report(path, nameProblem.replace('task name', 'condition name'), { of: 'key' });
    this.unknownKeys(raw, path, CONDITION_BLOCK_KEYS, 'a condition');
    const elseDisplayName = this.optionalString(raw, path, 'else_display_name');
    if ('else_display_name' in raw && raw.else === undefined) this.report([...path, 'else_display_name'], 'names the else branch, and this condition has no else: remove it, or add else.');
    const branches: ConditionBranch[] = [];
    const ifBranch = this.readBranch(raw, path, tasks);
    if (ifBranch) branches.push(ifBranch);
    if (raw.elif !== undefined) {
      if (!Array.isArray(raw.elif)) {
        this.report([...path, 'elif'], 'must be a list of {if: <comparison>, then: <tasks>}, tried in order after if.');
      } else {
        raw.elif.forEach((entry, index) => {
          const entryPath = [...path, 'elif', index];
          if (!isDict(entry)) {
            this.report(entryPath, 'must be a mapping {if: <comparison>, then: <tasks>}.');
            return;
          }
          this.unknownKeys(entry, entryPath, ELIF_KEYS, 'an elif');
          const branch = this.readBranch(entry, entryPath, tasks);
          if (branch) branches.push(branch);
        });
      }
    }
    if (raw.else !== undefined) {
      const elsePath = [...path, 'else'];
      const body = this.readBranchTasks(raw.else, elsePath, tasks, 'else');
      if (body) branches.push({ body, ...(elseDisplayName !== undefined ? { displayName: elseDisplayName } : {}), yamlPath: elsePath });
    }
    return { name, branches, yamlPath: path };
  }

  private readBranch(raw: Dict, path: YamlPath, tasks: PipelineTask[]): ConditionBranch | undefined {
    const condition = this.readCondition(raw.if, [...path, 'if']);
    const body = this.readBranchTasks(raw.then, [...path, 'then'], tasks, 'then', path);
    const displayName = this.optionalString(raw, path, 'display_name');
    return condition && body ? { condition, body, ...(displayName !== undefined ? { displayName } : {}), yamlPath: path } : undefined;
  }

  private readBranchTasks(raw: unknown, path: YamlPath, tasks: PipelineTask[], key: string, parent?: YamlPath): PipelineNode[] | undefined {
    if (!isDict(raw) || Object.keys(raw).length === 0) {
      this.report(
        raw === undefined && parent ? parent : path,
        `needs ${key}: a mapping of the tasks (and conditions) that run ${key === 'else' ? 'when no condition above holds' : 'when the condition holds'}, e.g. ${key}: {deploy: {component: deployer}}.`,
        raw === undefined && parent ? { field: formatField(path) } : {},
      );
      return undefined;
    }
    return this.readBody(raw, path, tasks);
  }

  /** {left, operator, right}: each side {parameter: p}, {task: t, output: o} or a constant. */
  private readCondition(raw: unknown, path: YamlPath): Condition | undefined {
    const example = "{left: {task: evaluate, output: accuracy}, operator: '>=', right: 0.9}";
    if (!isDict(raw)) {
      this.report(path, `must be a comparison such as ${example}.`);
      return undefined;
    }
    this.unknownKeys(raw, path, CONDITION_KEYS, 'a comparison');
    const problemsBefore = this.problems.length;
    if (typeof raw.operator !== 'string' || !(CONDITION_OPERATORS as readonly string[]).includes(raw.operator)) {
      this.report('operator' in raw ? [...path, 'operator'] : path, `needs operator: one of ${CONDITION_OPERATORS.join(' ')} (quote it in YAML: '>=').`, { field: formatField([...path, 'operator']) });
    }
    const left = this.readOperand(raw, path, 'left');
    const right = this.readOperand(raw, path, 'right');
    if (left?.kind === 'literal' && right?.kind === 'literal') {
      // kfp: "Got constant boolean ... At least one of the operands must be an output from an upstream task or a pipeline parameter."
      this.report(path, 'compares two constants: at least one side must be a pipeline parameter ({parameter: p}) or an upstream output ({task: t, output: o}).');
    }
    if (this.problems.length > problemsBefore || !left || !right) return undefined;
    return { left, operator: raw.operator as ConditionOperator, right };
  }

  private readOperand(raw: Dict, path: YamlPath, side: 'left' | 'right'): ConditionOperand | undefined {
    const value = raw[side];
    const operandPath = [...path, side];
    if (value === undefined || value === null) {
      this.report(value === null ? operandPath : path, `needs ${side}: {parameter: p}, {task: t, output: o}, an enclosing loop's {item: x} (or {item: x, field: f}) or a constant (text, number, true/false).`, { field: formatField(operandPath) });
      return undefined;
    }
    if (isDict(value) && 'parameter' in value) {
      this.unknownKeys(value, operandPath, ['parameter'], 'a parameter reference');
      if (typeof value.parameter === 'string') return { kind: 'parameter', parameter: value.parameter };
      this.report([...operandPath, 'parameter'], 'must name a pipeline parameter.');
      return undefined;
    }
    if (isDict(value) && 'item' in value) {
      // an enclosing loop's item, or a field of it: dsl.If(item == 'a'), dsl.If(item.lr > 0.1)
      return readItemArgument(value, operandPath, this.loopItems, undefined, (at, message, options) => this.report(at, message, options));
    }
    if (isDict(value) && ('task' in value || 'output' in value)) {
      this.unknownKeys(value, operandPath, ['task', 'output'], 'an output reference');
      if (typeof value.task === 'string' && typeof value.output === 'string') return { kind: 'task-output', task: value.task, output: value.output };
      this.report(operandPath, 'needs task and output: an upstream task and its output name.');
      return undefined;
    }
    if (typeof value === 'boolean') return { kind: 'literal', value };
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return { kind: 'literal', value };
      this.report(operandPath, 'must be a finite number.');
      return undefined;
    }
    if (typeof value === 'string') {
      // kfp writes a text constant between single quotes without escaping: these would break the condition
      if (/['\\\n\r]/.test(value)) {
        this.report(operandPath, "cannot hold ', \\ or a line break: kfp writes text constants into the condition unescaped.");
        return undefined;
      }
      return { kind: 'literal', value };
    }
    this.report(operandPath, "must be {parameter: p}, {task: t, output: o}, an enclosing loop's {item: x} / {item: x, field: f} or a constant: text, a number, true or false (no lists or mappings).");
    return undefined;
  }

  private taskPath(task: string): YamlPath {
    return this.taskPaths.get(task) ?? ['tasks', task];
  }

  private readTask(name: string, raw: unknown): PipelineTask | undefined {
    const path = this.taskPath(name);
    const nameProblem = taskNameProblem(name);
    if (nameProblem) this.report(path, nameProblem, { of: 'key', task: name });
    if (!isDict(raw)) {
      this.report(path, 'must be a mapping with at least component: <component project>.', { task: name });
      return undefined;
    }
    if ('importer' in raw && !('component' in raw)) return this.readImporterTask(name, raw, path);
    if (('create_pvc' in raw || 'delete_pvc' in raw) && !('component' in raw)) return this.readPvcTask(name, raw, path);
    this.unknownKeys(raw, path, TASK_KEYS, 'a task', name);
    const callsPipeline = raw.pipeline !== undefined && raw.component === undefined;
    let component = '';
    if (raw.pipeline !== undefined && raw.component !== undefined) {
      this.report([...path, 'pipeline'], 'a task runs one component or one pipeline: keep component or pipeline, not both.', { task: name, of: 'key' });
    } else if (callsPipeline) {
      if (typeof raw.pipeline !== 'string' || raw.pipeline === '') {
        this.report([...path, 'pipeline'], 'must be the name of a pipeline project.', { task: name, field: 'pipeline' });
      } else {
        component = raw.pipeline;
      }
      for (const key of CONTAINER_ONLY_TASK_KEYS) {
        if (raw[key] !== undefined) {
          const why =
            key === 'cache_key' || key === 'ignore_upstream_failure'
              ? 'is not taken on a task that runs a pipeline (pipeline tasks take display_name, arguments, after, caching and retry)'
              : `applies to a component's container, and a task that runs a pipeline has none (kfp: "can only be used on single-step components, not pipelines used as components")`;
          this.report([...path, key], `${why}; set it on the tasks of pipeline "${component}".`, { task: name, of: 'key' });
        }
      }
    } else if (typeof raw.component !== 'string' || raw.component === '') {
      this.report(
        raw.component === undefined ? path : [...path, 'component'],
        raw.component === undefined ? 'needs component: the name of a component project (or pipeline: the name of a pipeline project).' : 'must be the name of a component project.',
        { task: name, field: 'component', of: raw.component === undefined ? 'key' : 'value' },
      );
    } else {
      component = raw.component;
    }
    const task: PipelineTask = { name, component, arguments: this.readArguments(name, raw.arguments), after: this.readAfter(name, raw.after) };
    if (callsPipeline) {
      task.calls = 'pipeline';
      return this.readRetryAndCaching(task, path, raw);
    }
    this.readRetryAndCaching(task, path, raw);
    if (raw.cache_key !== undefined && raw.cache_key !== null) {
      if (typeof raw.cache_key !== 'string' || raw.cache_key === '') this.report([...path, 'cache_key'], 'must be a non-empty string: the key under which KFP caches this task whatever its inputs, e.g. features-2024-06.', { task: name });
      else task.cache_key = raw.cache_key;
    }
    const resources = this.readResources(name, raw.resources);
    if (resources) task.resources = resources;
    const env = this.readEnv(name, raw.env);
    if (env) task.env = env;
    const secrets = this.readSecrets(name, raw.secrets);
    if (secrets) task.secrets = secrets;
    const tolerations = this.readTolerations(name, raw.tolerations);
    if (tolerations) task.tolerations = tolerations;
    if (raw.ignore_upstream_failure !== undefined) {
      if (typeof raw.ignore_upstream_failure !== 'boolean') this.report([...path, 'ignore_upstream_failure'], 'must be true or false.', { task: name });
      else if (raw.ignore_upstream_failure) task.ignore_upstream_failure = true;
    }
    if (raw.timeout !== undefined && raw.timeout !== null) {
      const timeout = taskTimeout(raw.timeout);
      if ('problem' in timeout) this.report([...path, 'timeout'], timeout.problem, { task: name });
      else task.timeout_seconds = timeout.seconds;
    }
    if (raw.image !== undefined && raw.image !== null) {
      const image = readTaskImage(raw.image, [...path, 'image'], this.loopItems, name, (at, message, options) => this.report(at, message, options));
      if (image !== undefined) task.image = image;
    }
    const kubernetes = readKubernetesOptions(raw, path, (at, message, of) => this.report(at, message, { task: name, of }));
    if (this.secretVolumes.has(name)) task.kubernetes = { secret_volumes: this.secretVolumes.get(name)!, ...kubernetes };
    else if (kubernetes) task.kubernetes = kubernetes;
    return task;
  }

  /** What any task takes, one that runs a pipeline included: display_name, caching, retry. */
  private readRetryAndCaching(task: PipelineTask, path: YamlPath, raw: Dict): PipelineTask {
    const displayName = this.optionalString(raw, path, 'display_name', task.name);
    if (displayName !== undefined) task.display_name = displayName;
    if (raw.caching !== undefined) {
      if (typeof raw.caching !== 'boolean') this.report([...path, 'caching'], 'must be true or false.', { task: task.name });
      else task.caching = raw.caching;
    }
    const retry = this.readRetry(task.name, raw.retry);
    if (retry) task.retry = retry;
    return task;
  }

  /** What a task of a component kfp builds (an importer's, CreatePVC's, DeletePVC's) takes besides: display_name, after, caching. */
  private readBuiltInTask(name: string, raw: Dict, path: YamlPath): PipelineTask {
    const task: PipelineTask = { name, component: '', arguments: {}, after: this.readAfter(name, raw.after) };
    const displayName = this.optionalString(raw, path, 'display_name', name);
    if (displayName !== undefined) task.display_name = displayName;
    if (raw.caching !== undefined) {
      if (typeof raw.caching !== 'boolean') this.report([...path, 'caching'], 'must be true or false.', { task: name });
      else task.caching = raw.caching;
    }
    return task;
  }

  /** {create_pvc: {...}} or {delete_pvc: {pvc: {task, output}}}, with display_name, after, caching: kubernetes.CreatePVC / DeletePVC. */
  private readPvcTask(name: string, raw: Dict, path: YamlPath): PipelineTask {
    const creates = 'create_pvc' in raw;
    if (creates && 'delete_pvc' in raw) this.report([...path, 'delete_pvc'], 'a task creates a PVC or deletes one: give create_pvc and delete_pvc to two tasks.', { task: name, of: 'key' });
    this.unknownKeys(raw, path, creates ? CREATE_PVC_TASK_KEYS : DELETE_PVC_TASK_KEYS, `a ${creates ? 'create_pvc' : 'delete_pvc'} task (it runs kfp-kubernetes' own component)`, name);
    const task = this.readBuiltInTask(name, raw, path);
    const report = (at: YamlPath, message: string, of?: 'key' | 'value') => this.report(at, message, { task: name, of });
    if (creates) {
      const spec = readCreatePvc(raw.create_pvc, [...path, 'create_pvc'], report);
      if (spec) task.create_pvc = spec;
    } else {
      const spec = readDeletePvc(raw.delete_pvc, [...path, 'delete_pvc'], report);
      if (spec) task.delete_pvc = spec;
    }
    return task;
  }

  /** {importer: {artifact_uri, type, reimport, metadata}, display_name, after, caching}: dsl.importer. */
  private readImporterTask(name: string, raw: Dict, path: YamlPath): PipelineTask {
    this.unknownKeys(raw, path, IMPORTER_TASK_KEYS, 'an importer task (it runs no container)', name);
    const task = this.readBuiltInTask(name, raw, path);
    const importerPath = [...path, 'importer'];
    const spec = raw.importer;
    if (!isDict(spec)) {
      this.report(importerPath, `must be a mapping such as {artifact_uri: gs://bucket/data.csv, type: Dataset}.`, { task: name });
      return task;
    }
    this.unknownKeys(spec, importerPath, IMPORTER_KEYS, 'an importer', name);
    const problemsBefore = this.problems.length;
    let uri: ImporterSpec['artifact_uri'] | undefined;
    const rawUri = spec.artifact_uri;
    if (typeof rawUri === 'string' && rawUri !== '') uri = { kind: 'literal', value: rawUri };
    else if (isDict(rawUri) && Object.keys(rawUri).length === 1 && typeof rawUri.parameter === 'string') uri = { kind: 'parameter', parameter: rawUri.parameter };
    else {
      this.report(rawUri === undefined ? importerPath : [...importerPath, 'artifact_uri'], 'needs artifact_uri: the URI of the artifact to import (gs://..., s3://..., file:///..., a local path), or {parameter: p}.', {
        task: name,
        field: 'importer.artifact_uri',
      });
    }
    if (typeof spec.type !== 'string' || !isArtifactTypeName(spec.type)) {
      this.report(spec.type === undefined ? importerPath : [...importerPath, 'type'], `needs type: the artifact class, one of ${ARTIFACT_TYPE_NAMES.join(', ')}${spec.type === undefined ? '' : ` (got ${JSON.stringify(spec.type)})`}.`, {
        task: name,
        field: 'importer.type',
      });
    }
    if (spec.reimport !== undefined && typeof spec.reimport !== 'boolean') this.report([...importerPath, 'reimport'], 'must be true or false.', { task: name });
    if (spec.metadata !== undefined && (!isDict(spec.metadata) || 'parameter' in spec.metadata)) {
      this.report([...importerPath, 'metadata'], 'must be a mapping of the artifact\'s metadata: JSON values, {parameter: p} where a pipeline parameter goes.', { task: name });
    } else if (spec.metadata !== undefined) {
      this.checkMetadata(name, spec.metadata, [...importerPath, 'metadata']);
    }
    if (this.problems.length === problemsBefore && uri) {
      task.importer = {
        artifact_uri: uri,
        type: spec.type as ArtifactTypeName,
        ...(spec.reimport !== undefined ? { reimport: spec.reimport as boolean } : {}),
        ...(spec.metadata !== undefined ? { metadata: spec.metadata as Record<string, unknown> } : {}),
      };
    }
    return task;
  }

  /** Metadata is a protobuf Struct: no null, no NaN or infinity; {parameter: p} names a parameter. */
  private checkMetadata(task: string, value: unknown, path: YamlPath): void {
    if (value === null) this.report(path, 'is empty: give a value or remove the key (kfp cannot write null).', { task });
    else if (typeof value === 'number' && !Number.isFinite(value)) this.report(path, 'must be a finite number.', { task });
    else if (Array.isArray(value)) value.forEach((item, index) => this.checkMetadata(task, item, [...path, index]));
    else if (isDict(value)) {
      if ('parameter' in value && (Object.keys(value).length !== 1 || typeof value.parameter !== 'string')) {
        this.report(path, 'a parameter reference is {parameter: <name>} and nothing else.', { task });
        return;
      }
      for (const [key, item] of Object.entries(value)) this.checkMetadata(task, item, [...path, key]);
    }
  }

  private readArguments(task: string, raw: unknown): Record<string, TaskArgument> {
    const path = [...this.taskPath(task), 'arguments'];
    if (raw === undefined || raw === null) return {};
    if (!isDict(raw)) {
      this.report(path, 'must be a mapping of input name to a value, {parameter: p} or {task: t, output: o}.', { task });
      return {};
    }
    const args = namedRecord<TaskArgument>();
    for (const [input, value] of Object.entries(raw)) {
      const argument = this.readArgument(task, input, value);
      if (argument) args[input] = argument;
    }
    return args;
  }

  private readArgument(task: string, input: string, value: unknown): TaskArgument | undefined {
    const path = [...this.taskPath(task), 'arguments', input];
    if (value === null) {
      this.report(path, 'has no value: give a literal, {parameter: p} or {task: t, output: o}, or remove it.', { task });
      return undefined;
    }
    if (isDict(value) && 'item' in value) return readItemArgument(value, path, this.loopItems, task, (at, message, options) => this.report(at, message, options));
    if (isDict(value) && 'collect' in value) return readCollectArgument(value, path, task, (at, message, options) => this.report(at, message, options));
    if (isDict(value) && 'one_of' in value) {
      const of = readOneOf(value, path, task, (at, message, options) => this.report(at, message, options));
      return of ? { kind: 'one-of', of } : undefined;
    }
    if (isDict(value) && 'parameter' in value) {
      this.unknownKeys(value, path, ['parameter'], 'a parameter reference', task);
      if (typeof value.parameter !== 'string') {
        this.report([...path, 'parameter'], 'must name a pipeline parameter.', { task });
        return undefined;
      }
      return { kind: 'parameter', parameter: value.parameter };
    }
    if (isDict(value) && ('task' in value || 'output' in value)) {
      this.unknownKeys(value, path, ['task', 'output'], 'an output reference', task);
      let valid = true;
      for (const key of ['task', 'output'] as const) {
        if (typeof value[key] !== 'string') {
          this.report(key in value ? [...path, key] : path, `needs ${key}: an upstream ${key === 'task' ? 'task name' : 'output name'}.`, { task });
          valid = false;
        }
      }
      return valid ? { kind: 'task-output', task: value.task as string, output: value.output as string } : undefined;
    }
    // what no input type can take is refused here; the checker matches the rest to the input's type
    const problem = literalProblem(value);
    if (problem) this.report(path, problem, { task });
    return { kind: 'literal', value: value as Extract<TaskArgument, { kind: 'literal' }>['value'] };
  }

  private readAfter(task: string, raw: unknown): string[] {
    if (raw === undefined || raw === null) return [];
    const path = [...this.taskPath(task), 'after'];
    if (!Array.isArray(raw)) {
      this.report(path, 'must be a list of task names, e.g. after: [load].', { task });
      return [];
    }
    const after: string[] = [];
    raw.forEach((item, index) => {
      if (typeof item !== 'string') this.report([...path, index], 'must be a task name.', { task, field: `after[${index}]` });
      else after.push(item);
    });
    return after;
  }

  private readRetry(task: string, raw: unknown): RetryPolicy | undefined {
    if (raw === undefined || raw === null) return undefined;
    const path = [...this.taskPath(task), 'retry'];
    if (!isDict(raw)) {
      this.report(path, 'must be a mapping such as {max_retry_count: 3, backoff_duration: 60s}.', { task });
      return undefined;
    }
    this.unknownKeys(raw, path, RETRY_KEYS, 'retry', task);
    const retry: RetryPolicy = { max_retry_count: 0 };
    // kfp writes it as an int32 and refuses more (ParseError: Value out of range)
    if (!Number.isInteger(raw.max_retry_count) || (raw.max_retry_count as number) < 0 || (raw.max_retry_count as number) > INT32_MAX) {
      this.report('max_retry_count' in raw ? [...path, 'max_retry_count'] : path, `max_retry_count is required: a whole number of retries, 0 to ${INT32_MAX}.`, {
        task,
        field: 'retry.max_retry_count',
      });
    } else {
      retry.max_retry_count = raw.max_retry_count as number;
    }
    for (const key of ['backoff_duration', 'backoff_max_duration'] as const) {
      if (raw[key] === undefined) continue;
      // exactly what kfp's set_retry takes (convert_duration_to_seconds), so never 1.5s or 1h30m
      if (typeof raw[key] !== 'string' || durationToSeconds(raw[key] as string) === undefined) {
        this.report([...path, key], `must be a whole number and a unit, as kfp takes it: 60s, 5m, 1h, 2d or 1w (got ${JSON.stringify(raw[key])}).`, { task });
      } else {
        retry[key] = raw[key] as string;
      }
    }
    if (raw.backoff_factor !== undefined) {
      if (typeof raw.backoff_factor !== 'number' || !(raw.backoff_factor > 0) || !Number.isFinite(raw.backoff_factor)) {
        this.report([...path, 'backoff_factor'], 'must be a positive number, e.g. 2.', { task });
      } else {
        retry.backoff_factor = raw.backoff_factor;
      }
    }
    return retry;
  }

  private readResources(task: string, raw: unknown): TaskResources | undefined {
    if (raw === undefined || raw === null) return undefined;
    const path = [...this.taskPath(task), 'resources'];
    if (!isDict(raw)) {
      this.report(path, "must be a mapping such as {cpu_limit: '2', memory_limit: 8G}.", { task });
      return undefined;
    }
    this.unknownKeys(raw, path, RESOURCE_KEYS, 'resources', task);
    const resources: TaskResources = {};
    for (const key of ['cpu_request', 'cpu_limit'] as const) {
      const value = this.resourceString(task, raw, key, CPU, "a CPU amount such as '2', '0.5' or '500m'");
      if (value !== undefined) resources[key] = value;
    }
    for (const key of ['memory_request', 'memory_limit'] as const) {
      const value = this.resourceString(task, raw, key, MEMORY, 'a memory amount such as 512M, 8G or 1Gi');
      if (value !== undefined) resources[key] = value;
    }
    if (raw.accelerator !== undefined) {
      const acceleratorPath = [...path, 'accelerator'];
      const accelerator = raw.accelerator;
      if (!isDict(accelerator)) {
        this.report(acceleratorPath, 'must be a mapping such as {type: nvidia.com/gpu, count: 1}.', { task });
      } else {
        this.unknownKeys(accelerator, acceleratorPath, ACCELERATOR_KEYS, 'accelerator', task);
        if (typeof accelerator.type !== 'string' || accelerator.type === '') {
          this.report(acceleratorPath, 'needs type: the resource name, e.g. nvidia.com/gpu.', { task, field: 'resources.accelerator.type' });
        } else {
          resources.accelerator = { type: accelerator.type };
          if (accelerator.count !== undefined) {
            if (!Number.isInteger(accelerator.count) || (accelerator.count as number) < 1) {
              this.report([...acceleratorPath, 'count'], 'must be a whole number, 1 or more.', { task });
            } else {
              resources.accelerator.count = accelerator.count as number;
            }
          }
        }
      }
    }
    return resources;
  }

  /** Numbers are taken as their text (cpu_limit: 2 means '2'), as a YAML user would expect. */
  private resourceString(task: string, raw: Dict, key: string, pattern: RegExp, what: string): string | undefined {
    const value = raw[key];
    if (value === undefined) return undefined;
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !pattern.test(text)) {
      this.report([...this.taskPath(task), 'resources', key], `must be ${what} (got ${JSON.stringify(value)}).`, { task });
      return undefined;
    }
    return text;
  }

  private readEnv(task: string, raw: unknown): Record<string, string> | undefined {
    if (raw === undefined || raw === null) return undefined;
    const path = [...this.taskPath(task), 'env'];
    if (!isDict(raw)) {
      this.report(path, 'must be a mapping of variable name to value.', { task });
      return undefined;
    }
    const env = namedRecord<string>();
    for (const [name, value] of Object.entries(raw)) {
      if (!ENV_NAME.test(name)) this.report([...path, name], `"${name}" is not a valid environment variable name.`, { task, of: 'key' });
      if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) env[name] = String(value);
      else this.report([...path, name], typeof value === 'number' ? `must be a string: quote it ('${String(value)}') if that text is meant.` : 'must be a string.', { task });
    }
    return env;
  }

  /** Secrets as env (keys) and as files (mount_path); the files go to the task's kubernetes options. */
  private readSecrets(task: string, raw: unknown): SecretAsEnv[] | undefined {
    const read = readObjectReferences('secret', raw, [...this.taskPath(task), 'secrets'], (at, message, of) => this.report(at, message, { task, of }));
    if (!read) return undefined;
    if (read.volumes.length > 0) this.secretVolumes.set(task, read.volumes);
    return read.env as SecretAsEnv[];
  }

  private readTolerations(task: string, raw: unknown): Toleration[] | undefined {
    if (raw === undefined || raw === null) return undefined;
    const path = [...this.taskPath(task), 'tolerations'];
    if (!Array.isArray(raw)) {
      this.report(path, 'must be a list such as [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}].', { task });
      return undefined;
    }
    const tolerations: Toleration[] = [];
    raw.forEach((item, index) => {
      const itemPath = [...path, index];
      if (!isDict(item)) {
        this.report(itemPath, 'must be a mapping {key, operator, value, effect, toleration_seconds}.', { task, field: `tolerations[${index}]` });
        return;
      }
      this.unknownKeys(item, itemPath, TOLERATION_KEYS, 'a toleration', task);
      const problemsBefore = this.problems.length;
      const toleration: Toleration = {};
      for (const key of ['key', 'value'] as const) {
        if (item[key] === undefined) continue;
        if (typeof item[key] !== 'string') this.report([...itemPath, key], 'must be a string.', { task });
        else toleration[key] = item[key] as string;
      }
      if (item.operator !== undefined) {
        if (typeof item.operator !== 'string' || !TOLERATION_OPERATORS.includes(item.operator)) {
          this.report([...itemPath, 'operator'], `must be ${TOLERATION_OPERATORS.join(' or ')} (got ${JSON.stringify(item.operator)}).`, { task });
        } else {
          toleration.operator = item.operator;
        }
      }
      if (item.effect !== undefined) {
        if (typeof item.effect !== 'string' || !TOLERATION_EFFECTS.includes(item.effect)) {
          this.report([...itemPath, 'effect'], `must be ${TOLERATION_EFFECTS.join(', ')} (got ${JSON.stringify(item.effect)}).`, { task });
        } else {
          toleration.effect = item.effect;
        }
      }
      if (item.toleration_seconds !== undefined) {
        if (!Number.isSafeInteger(item.toleration_seconds)) {
          this.report([...itemPath, 'toleration_seconds'], `must be a whole number of seconds (got ${JSON.stringify(item.toleration_seconds)}).`, { task });
        } else {
          toleration.toleration_seconds = item.toleration_seconds as number;
        }
      }
      if (toleration.operator === 'Exists' && toleration.value !== undefined) {
        this.report([...itemPath, 'value'], 'must be left out when operator is Exists (it matches every value).', { task });
      }
      if (toleration.key === undefined && toleration.operator !== 'Exists' && this.problems.length === problemsBefore) {
        this.report(itemPath, 'without a key, operator must be Exists (it then tolerates every taint).', { task, field: `tolerations[${index}].operator` });
      }
      if (this.problems.length === problemsBefore) tolerations.push(toleration);
    });
    return tolerations;
  }

  // --------------------------------------------------------------- helpers

  private optionalString(raw: Dict, path: YamlPath, key: string, task?: string): string | undefined {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.report([...path, key], 'must be a string.', { task });
      return undefined;
    }
    return value;
  }

  private unknownKeys(raw: Dict, path: YamlPath, allowed: readonly string[], what: string, task?: string): void {
    for (const key of Object.keys(raw)) {
      if (allowed.includes(key)) continue;
      // the allowed key a typo most likely meant (edit distance at most 2)
      const suggestion = closestName(key, allowed);
      this.report([...path, key], `unknown key "${key}" in ${what}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${allowed.join(', ')}.`, {
        task,
        of: 'key',
      });
    }
  }

  /**
   * Records a problem at `path`. Inside a task the field is the path below
   * the task (arguments.dataset); elsewhere the whole path (parameters.epochs.default).
   */
  report(path: YamlPath, message: string, options: { task?: string; field?: string; of?: 'key' | 'value' } = {}): void {
    const { line, column } = this.source.positionOf(path, options.of);
    const task = options.task ?? (path[0] === 'tasks' && path.length >= 2 && this.names.get(String(path[1])) === 'task' ? String(path[1]) : undefined);
    const taskPath = task !== undefined ? this.taskPath(task) : [];
    const inTask = task !== undefined && taskPath.every((segment, index) => path[index] === segment);
    const fieldPath = inTask ? path.slice(taskPath.length) : path;
    const field = options.field ?? formatField(fieldPath);
    this.problems.push({ file: this.file, line, column, ...(task !== undefined ? { task } : {}), ...(field ? { field } : {}), message });
  }
}

export function formatField(path: YamlPath): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
