/**
 * kfp's naming rules (kfp/dsl/utils.py), reproduced exactly: the IR's task,
 * component and executor names and its input names come out of these, and the
 * server and UI key everything on them.
 */

/** maybe_rename_for_k8s: lower-case, runs of anything but [-0-9a-z] become one '-'. */
export function k8sName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-0-9a-z]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** sanitize_input_name: the name an input/output has in the IR and in placeholders. */
export function sanitizeInputName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^_0-9a-z]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * PipelineChannel's name rule (kfp/dsl/pipeline_channel.py). A pipeline
 * parameter (by its name as declared) and every output of a task (by its
 * sanitised name) become channels, and kfp refuses to build one of any other
 * name: `_x` as a pipeline parameter, an output `1y` or `_1y`. Component
 * inputs are no channels inside a pipeline, so `_x` and `1x` are fine there.
 */
export const KFP_CHANNEL_NAME = /^[A-Za-z][A-Za-z0-9\s_-]*$/;

/** Why kfp cannot compile a task of a component with this output, or undefined. */
export function outputNameProblem(outputName: string): string | undefined {
  const irName = sanitizeInputName(outputName);
  if (KFP_CHANNEL_NAME.test(irName)) return undefined;
  const shown = irName === outputName ? `"${outputName}"` : `"${outputName}" (in the IR "${irName}")`;
  return `output ${shown} does not start with a letter, and kfp refuses a task whose outputs do not (KFP names task outputs by ^[A-Za-z][A-Za-z0-9 _-]*$)`;
}

export function componentNameFor(taskName: string): string {
  return `comp-${k8sName(taskName)}`;
}

export function executorLabelFor(taskName: string): string {
  return `exec-${k8sName(taskName)}`;
}

/** make_name_unique_by_adding_index: name, else name-2, name-3, ... */
export function makeNameUnique(name: string, taken: Pick<ReadonlySet<string>, 'has'>): string {
  if (!taken.has(name)) return name;
  for (let index = 2; ; index++) {
    const candidate = `${name}-${index}`;
    if (!taken.has(candidate)) return candidate;
  }
}
