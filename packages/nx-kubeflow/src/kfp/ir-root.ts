/**
 * The root component's signature: pipeline parameters (with defaults, and
 * settings overrides applied as kfp's Compiler.compile(pipeline_parameters=)
 * applies them: the default changes, isOptional stays as the declaration
 * says), their descriptions, and pipeline outputs taken from task outputs.
 */
import { isArtifactTypeName, type PipelineDefinition, type PipelineOutput, type PipelineParameter, type ResolvedComponent } from './pipeline-model';
import { IR_PARAMETER_TYPE, ioTypeOf } from './io-types';
import { nonFiniteProblem } from './parameter-types';
import { k8sName, KFP_CHANNEL_NAME, sanitizeInputName } from './kfp-names';
import { artifactType, definitions, Definitions, findByName, outputDefinition } from './ir-io-definitions';
import { containsNull, protobufValue } from './ir-values';
import type { ReportProblem } from './ir-compile-error';
import type { Channel } from './ir-groups';
import { hasName, namedRecord } from './named-records';
import { pipelineTaskNamed } from './pipeline-task-index';

export type { PipelineOutput };

export function rootInputDefinitions(
  pipeline: PipelineDefinition,
  overrides: Record<string, unknown>,
  report: ReportProblem,
): Definitions | undefined {
  const parameters = namedRecord<unknown>();
  const artifacts = namedRecord<unknown>();
  for (const name of Object.keys(overrides)) {
    if (!pipeline.parameters.some((p) => p.name === name)) report(`parameters.${name}`, 'settings override a parameter the pipeline does not declare');
  }
  for (const parameter of pipeline.parameters) {
    if (!KFP_CHANNEL_NAME.test(parameter.name)) report(`parameters.${parameter.name}`, 'kfp requires a pipeline parameter name to start with a letter (^[A-Za-z][A-Za-z0-9 _-]*$)');
    if (isArtifactTypeName(parameter.type)) {
      // an artifact pipeline input (Input[Artifact]): no default, kfp writes neither defaultValue nor isOptional
      if (hasName(overrides, parameter.name)) report(`parameters.${parameter.name}`, 'an artifact pipeline input cannot take a default from settings');
      if (parameter.default !== undefined) report(`parameters.${parameter.name}`, 'an artifact pipeline input cannot have a default');
      const io = ioTypeOf(parameter.type);
      if (io.kind === 'artifact') artifacts[parameter.name] = { artifactType: artifactType(io), ...described(parameter) };
      continue;
    }
    const body: Record<string, unknown> = { parameterType: IR_PARAMETER_TYPE[parameter.type], ...described(parameter) };
    const value = hasName(overrides, parameter.name) ? overrides[parameter.name] : parameter.default;
    if (containsNull(value)) report(`parameters.${parameter.name}`, 'null is not a default kfp can write (only text, numbers, booleans, lists and mappings)');
    const nonFinite = nonFiniteProblem(value);
    if (nonFinite) report(`parameters.${parameter.name}`, nonFinite);
    if (value !== undefined) body.defaultValue = protobufValue(value);
    if (parameter.default !== undefined) body.isOptional = true;
    parameters[parameter.name] = body;
  }
  return definitions(artifacts, parameters);
}

/**
 * kfp writes a pipeline input's description (from the pipeline function's
 * docstring) beside its type; an empty one is proto3's default and is left out.
 */
function described(parameter: PipelineParameter): { description?: string } {
  return parameter.description ? { description: parameter.description } : {};
}

export function rootOutputs(
  outputs: PipelineOutput[],
  pipeline: PipelineDefinition,
  components: Map<string, ResolvedComponent>,
  report: ReportProblem,
  /** dsl.OneOf outputs: the condition-branches group's output each names (ir-one-of.ts). */
  oneOfOutputs: ReadonlyMap<string, Channel> = new Map(),
): { dagOutputs?: Definitions; outputDefinitions?: Definitions } {
  const dagArtifacts = namedRecord<unknown>();
  const dagParameters = namedRecord<unknown>();
  const defArtifacts = namedRecord<unknown>();
  const defParameters = namedRecord<unknown>();
  for (const out of outputs) {
    // a dsl.OneOf is typed as its entries (all one type: the checker sees to it)
    const from = 'oneOf' in out ? out.oneOf[0] : out;
    const task = pipelineTaskNamed(pipeline, from.task);
    const output = task && findByName(components.get(task.component)?.spec.outputs ?? [], from.output);
    if (!output) {
      report(`outputs.${out.name}`, `no output ${JSON.stringify(from.output)} on task ${JSON.stringify(from.task)}`);
      continue;
    }
    const { io, body } = outputDefinition(output);
    const oneOf = oneOfOutputs.get(out.name);
    if ('oneOf' in out && !oneOf) {
      report(`outputs.${out.name}`, 'one_of needs an output of a task directly under each branch of one if/elif/else block at the top level');
      continue;
    }
    const key = oneOf ? oneOf.output! : sanitizeInputName(output.name);
    const producerSubtask = oneOf ? oneOf.task! : k8sName(from.task);
    if (io.kind === 'artifact') {
      dagArtifacts[out.name] = { artifactSelectors: [{ outputArtifactKey: key, producerSubtask }] };
      defArtifacts[out.name] = body;
    } else {
      dagParameters[out.name] = { valueFromParameter: { outputParameterKey: key, producerSubtask } };
      defParameters[out.name] = body;
    }
  }
  return { dagOutputs: definitions(dagArtifacts, dagParameters), outputDefinitions: definitions(defArtifacts, defParameters) };
}
