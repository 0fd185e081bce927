/**
 * KFP's runtime placeholders as task arguments. The KFP driver
 * (backend/src/v2/driver/resolve.go, resolveInputParameter) resolves
 * `{{$.pipeline_job_name}}` and its kin only where a task input's
 * `runtimeValue.constant` is exactly one of them; a component input's
 * `defaultValue` is copied as it is, and the launcher does not read them
 * inside the container's args at all. kfp compiles a component input that
 * defaults to one (kfp's own idiom: `job: str = dsl.PIPELINE_JOB_NAME_PLACEHOLDER`)
 * into the default only, unless the pipeline passes the placeholder
 * explicitly, which gives the task input the driver resolves.
 *
 * So before compiling, each task of a component built on component-runtime
 * is given the placeholder explicitly, as a literal argument, for every
 * String input whose default is exactly one of these placeholders and which
 * the task does not wire itself. The IR is then the one kfp compiles from
 * the DSL that passes it (`comp(pipeline_job_name=dsl.PIPELINE_JOB_NAME_PLACEHOLDER)`),
 * which is what the differential suite's reference compile does with the
 * literal. Other components are left as kfp writes them (DESIGN.md 5: a plain
 * container from elsewhere keeps the IR kfp would give it).
 */
import { ioTypeOf } from './io-types';
import { hasName, namedRecord } from './named-records';
import type { PipelineDefinition, ResolvedComponent, TaskArgument } from './pipeline-model';

/** The constants the driver replaces in a task input (resolve.go), in its order. `{{$.workspace_path}}` is replaced inside text, not as a whole, and is not an identity. */
export const RUNTIME_PLACEHOLDERS = [
  '{{$.pipeline_job_name}}',
  '{{$.pipeline_job_resource_name}}',
  '{{$.pipeline_job_uuid}}',
  '{{$.pipeline_task_name}}',
  '{{$.pipeline_task_uuid}}',
  '{{$.pipeline_job_create_time_utc}}',
  '{{$.pipeline_job_schedule_time_utc}}',
] as const;

export type RuntimePlaceholder = (typeof RUNTIME_PLACEHOLDERS)[number];

export function isRuntimePlaceholder(value: unknown): value is RuntimePlaceholder {
  return typeof value === 'string' && (RUNTIME_PLACEHOLDERS as readonly string[]).includes(value);
}

/**
 * The definition with the placeholder arguments added (a new object; the
 * given one is not changed). Tasks of components not in `components`, or not
 * built on component-runtime, are left as they are.
 */
export function withRuntimePlaceholderArguments(
  definition: PipelineDefinition,
  components: ReadonlyMap<string, Pick<ResolvedComponent, 'spec' | 'usesComponentRuntime'>>,
): PipelineDefinition {
  return {
    ...definition,
    tasks: definition.tasks.map((task) => {
      const component = components.get(task.component);
      if (!component?.usesComponentRuntime) return task;
      const added = component.spec.inputs.filter(
        (input) =>
          isRuntimePlaceholder(input.default) &&
          !hasName(task.arguments, input.name) &&
          isStringInput(input.type),
      );
      if (added.length === 0) return task;
      const args = namedRecord<TaskArgument>(Object.entries(task.arguments));
      for (const input of added) args[input.name] = { kind: 'literal', value: input.default as string };
      return { ...task, arguments: args };
    }),
  };
}

function isStringInput(typeName: string | undefined): boolean {
  const type = ioTypeOf(typeName);
  return type.kind === 'parameter' && type.parameterType === 'String';
}
