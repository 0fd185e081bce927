/**
 * Reads a compiled KFP IR (PipelineSpec + optional kubernetes platform spec)
 * into what the local runner executes: the root DAG's tasks with their
 * executors, input wiring, output definitions, caching, retry and secrets.
 * Only what kfp compiles from this plugin's pipelines (a flat root DAG of
 * container executors) is accepted; anything else fails here, before a single
 * process starts, with a message naming the task and the construct.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

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
  /** The key under root.dag.tasks: names the task's folder in the run. */
  name: string;
  componentName: string;
  executorLabel: string;
  /** dependentTasks plus every producer of an input, each once. */
  dependsOn: string[];
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
  retry?: IrRetryPolicy;
  container: IrContainer;
  /** kubernetes secretAsEnv entries: not available to local runs. */
  secretEnv: IrSecretEnv[];
  /**
   * kfp-kubernetes' set_timeout: activeDeadlineSeconds of the task's
   * KubernetesExecutorConfig (int64, so JSON may give it as a string).
   */
  timeoutSeconds?: number;
}

/** A pipeline output (root.dag.outputs): the output of a root task it publishes. */
export interface IrPipelineOutput {
  kind: 'parameter' | 'artifact';
  task: string;
  output: string;
}

export interface IrPipeline {
  name: string;
  rootParameters: Record<string, IrParameterDefinition>;
  /** In root.dag.tasks order. */
  tasks: IrTask[];
  /** By output name (root.outputDefinitions). */
  outputs: Record<string, IrPipelineOutput>;
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
  const components = dict(spec.components);
  const executors = dict(dict(spec.deploymentSpec).executors);
  const platformExecutors = dict(dict(dict(dict(dict(documents.platformSpec).platforms).kubernetes).deploymentSpec).executors);
  const rootArtifacts = Object.keys(dict(dict(root.inputDefinitions).artifacts));
  if (rootArtifacts.length > 0) {
    throw new IrReadError(
      `the pipeline takes artifact input(s) ${rootArtifacts.map(name).join(', ')} (artifact pipeline inputs), which the local runner cannot provide; run it on Kubeflow, or wire those inputs from a task's output`,
    );
  }
  const tasks = Object.entries(dag.tasks).map(([name, task]) => readTask(name, dict(task), components, executors, platformExecutors));
  const names = new Set(tasks.map((task) => task.name));
  for (const task of tasks) {
    for (const upstream of task.dependsOn) {
      if (!names.has(upstream)) throw new IrReadError(`task ${name(task.name)} depends on ${name(upstream)}, which is not a task of root.dag`);
    }
  }
  return {
    name: String(dict(spec.pipelineInfo).name ?? 'pipeline'),
    rootParameters: parameterDefinitions(dict(root.inputDefinitions).parameters, 'root.inputDefinitions'),
    tasks,
    outputs: pipelineOutputs(dict(dag.outputs), names),
  };
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

function readTask(taskName: string, task: Dict, components: Dict, executors: Dict, platformExecutors: Dict): IrTask {
  const where = `task ${name(taskName)}`;
  for (const unsupported of ['triggerPolicy', 'parameterIterator', 'artifactIterator']) {
    if (task[unsupported] !== undefined) throw new IrReadError(`${where} uses ${unsupported} (conditions and loops), which the local runner does not run`);
  }
  const componentName = String(dict(task.componentRef).name ?? '');
  const component = components[componentName];
  if (!isDict(component)) throw new IrReadError(`${where} refers to component ${name(componentName)}, which the IR does not define`);
  if (component.dag !== undefined) throw new IrReadError(`${where} runs a nested DAG (${componentName}), which the local runner does not run`);
  const executorLabel = String(component.executorLabel ?? '');
  const executor = dict(executors[executorLabel]);
  if (!isDict(executor.container)) throw new IrReadError(`${where}: executor ${name(executorLabel)} has no container (importers and resolvers are not run locally)`);

  const inputs = dict(task.inputs);
  const parameterInputs: Record<string, ParameterSource> = {};
  const producers: string[] = [];
  for (const [input, source] of Object.entries(dict(inputs.parameters))) {
    parameterInputs[input] = parameterSource(dict(source), `${where} input ${name(input)}`);
    const fromTask = parameterInputs[input];
    if (fromTask.kind === 'task-output') producers.push(fromTask.task);
  }
  const artifactInputs: Record<string, ArtifactSource> = {};
  for (const [input, source] of Object.entries(dict(inputs.artifacts))) {
    if (typeof dict(source).componentInputArtifact === 'string') {
      throw new IrReadError(`${where} input artifact ${name(input)} comes from the pipeline's artifact input ${name(String(dict(source).componentInputArtifact))}, which the local runner cannot provide`);
    }
    const upstream = dict(dict(source).taskOutputArtifact);
    if (typeof upstream.producerTask !== 'string' || typeof upstream.outputArtifactKey !== 'string') {
      throw new IrReadError(`${where} input artifact ${name(input)} does not come from another task's output (only taskOutputArtifact is supported)`);
    }
    artifactInputs[input] = { task: upstream.producerTask, output: upstream.outputArtifactKey };
    producers.push(upstream.producerTask);
  }
  const dependentTasks = Array.isArray(task.dependentTasks) ? task.dependentTasks.map(String) : [];
  const outputs = dict(component.outputDefinitions);
  const outputParameters: Record<string, IrParameterType> = {};
  for (const [output, definition] of Object.entries(dict(outputs.parameters))) {
    outputParameters[output] = parameterType(dict(definition).parameterType, `${componentName} output ${name(output)}`);
  }
  return {
    name: taskName,
    componentName,
    executorLabel,
    dependsOn: [...new Set([...dependentTasks, ...producers])],
    parameterInputs,
    artifactInputs,
    inputParameterDefinitions: parameterDefinitions(dict(component.inputDefinitions).parameters, `${componentName}.inputDefinitions`),
    outputParameters,
    outputArtifacts: Object.keys(dict(outputs.artifacts)),
    inputArtifactTypes: artifactTypes(dict(component.inputDefinitions).artifacts),
    outputArtifactTypes: artifactTypes(outputs.artifacts),
    cacheEnabled: dict(task.cachingOptions).enableCache === true,
    ...(isDict(task.retryPolicy) ? { retry: retryPolicy(task.retryPolicy) } : {}),
    container: container(dict(executor.container)),
    secretEnv: secretEnv(dict(platformExecutors[executorLabel])),
    ...timeout(dict(platformExecutors[executorLabel])),
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
      parameterType: parameterType(d.parameterType, `${where} ${name(parameter)}`),
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
