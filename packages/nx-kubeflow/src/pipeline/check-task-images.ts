/**
 * The checks of a task's run-time image (image: {parameter: p}, {task: t,
 * output: o} or {item: x}; read-task-image.ts) that need the rest of the
 * pipeline. KFP's driver starts the pod in the channel's text value
 * (resolvePodSpecInputRuntimeParameter takes GetStringValue(), which is empty
 * for a number, a list or a mapping), so the value must be a String: kfp
 * compiles any parameter type, and an artifact into an image nothing resolves
 * ({{channel:task=...}}). Where the producer runs is checked as for any
 * argument: a condition by check-pipeline.ts (checkScopes), a cycle there too;
 * a loop here, as kfp refuses a task outside a loop depending on one inside.
 */
import { isArtifactTypeName, type ComponentSpec, type PipelineDefinition, type PipelineTask } from '../kfp/pipeline-model';
import { sanitizeInputName } from '../kfp/kfp-names';
import { BASE_IMAGE_INPUT, imageChannelOf } from '../kfp/ir-image';
import { innerLoopProblem, scopesOf, uncommon, type Scope } from './check-loops';
import { imageReferenceProblem } from './kubernetes-names';
import { describeIoType, ioTypeOf } from './pipeline-types';
import type { TaskReport } from './check-kubernetes-options';

const TEXT_ONLY = "KFP's driver takes the image as text, and a value of another type starts the pod with an empty image";

export function checkTaskImages(definition: PipelineDefinition, specOf: (task: PipelineTask) => ComponentSpec | undefined, report: TaskReport): void {
  const tasks = definition.tasks.filter((task) => imageChannelOf(task) !== undefined);
  if (tasks.length === 0) return;
  const byName = new Map(definition.tasks.map((task) => [task.name, task]));
  const { tasks: scopes } = scopesOf(definition.body ?? []);
  for (const task of tasks) {
    const image = imageChannelOf(task)!;
    const spec = specOf(task);
    // kfp sets the task input base_image to the image, over the argument the component's input of that name takes
    const clash = spec?.inputs.find((input) => sanitizeInputName(input.name) === BASE_IMAGE_INPUT);
    if (clash) {
      report(task, ['image'], `component "${task.component}" has an input "${clash.name}", and kfp sets a task input named ${BASE_IMAGE_INPUT} to a run-time image (set_container_image), in place of that input's argument: rename the input in its component.yaml, or give the image as a constant.`);
    }
    if (image.kind === 'parameter') {
      const parameter = definition.parameters.find((candidate) => candidate.name === image.parameter);
      if (!parameter) {
        report(task, ['image', 'parameter'], `unknown pipeline parameter "${image.parameter}"; declared parameters: ${definition.parameters.map((p) => p.name).join(', ') || '(none: add it under parameters:)'}.`);
      } else if (parameter.type !== 'String') {
        const what = isArtifactTypeName(parameter.type) ? `an artifact input (${parameter.type}), which kfp cannot make an image of` : `${parameter.type}: ${TEXT_ONLY}`;
        report(task, ['image', 'parameter'], `pipeline parameter "${parameter.name}" is ${what}; an image is a String parameter.`);
      } else if (typeof parameter.default === 'string') {
        // the run's value is unknown until it starts, but the default is the image of every run that gives none
        const problem = imageReferenceProblem(parameter.default);
        if (problem) report(task, ['image', 'parameter'], `pipeline parameter "${parameter.name}" gives this task its image, and its default ${problem}`);
      }
      continue;
    }
    const taskScopes = scopes.get(task.name) ?? [];
    if (image.kind === 'loop-item') {
      checkLoopItem(task, image.item, taskScopes, report);
      continue;
    }
    const producer = byName.get(image.task);
    if (!producer) {
      report(task, ['image', 'task'], `unknown task "${image.task}"; tasks in this pipeline: ${[...byName.keys()].join(', ')}.`);
      continue;
    }
    const outside = uncommon(scopes.get(producer.name) ?? [], taskScopes);
    if (outside.length > 0 && outside[0].kind === 'loop') {
      // kfp: "A downstream task cannot depend on an upstream task within a dsl.ParallelFor context ..."
      report(task, ['image', 'task'], `task "${producer.name}" runs once per item of loop "${outside[0].loop.name}", which this task is outside of: there is no single image to take; move this task into the loop, or give it the image of a task outside it.`);
      continue;
    }
    const producerSpec = specOf(producer);
    if (!producerSpec) continue; // reported on its own task
    const output = producerSpec.outputs.find((candidate) => candidate.name === image.output);
    if (!output) {
      report(task, ['image', 'output'], `unknown output "${image.output}" of task "${producer.name}"; its outputs: ${producerSpec.outputs.map((o) => o.name).join(', ') || '(none)'}.`);
      continue;
    }
    const io = ioTypeOf(output.type);
    if (io.kind === 'artifact' || io.parameterType !== 'String') {
      const what = io.kind === 'artifact' ? `an artifact (${describeIoType(io)}), which kfp cannot make an image of (it writes the channel's own text as the image)` : `${describeIoType(io)}: ${TEXT_ONLY}`;
      report(task, ['image', 'output'], `output "${producer.name}.${output.name}" is ${what}; an image is a String output.`);
    }
  }
}

/** {item: x}: handed down as an argument's item is; a listed item must itself be an image reference. */
function checkLoopItem(task: PipelineTask, item: string, taskScopes: Scope[], report: TaskReport): void {
  const index = taskScopes.map((scope) => scope.kind === 'loop' && scope.loop.as === item).lastIndexOf(true);
  if (index < 0) return; // reported by the reader
  const loop = (taskScopes[index] as Extract<Scope, { kind: 'loop' }>).loop;
  const deep = innerLoopProblem(taskScopes, index, loop, false, `a task takes its image from {item: ${item}} only`);
  if (deep) {
    report(task, ['image', 'item'], deep);
    return;
  }
  if (loop.items.kind !== 'static') return; // the run gives the items: the runner and KFP meet each value
  loop.items.items.forEach((value, position) => {
    const problem = typeof value === 'string' ? imageReferenceProblem(value) : `is ${JSON.stringify(value)}, not text: an image is a reference such as python:3.12-slim (KFP's driver would start the pod with an empty image).`;
    if (problem) report(task, ['image', 'item'], `item ${position + 1} of loop "${loop.name}"${typeof value === 'string' ? ': ' : ' '}${problem}`);
  });
}
