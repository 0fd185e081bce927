/**
 * A task input whose constant is one of KFP's runtime placeholders, resolved
 * as KFP's driver resolves it (backend/src/v2/driver/resolve.go,
 * resolveInputParameter, the runtimeValue constant case): only a task input's
 * own constant, and only when it is exactly the placeholder. A component
 * input's default that is a placeholder stays as written, as the driver copies
 * defaults unchanged; so does a value from a pipeline parameter or an upstream
 * output. nx-kubeflow's compiler writes such constants for the identity inputs
 * of component-runtime components (kfp/runtime-placeholder-arguments.ts).
 *
 * Local values, the same as the command line's placeholders (executor-input.ts):
 *   {{$.pipeline_job_name}}, {{$.pipeline_job_resource_name}}  <pipeline>-<run id>
 *   {{$.pipeline_job_uuid}}                                   the run id
 *   {{$.pipeline_task_name}}                                  the task's name
 *   {{$.pipeline_task_uuid}}                                  <run id>.<task>
 * {{$.pipeline_job_create_time_utc}} and {{$.pipeline_job_schedule_time_utc}}
 * have no local value and stay as written.
 *
 * The runner applies this to the values the task runs with (its command line
 * and executor input), after the cache key is made from the constants as the
 * IR has them: the identity changes every run, and locally a task with these
 * inputs is still taken from the cache. On KFP the driver's fingerprint holds
 * the resolved values (see packages/component-runtime/README.md).
 */
import { isRuntimePlaceholder } from '../kfp/runtime-placeholder-arguments';
import { pipelineJobName, runtimePlaceholders, type RuntimeIdentity } from './executor-input';
import type { IrTask } from './ir-reader';

/** The local values of the placeholders the driver resolves in a task input; the times have none. */
export function runtimeInputValues(identity: RuntimeIdentity): Record<string, string> {
  const onCommandLine = runtimePlaceholders(identity, '');
  return {
    '{{$.pipeline_job_name}}': onCommandLine['{{$.pipeline_job_name}}'],
    '{{$.pipeline_job_resource_name}}': pipelineJobName(identity),
    '{{$.pipeline_job_uuid}}': onCommandLine['{{$.pipeline_job_uuid}}'],
    '{{$.pipeline_task_name}}': onCommandLine['{{$.pipeline_task_name}}'],
    '{{$.pipeline_task_uuid}}': onCommandLine['{{$.pipeline_task_uuid}}'],
  };
}

/**
 * The task's parameter values with each input whose IR constant is exactly a
 * runtime placeholder replaced by its value; a new record, the given one unchanged.
 */
export function withRuntimeInputValues(
  task: Pick<IrTask, 'parameterInputs'>,
  parameters: Record<string, unknown>,
  identity: RuntimeIdentity,
): Record<string, unknown> {
  const values = runtimeInputValues(identity);
  const resolved: Record<string, unknown> = { ...parameters };
  for (const [name, source] of Object.entries(task.parameterInputs)) {
    if (source.kind !== 'constant' || !isRuntimePlaceholder(source.value) || !Object.hasOwn(values, source.value)) continue;
    if (!Object.hasOwn(parameters, name) || parameters[name] !== source.value) continue;
    resolved[name] = values[source.value];
  }
  return resolved;
}
