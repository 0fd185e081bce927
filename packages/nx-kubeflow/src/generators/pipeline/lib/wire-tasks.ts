/**
 * Tasks for the listed components, in order, with every input wired:
 * - an artifact input from the nearest upstream task with an output of a
 *   compatible type (KFP's rules; an output of the same name preferred);
 * - a parameter input from the nearest upstream output of the same name and
 *   type, else from a new pipeline parameter (default copied from the
 *   component's). Parameters are matched by name as well as type so that,
 *   say, a trainer's `epochs` is not fed a loader's `row_count` just because
 *   both are Integers;
 * - optional inputs without a default are left out, as kfp allows;
 * - inputs whose default is one of KFP's runtime placeholders
 *   ({{$.pipeline_task_name}}, ...) are left out: KFP resolves them per task,
 *   and compile passes them to each task itself (runtime-placeholder-arguments.ts).
 *   A pipeline parameter with that default would hand every task one value.
 */
import type { ComponentSpec, ParameterTypeName } from '../../../kfp/pipeline-model';
import { makeNameUnique } from '../../../kfp/kfp-names';
import { isRuntimePlaceholder } from '../../../kfp/runtime-placeholder-arguments';
import { identifierFrom } from '../../../pipeline/pipeline-names';
import { describeIoType, incompatibility, ioTypeOf, typedDefault } from '../../../pipeline/pipeline-types';
import { isTaskFinalStatusType } from '../../../kfp/io-types';

export interface WiredArgument {
  input: string;
  /** Where the value comes from. */
  from: { parameter: string } | { task: string; output: string };
}

export interface WiredTask {
  name: string;
  component: string;
  /** Workspace-relative root of the component. */
  componentRoot: string;
  arguments: WiredArgument[];
}

export interface WiredParameter {
  name: string;
  type: ParameterTypeName;
  default?: unknown;
}

export interface WiringResult {
  tasks: WiredTask[];
  parameters: WiredParameter[];
  errors: string[];
}

export interface ComponentForWiring {
  name: string;
  root: string;
  spec: ComponentSpec;
}

export function wireTasks(components: readonly ComponentForWiring[]): WiringResult {
  const tasks: WiredTask[] = [];
  const parameters: WiredParameter[] = [];
  const errors: string[] = [];
  const specs = new Map<string, ComponentSpec>();
  const madeFor = new Map<WiredParameter, string>();
  for (const component of components) {
    const name = makeNameUnique(component.name, new Set(tasks.map((task) => task.name)));
    const task: WiredTask = { name, component: component.name, componentRoot: component.root, arguments: [] };
    for (const input of component.spec.inputs) {
      // KFP fills a PipelineTaskFinalStatus input (exit tasks): nothing to wire
      if (isTaskFinalStatusType(input.type)) continue;
      if (isRuntimePlaceholder(input.default)) continue;
      const expected = ioTypeOf(input.type);
      const upstream = nearestUpstreamOutput(tasks, specs, input.name, expected);
      if (upstream) {
        task.arguments.push({ input: input.name, from: upstream });
        continue;
      }
      if (input.optional && input.default === undefined) continue;
      if (expected.kind === 'artifact') {
        if (input.optional) continue;
        errors.push(
          `input "${input.name}" (${describeIoType(expected)}) of ${component.name} has no upstream output to take it from: list a component that outputs a ${describeIoType(expected)} before ${component.name}.`,
        );
        continue;
      }
      const parameter: WiredParameter = { name: '', type: expected.parameterType };
      const value = input.default === undefined ? undefined : typedDefault(input.default, expected.parameterType);
      if (value !== undefined) parameter.default = value;
      task.arguments.push({ input: input.name, from: { parameter: addParameter(parameters, madeFor, parameter, input.name, name) } });
    }
    tasks.push(task);
    specs.set(name, component.spec);
  }
  return { tasks, parameters, errors };
}

function nearestUpstreamOutput(
  tasks: readonly WiredTask[],
  specs: ReadonlyMap<string, ComponentSpec>,
  inputName: string,
  expected: ReturnType<typeof ioTypeOf>,
): { task: string; output: string } | undefined {
  for (let index = tasks.length - 1; index >= 0; index--) {
    const task = tasks[index];
    const compatible = specs.get(task.name)!.outputs.filter((output) => !incompatibility(ioTypeOf(output.type), expected));
    const sameName = compatible.find((output) => output.name === inputName);
    const chosen = expected.kind === 'parameter' ? sameName : (sameName ?? compatible[0]);
    if (chosen) return { task: task.name, output: chosen.name };
  }
  return undefined;
}

/**
 * One pipeline parameter per input, named after it. A parameter made earlier
 * for an input of the same name, type and default is shared (a component
 * listed twice shares its parameters); a clash gets the task's name in front.
 */
function addParameter(
  parameters: WiredParameter[],
  madeFor: Map<WiredParameter, string>,
  parameter: WiredParameter,
  inputName: string,
  taskName: string,
): string {
  const same = parameters.find(
    (candidate) =>
      madeFor.get(candidate) === inputName &&
      candidate.type === parameter.type &&
      JSON.stringify(candidate.default) === JSON.stringify(parameter.default),
  );
  if (same) return same.name;
  const base = identifierFrom(inputName);
  const taken = (name: string) => parameters.some((candidate) => candidate.name === name);
  let name = taken(base) ? `${identifierFrom(taskName)}_${base}` : base;
  for (let index = 2; taken(name); index++) name = `${identifierFrom(taskName)}_${base}_${index}`;
  const added = { ...parameter, name };
  parameters.push(added);
  madeFor.set(added, inputName);
  return name;
}
