/**
 * dsl.importer as kfp compiles it (kfp.dsl.importer_node): a component with
 * inputs `uri` (String) and one per pipeline parameter its metadata uses
 * (`metadata`, `metadata-2`, ... in order of first use, typed as the
 * parameter; the metadata holds {{$.inputs.parameters['metadata']}} where the
 * parameter was), one output `artifact` of its type, and an importer
 * executor: artifactUri (constant, or runtimeParameter uri), typeSchema,
 * reimport (only when true) and metadata (only when not empty).
 *
 * The compiler and checker see an importer task as an ordinary task of a
 * synthetic component (withImporters): its arguments are the uri and the
 * metadata parameters, so groups, channels and wiring follow the same rules.
 */
import type { ImporterSpec, PipelineDefinition, PipelineTask, ResolvedComponent, TaskArgument } from './pipeline-model';
import { ioTypeOf } from './io-types';
import { artifactType } from './ir-io-definitions';
import { protobufValue } from './ir-values';
import { namedRecord } from './named-records';

export const IMPORTER_OUTPUT = 'artifact';
export const IMPORTER_URI_INPUT = 'uri';
const METADATA_INPUT = 'metadata';

const isDict = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A {parameter: p} mapping inside metadata. */
export function metadataParameter(value: unknown): string | undefined {
  return isDict(value) && Object.keys(value).length === 1 && typeof value.parameter === 'string' ? value.parameter : undefined;
}

/** The metadata with placeholders for its parameters, and the inputs it needs (name -> pipeline parameter), in kfp's order. */
export function importerMetadata(metadata: Record<string, unknown> | undefined): { value?: Record<string, unknown>; inputs: Map<string, string> } {
  const inputs = new Map<string, string>();
  const walk = (value: unknown): unknown => {
    const parameter = metadataParameter(value);
    if (parameter !== undefined) {
      let input = [...inputs].find(([, p]) => p === parameter)?.[0];
      if (input === undefined) {
        input = inputs.size === 0 ? METADATA_INPUT : `${METADATA_INPUT}-${inputs.size + 1}`;
        inputs.set(input, parameter);
      }
      return `{{$.inputs.parameters['${input}']}}`;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (isDict(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  const value = metadata === undefined ? undefined : (walk(metadata) as Record<string, unknown>);
  return { ...(value && Object.keys(value).length > 0 ? { value } : {}), inputs };
}

export function importerComponentKey(task: string): string {
  return `importer:${task}`;
}

/** The component kfp builds for an importer task, and the task's arguments to it. */
export function importerComponent(task: PipelineTask, importer: ImporterSpec, pipeline: PipelineDefinition): { component: ResolvedComponent; arguments: Record<string, TaskArgument> } {
  const { inputs } = importerMetadata(importer.metadata);
  const parameterType = (name: string) => pipeline.parameters.find((parameter) => parameter.name === name)?.type ?? 'String';
  const args = namedRecord<TaskArgument>();
  args[IMPORTER_URI_INPUT] = importer.artifact_uri;
  for (const [input, parameter] of inputs) args[input] = { kind: 'parameter', parameter };
  return {
    component: {
      project: importerComponentKey(task.name),
      spec: {
        name: task.name,
        inputs: [{ name: IMPORTER_URI_INPUT, type: 'String' }, ...[...inputs].map(([input, parameter]) => ({ name: input, type: parameterType(parameter) }))],
        outputs: [{ name: IMPORTER_OUTPUT, type: importer.type }],
        implementation: { container: { image: '' } },
      },
      image: '',
      usesComponentRuntime: false,
    },
    arguments: args,
  };
}

/** The pipeline with each importer task made a task of its synthetic component, and the components with those added. */
export function withImporters<C>(pipeline: PipelineDefinition, components: ReadonlyMap<string, C>, wrap: (component: ResolvedComponent) => C): { pipeline: PipelineDefinition; components: Map<string, C> } {
  const all = new Map(components);
  if (!pipeline.tasks.some((task) => task.importer)) return { pipeline, components: all };
  const tasks = pipeline.tasks.map((task) => {
    if (!task.importer) return task;
    const built = importerComponent(task, task.importer, pipeline);
    all.set(built.component.project, wrap(built.component));
    return { ...task, component: built.component.project, arguments: built.arguments };
  });
  return { pipeline: { ...pipeline, tasks }, components: all };
}

/** exec-<task>: the importer executor. */
export function importerExecutor(importer: ImporterSpec): Record<string, unknown> {
  const { value: metadata } = importerMetadata(importer.metadata);
  const io = ioTypeOf(importer.type);
  return {
    importer: {
      artifactUri: importer.artifact_uri.kind === 'parameter' ? { runtimeParameter: IMPORTER_URI_INPUT } : { constant: importer.artifact_uri.value },
      ...(metadata ? { metadata: protobufValue(metadata) } : {}),
      ...(importer.reimport ? { reimport: true } : {}),
      typeSchema: io.kind === 'artifact' ? artifactType(io) : { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' },
    },
  };
}

/**
 * kfp gives an importer's metadata inputs the names it makes (metadata-2),
 * unsanitised, where component inputs are sanitised (metadata_2): the
 * component's input definitions and the task's inputs get kfp's names back.
 */
export function restoreImporterInputNames(componentIr: Record<string, unknown>, taskSpec: Record<string, unknown>): void {
  const rename = (holder: unknown) => {
    const parameters = (holder as { parameters?: Record<string, unknown> } | undefined)?.parameters;
    if (!parameters) return;
    for (const key of Object.keys(parameters)) {
      const match = /^metadata_(\d+)$/.exec(key);
      if (!match) continue;
      parameters[`${METADATA_INPUT}-${match[1]}`] = parameters[key];
      delete parameters[key];
    }
  };
  rename(componentIr.inputDefinitions);
  rename(taskSpec.inputs);
}
