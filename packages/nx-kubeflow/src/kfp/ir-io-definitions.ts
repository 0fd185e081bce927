/**
 * inputDefinitions / outputDefinitions of a component in the IR, from its
 * component.yaml, as kfp builds them: names sanitised, parameters typed,
 * defaults cast (component-defaults.ts) and optional inputs marked.
 */
import type { ComponentInputSpec, ComponentOutputSpec, ComponentSpec } from './pipeline-model';
import { ioTypeOf, IoType } from './io-types';
import { sanitizeInputName } from './kfp-names';
import { deserializeDefault } from './component-defaults';
import { protobufValue } from './ir-values';
import { namedRecord } from './named-records';

export type Definitions = { artifacts?: Record<string, unknown>; parameters?: Record<string, unknown> };

export function artifactType(io: Extract<IoType, { kind: 'artifact' }>): Record<string, string> {
  return { schemaTitle: io.schemaTitle, schemaVersion: io.schemaVersion };
}

/** Drops empty sections, as protobuf's JSON form has no empty maps. */
export function definitions(artifacts: Record<string, unknown>, parameters: Record<string, unknown>): Definitions | undefined {
  const out: Definitions = {};
  if (Object.keys(artifacts).length > 0) out.artifacts = artifacts;
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  return out.artifacts || out.parameters ? out : undefined;
}

function inputDefinition(input: ComponentInputSpec): { io: IoType; body: Record<string, unknown> } {
  const io = ioTypeOf(input.type);
  // kfp: optional when marked so or when a default is written; a PipelineTaskFinalStatus input always (KFP fills it)
  const optional = input.optional === true || input.default !== undefined || (io.kind === 'parameter' && io.irType === 'TASK_FINAL_STATUS');
  const body: Record<string, unknown> = io.kind === 'parameter' ? { parameterType: io.irType } : { artifactType: artifactType(io) };
  if (io.kind === 'parameter' && io.irType !== 'TASK_FINAL_STATUS' && input.default !== undefined) body.defaultValue = protobufValue(deserializeDefault(input));
  if (optional) body.isOptional = true;
  return { io, body };
}

export function componentInputDefinitions(spec: ComponentSpec): Definitions | undefined {
  const artifacts = namedRecord<unknown>();
  const parameters = namedRecord<unknown>();
  for (const input of spec.inputs) {
    const { io, body } = inputDefinition(input);
    (io.kind === 'parameter' ? parameters : artifacts)[sanitizeInputName(input.name)] = body;
  }
  return definitions(artifacts, parameters);
}

export function outputDefinition(output: ComponentOutputSpec): { io: IoType; body: Record<string, unknown> } {
  const io = ioTypeOf(output.type);
  return { io, body: io.kind === 'parameter' ? { parameterType: io.irType } : { artifactType: artifactType(io) } };
}

export function componentOutputDefinitions(spec: ComponentSpec): Definitions | undefined {
  const artifacts = namedRecord<unknown>();
  const parameters = namedRecord<unknown>();
  for (const output of spec.outputs) {
    const { io, body } = outputDefinition(output);
    (io.kind === 'parameter' ? parameters : artifacts)[sanitizeInputName(output.name)] = body;
  }
  return definitions(artifacts, parameters);
}

/** An input or output of a component by the name a pipeline.yaml uses: as written, else sanitised. */
export function findByName<T extends { name: string }>(items: T[], name: string): T | undefined {
  return items.find((item) => item.name === name) ?? items.find((item) => sanitizeInputName(item.name) === sanitizeInputName(name));
}
