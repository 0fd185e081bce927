/**
 * A task's `image:` (kfp's set_container_image): a constant reference a node
 * can pull, or a value the run gives it - kfp 2.17.3 takes a pipeline channel
 * there and KFP's driver starts the pod in the channel's value:
 *
 *   image: ghcr.io/acme/trainer@sha256:...     a constant
 *   image: {parameter: trainer_image}          a String pipeline parameter
 *   image: {task: pick, output: image}         an upstream task's String output
 *   image: {item: base}                        an enclosing loop's item
 *
 * This file reads the shape; check-task-images.ts checks what needs the rest
 * of the pipeline (the parameter's type, the output, where the producer runs).
 * Not taken, for what kfp or KFP would make of them:
 * - a field of a loop item ({item: x, field: f}): kfp compiles
 *   set_container_image(item.f) into a task input nothing feeds (the loop
 *   group has no pipelinechannel--...-subvar-f input), so the pod never starts;
 * - text around a value (kfp's f'ghcr.io/acme/x:{tag}'): kfp compiles it, but
 *   KFP's driver (resolvePodSpecInputRuntimeParameter) replaces the whole image
 *   with the value and drops the text, so it is no form here (and the mapping
 *   forms are whole values).
 */
import type { ImageChannel, PipelineTask } from '../kfp/pipeline-model';
import { imageReferenceProblem } from './kubernetes-names';
import { readItemArgument, type LoopReport } from './read-loop';
import type { YamlPath } from './yaml-source';

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

const FORMS = 'a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits>, or a value the run gives: {parameter: p}, {task: t, output: o} or an enclosing loop\'s {item: x}';

/** image: as written (null: none). `loopItems` are the item names of the enclosing loops, outermost first. */
export function readTaskImage(raw: unknown, path: YamlPath, loopItems: readonly string[], task: string, report: LoopReport): PipelineTask['image'] | undefined {
  if (typeof raw === 'string') {
    const problem = imageReferenceProblem(raw);
    if (problem) report(path, problem, { task });
    return problem ? undefined : raw;
  }
  if (!isDict(raw) || !('parameter' in raw || 'task' in raw || 'output' in raw || 'item' in raw)) {
    report(path, `must be ${FORMS} (got ${JSON.stringify(raw)}).`, { task });
    return undefined;
  }
  if ('item' in raw) {
    // its keys, the loop around and the field's name are checked as an argument's are
    const item = readItemArgument(raw, path, loopItems, task, report);
    if (item?.field !== undefined) {
      report(
        [...path, 'field'],
        `kfp 2.17 compiles an image from a field of a loop item into a task input nothing feeds (the loop passes the item, not pipelinechannel--...-subvar-${item.field}), so the task could not start on KFP: loop over the images themselves ({item: ${item.item}}), or have a task read the field and give the image as its output ({task: t, output: o}).`,
        { task },
      );
      return undefined;
    }
    return item ? { kind: 'loop-item', item: item.item } : undefined;
  }
  const known = 'parameter' in raw ? ['parameter'] : ['task', 'output'];
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  for (const key of unknown) report([...path, key], `unknown key "${key}" in an image ${'parameter' in raw ? 'parameter' : 'output'} reference; allowed: ${known.join(', ')}.`, { task, of: 'key' });
  let valid = unknown.length === 0;
  for (const key of known) {
    if (typeof raw[key] !== 'string' || raw[key] === '') {
      report(key in raw ? [...path, key] : path, `needs ${key}: ${key === 'parameter' ? 'the name of a String pipeline parameter' : key === 'task' ? 'an upstream task name' : 'the name of its String output'}.`, { task, ...(key in raw ? {} : { field: `image.${key}` }) });
      valid = false;
    }
  }
  if (!valid) return undefined;
  return 'parameter' in raw ? { kind: 'parameter', parameter: raw.parameter as string } : { kind: 'task-output', task: raw.task as string, output: raw.output as string };
}

/** The image as pipeline.yaml writes it, for messages: the reference, or {parameter: p} / {task: t, output: o} / {item: x}. */
export function imageText(image: string | ImageChannel): string {
  if (typeof image === 'string') return image;
  if (image.kind === 'parameter') return `{parameter: ${image.parameter}}`;
  if (image.kind === 'task-output') return `{task: ${image.task}, output: ${image.output}}`;
  return `{item: ${image.item}}`;
}
