/**
 * An executor's container in the IR: image, command and args with
 * placeholders converted, env, resources. Env is one ordered map, as in kfp:
 * component.yaml's env, then the task's set_env_variable calls (a repeated
 * name keeps its first position and takes the later value), then - only for
 * components built on component-runtime - the settings hand-over of DESIGN
 * section 5 and the pipeline's name for their log records.
 */
import type { PipelineTask, ResolvedComponent } from './pipeline-model';
import { commandLineToStrings } from './placeholders';
import { containerResources } from './container-resources';
import type { ReportProblem } from './ir-compile-error';

export interface RuntimeSettings {
  /** ENV_FOR_DYNACONF: the settings environment the tasks run with. */
  env: string;
  /** PIPELINE_SETTINGS_TOML: what components read of the pipeline's config/settings.toml. */
  toml: string;
  /** NX_KUBEFLOW_PIPELINE: the pipeline's name, for log records (no KFP placeholder carries it). */
  pipelineName: string;
}

function envList(component: ResolvedComponent, task: PipelineTask, runtime: RuntimeSettings): { name: string; value?: string }[] {
  const env = new Map<string, string>(Object.entries(component.spec.implementation.container.env ?? {}));
  for (const [name, value] of Object.entries(task.env ?? {})) env.set(name, String(value));
  if (component.usesComponentRuntime) {
    env.set('ENV_FOR_DYNACONF', runtime.env);
    env.set('PIPELINE_SETTINGS_TOML', runtime.toml);
    env.set('NX_KUBEFLOW_PIPELINE', runtime.pipelineName);
  }
  // an empty value is proto3's default, which its JSON form leaves out
  return [...env].map(([name, value]) => (value === '' ? { name } : { name, value }));
}

/** `image`: the executor's image (ir-image.ts: the task's own, a run-time placeholder, or the component's). */
export function executorSpec(
  component: ResolvedComponent,
  task: PipelineTask,
  runtime: RuntimeSettings,
  report: ReportProblem,
  image: string,
): Record<string, unknown> {
  const { spec } = component;
  // set_container_image replaces only the image: command, args and env stay the component's
  const container: Record<string, unknown> = { image };
  const command = commandLineToStrings(spec.implementation.container.command, spec);
  const args = commandLineToStrings(spec.implementation.container.args, spec);
  if (command.length > 0) container.command = command;
  if (args.length > 0) container.args = args;
  const env = envList(component, task, runtime);
  if (env.length > 0) container.env = env;
  const resources = containerResources(task.resources, report);
  if (resources) container.resources = resources;
  return { container };
}
