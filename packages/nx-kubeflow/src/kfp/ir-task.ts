/**
 * A task of the root DAG in the IR (build_task_spec_for_task): caching,
 * component reference, inputs from pipeline parameters, upstream outputs or
 * constants, dependentTasks (the `after` list plus every producer of an
 * input, sorted), retry policy and the display name.
 */
import { isArtifactTypeName, type PipelineDefinition, type PipelineTask, type ResolvedComponent, type TaskArgument } from './pipeline-model';
import { ioTypeOf } from './io-types';
import { nonFiniteProblem } from './parameter-types';
import { k8sName, sanitizeInputName } from './kfp-names';
import { findByName } from './ir-io-definitions';
import { containsNull, protobufValue } from './ir-values';
import { retryPolicy } from './retry-policy';
import type { ReportProblem } from './ir-compile-error';
import { namedRecord } from './named-records';
import type { Channel } from './ir-groups';
import type { ItemRead } from './ir-loops';
import { pipelineTaskNamed } from './pipeline-task-index';
import type { TaskImage } from './ir-image';

export interface TaskContext {
  pipeline: PipelineDefinition;
  components: Map<string, ResolvedComponent>;
  report: ReportProblem;
  /** Inside a condition group: the group's inputs (pipelinechannel--...), which the task takes its outer values from. */
  groupInputs?: ReadonlySet<string>;
  /** dependentTasks as the group layout computed them (siblings in the same DAG), when the pipeline has groups. */
  dependentTasks?: string[];
  /** Loop items this task reads, by argument name (ir-loops.ts). */
  itemReads?: ReadonlyMap<string, ItemRead>;
  /** Collected outputs this task reads, by argument name: the channel of the outermost group that surfaces each. */
  collected?: ReadonlyMap<string, Channel>;
  /** A run-time image's inputs and producer (ir-image.ts). */
  image?: TaskImage;
}

type Inputs = { artifacts: Record<string, unknown>; parameters: Record<string, unknown> };

function upstreamOutput(arg: Extract<TaskArgument, { kind: 'task-output' }>, ctx: TaskContext, field: string) {
  const upstream = pipelineTaskNamed(ctx.pipeline, arg.task);
  const component = upstream && ctx.components.get(upstream.component);
  const output = component && findByName(component.spec.outputs, arg.output);
  if (!output) ctx.report(field, `no output ${JSON.stringify(arg.output)} on task ${JSON.stringify(arg.task)}`);
  return output;
}

function addInput(inputs: Inputs, name: string, isArtifact: boolean, arg: TaskArgument, ctx: TaskContext, field: string, argName: string): string | undefined {
  if (arg.kind === 'loop-item') {
    const read = ctx.itemReads?.get(argName);
    if (!read) {
      ctx.report(field, `no enclosing loop names its item ${JSON.stringify(arg.item)}`);
      return undefined;
    }
    inputs.parameters[name] = { componentInputParameter: read.channel.inputName, ...(read.selector ? { parameterExpressionSelector: read.selector } : {}) };
    return undefined;
  }
  if (arg.kind === 'collected' || arg.kind === 'one-of') {
    // both are read as an output a group surfaces (ir-loops.ts, ir-one-of.ts)
    const channel = ctx.collected?.get(argName);
    if (!channel) {
      ctx.report(
        field,
        arg.kind === 'collected'
          ? `task ${JSON.stringify(arg.task)} is not inside a loop this task is outside of: nothing to collect`
          : 'one_of needs an output of a task directly under each branch of one if/elif/else block',
      );
      return undefined;
    }
    const section = channel.io.kind === 'artifact' ? inputs.artifacts : inputs.parameters;
    if (ctx.groupInputs?.has(channel.inputName)) {
      section[name] = channel.io.kind === 'artifact' ? { componentInputArtifact: channel.inputName } : { componentInputParameter: channel.inputName };
    } else {
      section[name] =
        channel.io.kind === 'artifact'
          ? { taskOutputArtifact: { outputArtifactKey: channel.output, producerTask: channel.task } }
          : { taskOutputParameter: { outputParameterKey: channel.output, producerTask: channel.task } };
    }
    return channel.task;
  }
  if (arg.kind === 'parameter') {
    const parameter = ctx.pipeline.parameters.find((p) => p.name === arg.parameter);
    if (!parameter) ctx.report(field, `no pipeline parameter ${JSON.stringify(arg.parameter)}`);
    const artifactInput = parameter !== undefined && isArtifactTypeName(parameter.type);
    if (isArtifact && !artifactInput) ctx.report(field, 'a pipeline parameter cannot feed an artifact input');
    if (!isArtifact && artifactInput) ctx.report(field, 'an artifact pipeline input cannot feed a parameter input');
    // inside a group a pipeline parameter arrives as the group's input pipelinechannel--<name>
    const channel = `pipelinechannel--${arg.parameter}`;
    const source = ctx.groupInputs?.has(channel) ? channel : arg.parameter;
    if (artifactInput) inputs.artifacts[name] = { componentInputArtifact: source };
    else inputs.parameters[name] = { componentInputParameter: source };
    return undefined;
  }
  if (arg.kind === 'literal') {
    if (isArtifact) ctx.report(field, 'a literal cannot feed an artifact input');
    if (containsNull(arg.value)) ctx.report(field, 'null is not a value kfp can pass (only text, numbers, booleans, lists and mappings)');
    const nonFinite = nonFiniteProblem(arg.value);
    if (nonFinite) ctx.report(field, nonFinite);
    inputs.parameters[name] = { runtimeValue: { constant: protobufValue(arg.value) } };
    return undefined;
  }
  const output = upstreamOutput(arg, ctx, field);
  const producerTask = k8sName(arg.task);
  // the output of a task outside the task's group arrives as the group's input pipelinechannel--<task>-<output>
  const channel = `pipelinechannel--${producerTask}-${sanitizeInputName(output?.name ?? arg.output)}`;
  if (ctx.groupInputs?.has(channel)) {
    if (output && ioTypeOf(output.type).kind === 'artifact') inputs.artifacts[name] = { componentInputArtifact: channel };
    else inputs.parameters[name] = { componentInputParameter: channel };
    return undefined;
  }
  if (output && ioTypeOf(output.type).kind === 'artifact') {
    inputs.artifacts[name] = { taskOutputArtifact: { outputArtifactKey: sanitizeInputName(output.name), producerTask } };
  } else {
    inputs.parameters[name] = { taskOutputParameter: { outputParameterKey: sanitizeInputName(output?.name ?? arg.output), producerTask } };
  }
  return producerTask;
}

