/**
 * A task's image chosen at run time, as kfp 2.17.3 compiles
 * `task.set_container_image(<pipeline channel>)` (pipeline_spec_builder:
 * build_task_spec_for_task, build_container_spec_for_task):
 * - the executor's image is the channel's placeholder,
 *   {{$.inputs.parameters['pipelinechannel--<full name>']}};
 * - the task gets two inputs besides its component's: the channel itself,
 *   `pipelinechannel--<full name>` (from the root parameter, the group's input
 *   of that name, or the producer's output when it sits in the same DAG), and
 *   `base_image`, a constant holding that same placeholder text;
 * - the channel reaches the task's groups as any argument's channel does, and
 *   a producer of it is one more dependency.
 * KFP's driver takes the image from the executor input's value of the channel
 * (resolvePodSpecInputRuntimeParameter), which the local runner does too
 * (local-runner/container-launch.ts).
 */
import type { ImageChannel, PipelineTask } from './pipeline-model';
import { channelOf, type Channel, type GroupContext } from './ir-groups';

/** The task input kfp adds for a run-time image (pipeline_spec_builder: task.inputs['base_image']). */
export const BASE_IMAGE_INPUT = 'base_image';

/** KFP's driver's test for an image given at run time (driver/util.go inputPipelineChannelPattern: anywhere in the text). */
const RUN_TIME_IMAGE = /\$.inputs.parameters\['(.+?)'\]/;

/** The task input a run-time executor image names (the first, as the driver takes it), or undefined for a reference. */
export function runTimeImageInput(image: string): string | undefined {
  return RUN_TIME_IMAGE.exec(image)?.[1];
}

/** The placeholder kfp writes for an input parameter of the task. */
export function inputParameterPlaceholder(input: string): string {
  return `{{$.inputs.parameters['${input}']}}`;
}

/** The task's image when the run gives it, else undefined. */
export function imageChannelOf(task: PipelineTask): ImageChannel | undefined {
  return task.image === undefined || typeof task.image === 'string' ? undefined : task.image;
}

export interface TaskImage {
  /** The executor's container.image. */
  executorImage: string;
  /** The inputs kfp adds to the task: the channel and base_image. */
  inputs?: Record<string, unknown>;
  /** The producer of an upstream output image in the task's own DAG (a dependency when there are no groups). */
  producer?: string;
}

/**
 * What a task's image compiles to. `groupInputs` are the inputs of the task's group (none at the root), `loopItem`
 * the channel of the enclosing loop's item an {item: x} image reads (ir-loops.ts).
 */
export function taskImage(
  task: PipelineTask,
  componentImage: string,
  ctx: GroupContext & { groupInputs?: ReadonlySet<string>; loopItem?: Channel },
): TaskImage {
  const image = imageChannelOf(task);
  if (!image) return { executorImage: typeof task.image === 'string' ? task.image : componentImage };
  const channel = image.kind === 'loop-item' ? ctx.loopItem : channelOf(image, ctx);
  if (!channel) return { executorImage: componentImage }; // reported by the checker
  const placeholder = inputParameterPlaceholder(channel.inputName);
  let source: Record<string, unknown>;
  let producer: string | undefined;
  if (image.kind === 'loop-item' || ctx.groupInputs?.has(channel.inputName)) {
    // a loop item, or a value from outside the task's group: the group's input of the channel's name
    source = { componentInputParameter: channel.inputName };
  } else if (channel.task !== undefined) {
    source = { taskOutputParameter: { outputParameterKey: channel.output, producerTask: channel.task } };
    producer = channel.task;
  } else {
    // a root parameter by its own name (kfp: the channel's full name is an input of the root)
    source = { componentInputParameter: channel.fullName };
  }
  return {
    executorImage: placeholder,
    inputs: { [channel.inputName]: source, [BASE_IMAGE_INPUT]: { runtimeValue: { constant: placeholder } } },
    ...(producer ? { producer } : {}),
  };
}