function taskInputs(task: PipelineTask, component: ResolvedComponent, ctx: TaskContext): { inputs?: Inputs; producers: string[] } {
  const inputs: Inputs = { artifacts: namedRecord(), parameters: namedRecord() };
  const producers: string[] = [];
  for (const [argName, arg] of Object.entries(task.arguments)) {
    const field = `arguments.${argName}`;
    const input = findByName(component.spec.inputs, argName);
    if (!input) {
      ctx.report(field, `component ${task.component} has no input ${JSON.stringify(argName)}`);
      continue;
    }
    const isArtifact = ioTypeOf(input.type).kind === 'artifact';
    const producer = addInput(inputs, sanitizeInputName(input.name), isArtifact, arg, ctx, field, argName);
    if (producer) producers.push(producer);
  }
  // set_container_image(<channel>): the channel and base_image, after the component's inputs as kfp adds them
  Object.assign(inputs.parameters, ctx.image?.inputs ?? {});
  if (ctx.image?.producer) producers.push(ctx.image.producer);
  const empty = Object.keys(inputs.artifacts).length + Object.keys(inputs.parameters).length === 0;
  return { inputs: empty ? undefined : inputs, producers };
}

function compactInputs(inputs: Inputs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.keys(inputs.artifacts).length > 0) out.artifacts = inputs.artifacts;
  if (Object.keys(inputs.parameters).length > 0) out.parameters = inputs.parameters;
  return out;
}

export function taskSpec(task: PipelineTask, component: ResolvedComponent, componentName: string, ctx: TaskContext): Record<string, unknown> {
  const { inputs, producers } = taskInputs(task, component, ctx);
  for (const upstream of task.after) {
    if (!pipelineTaskNamed(ctx.pipeline, upstream)) ctx.report('after', `no task ${JSON.stringify(upstream)} in this pipeline`);
  }
  const dependentTasks = ctx.dependentTasks ?? [...new Set([...task.after.map(k8sName), ...producers])].sort();
  const spec: Record<string, unknown> = {
    // kfp writes enableCache only when true: false is proto3's default and is left out
    cachingOptions: { ...(task.cache_key ? { cacheKey: task.cache_key } : {}), ...(task.caching === false ? {} : { enableCache: true }) },
    componentRef: { name: componentName },
    taskInfo: { name: task.display_name ?? k8sName(task.name) },
  };
  if (dependentTasks.length > 0) spec.dependentTasks = dependentTasks;
  if (inputs) spec.inputs = compactInputs(inputs);
  const retry = retryPolicy(task.retry, ctx.report);
  if (retry) spec.retryPolicy = retry;
  return spec;
}
