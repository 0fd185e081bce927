/**
 * The checks that need the components: every argument against the inputs of
 * the task's component, every reference against the parameters and the
 * upstream outputs, required inputs, `after`, and cycles. Every problem is
 * collected; nothing stops at the first.
 */
import { outputNameProblem } from '../kfp/kfp-names';
import { taskPipelineOutputs, type ComponentSpec, type ConditionBlock, type ConditionOperand, type PipelineDefinition, type PipelineNode, type PipelineTask, type TaskArgument } from '../kfp/pipeline-model';
import { findCycles, type DependencyEdge } from './pipeline-graph';
import type { PipelineProblem } from './pipeline-problems';
import { describeIoType, incompatibility, ioTypeOf, literalProblem, parameterValueProblem } from './pipeline-types';
import type { YamlPath, YamlSource } from './yaml-source';
import { hasName } from '../kfp/named-records';
import { checkLoops, conditionItemType, leavesLoopFirst } from './check-loops';
import { isTaskFinalStatusType } from '../kfp/io-types';
import { checkExitHandlers } from './check-exit-handlers';
import { checkOneOf } from './check-one-of';
import { checkKubernetesOptions } from './check-kubernetes-options';
import { checkImporters } from './check-importers';
import { checkTaskImages } from './check-task-images';
import { imageChannelOf } from '../kfp/ir-image';
import { withImporters } from '../kfp/importer';
import { argumentPath, withPvcTasks } from '../kfp/kubernetes-pvc';

export interface CheckPipelineOptions {
  definition: PipelineDefinition;
  /** The parsed file, for positions. */
  source: YamlSource;
  /** Component project name -> its interface (component.yaml). */
  components: ReadonlyMap<string, ComponentSpec>;
  /** Components that exist but whose component.yaml could not be read: reported on their own, not as unknown. */
  brokenComponents?: ReadonlySet<string>;
  /** Every component project, for the "unknown component" message; default: the keys of `components`. */
  componentNames?: readonly string[];
  /** Pipeline project name -> its interface as a task (parameters as inputs, `outputs:` as outputs), for tasks with `pipeline:`. */
  pipelines?: ReadonlyMap<string, ComponentSpec>;
  /** Pipelines that exist but could not be read or checked: reported in their own file, not as unknown. */
  brokenPipelines?: ReadonlySet<string>;
  /** Every pipeline project a task may run (this one excluded), for the "unknown pipeline" message. */
  pipelineNames?: readonly string[];
}

const COMPARABLE = new Set(['String', 'Integer', 'Float', 'Boolean']);
const NUMBERS = new Set(['Integer', 'Float']);

function formatPath(path: YamlPath): string {
  return path.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');
}

/**
 * Every task's enclosing branches, outermost first ("gate#0" is gate's if,
 * "gate#1" its first elif or else), and every condition block with the
 * branches around it.
 */
function branchChains(body: PipelineNode[]): { chains: Map<string, string[]>; blocks: { block: ConditionBlock; chain: string[] }[] } {
  const chains = new Map<string, string[]>();
  const blocks: { block: ConditionBlock; chain: string[] }[] = [];
  const walk = (nodes: PipelineNode[], chain: string[]) => {
    for (const node of nodes) {
      if (node.kind === 'task') {
        chains.set(node.task, chain);
        continue;
      }
      // a loop is no branch: its tasks share the chain around it (loop scopes are check-loops.ts's)
      if (node.kind === 'loop') {
        walk(node.loop.body, chain);
        continue;
      }
      // an exit handler is no branch: its own rules are in check-exit-handlers.ts
      if (node.kind === 'exit-handler') {
        chains.set(node.block.exitTask, chain);
        walk(node.block.body, chain);
        continue;
      }
      blocks.push({ block: node.block, chain });
      node.block.branches.forEach((branch, index) => walk(branch.body, [...chain, `${node.block.name}#${index}`]));
    }
  };
  walk(body, []);
  return { chains, blocks };
}

/** What a task runs, for messages: component "trainer" or pipeline "training". */
function calleeOf(task: PipelineTask): string {
  return `${task.calls === 'pipeline' ? 'pipeline' : 'component'} "${task.component}"`;
}

export function checkPipeline(options: CheckPipelineOptions): PipelineProblem[] {
  // an importer task is checked as a task of the component kfp builds for it: its output feeds others as any output does
  const importers = withImporters(options.definition, options.components, (component) => component.spec);
  // so is a create_pvc or delete_pvc task, of the component kfp-kubernetes defines
  const expanded = withPvcTasks(importers.pipeline, importers.components, (component) => component.spec);
  return [...new PipelineChecker({ ...options, ...expanded, definition: expanded.pipeline }).check(), ...checkImporters(options.definition, options.source)];
}

class PipelineChecker {
  private readonly problems: PipelineProblem[] = [];
  private readonly tasks: Map<string, PipelineTask>;
  private readonly edges: DependencyEdge[] = [];

  constructor(private readonly options: CheckPipelineOptions) {
    this.tasks = new Map(options.definition.tasks.map((task) => [task.name, task]));
  }

  check(): PipelineProblem[] {
    for (const task of this.options.definition.tasks) {
      const spec = this.componentOf(task);
      // an importer's arguments (uri, metadata) are check-importers.ts' to check, where they are written, and a
      // delete_pvc task's claim check-kubernetes-options.ts'; a create_pvc task's are CreatePVC's inputs, its name
      // may be a parameter or an upstream output (reported where written: argumentPath)
      if (!task.importer && !task.delete_pvc) this.checkArguments(task, spec);
      this.checkAfter(task);
      // a run-time image from an upstream output waits for it, as an argument does
      const image = imageChannelOf(task);
      if (image?.kind === 'task-output' && this.tasks.has(image.task)) this.edges.push({ from: task.name, to: image.task, path: ['image', 'task'], field: 'image.task' });
    }
    this.checkCycles();
    this.checkScopes();
    this.checkPipelineOutputs();
    this.problems.push(...checkLoops({ definition: this.options.definition, source: this.options.source, components: this.options.components }));
    this.problems.push(...checkExitHandlers(this.options));
    this.problems.push(...checkOneOf({ definition: this.options.definition, source: this.options.source, specOf: (task) => this.specOf(task) }));
    checkKubernetesOptions(this.options.definition, (task, path, message, of) => this.report(task, [...path], message, of));
    checkTaskImages(this.options.definition, (task) => this.specOf(task), (task, path, message, of) => this.report(task, [...path], message, of));
    return this.problems;
  }

  /**
   * Conditions as kfp allows them: a task's outputs are used (and `after` it
   * waited for) only inside its own branch; a condition compares primitive
   * values of tasks outside its block, of types that can be compared.
   */
  private checkScopes(): void {
    const { chains, blocks } = branchChains(this.options.definition.body ?? []);
    const chainOf = (task: string) => chains.get(task) ?? [];
    const inside = (inner: string[], outer: string[]) => inner.length >= outer.length && outer.every((branch, index) => inner[index] === branch);
    const branchText = (chain: string[]) => chain[chain.length - 1].replace(/#(\d+)$/, (_, index) => ` (branch ${Number(index) + 1})`);
    for (const task of this.options.definition.tasks) {
      const uses: { upstream: string; path: YamlPath; field?: string }[] = [];
      for (const [input, argument] of Object.entries(task.arguments)) {
        if (argument.kind === 'task-output') uses.push({ upstream: argument.task, path: [...argumentPath(task, input), 'task'], field: argumentPath(task, input).join('.') });
      }
      // a mounted claim a create_pvc task makes: the mount is where the dependency is written (withPvcTasks adds the after)
      (task.kubernetes?.pvc_mounts ?? []).forEach((mount, index) => {
        if (mount.pvc_name.kind === 'task-output') uses.push({ upstream: mount.pvc_name.task, path: [...(mount.at ?? ['volumes', index]), 'pvc', 'task'], field: `volumes[${index}].pvc.task` });
      });
      const image = imageChannelOf(task);
      if (image?.kind === 'task-output') uses.push({ upstream: image.task, path: ['image', 'task'], field: 'image.task' });
      task.after.forEach((upstream, index) => {
        if (!uses.some((use) => use.upstream === upstream)) uses.push({ upstream, path: ['after', index], field: `after[${index}]` });
      });
      for (const { upstream, path, field } of uses) {
        if (!this.tasks.has(upstream)) continue;
        const upstreamChain = chainOf(upstream);
        if (inside(chainOf(task.name), upstreamChain)) continue;
        if (leavesLoopFirst(this.options.definition.body ?? [], upstream, task.name)) continue; // check-loops.ts
        this.report(
          task,
          path,
          `task "${upstream}" is inside condition "${branchText(upstreamChain)}" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).`,
          'value',
          field,
        );
      }
    }
    for (const output of taskPipelineOutputs(this.options.definition.outputs)) {
      const chain = chainOf(output.task);
      if (this.tasks.has(output.task) && chain.length > 0) {
        this.reportAt(
          ['outputs', output.name, 'task'],
          `outputs.${output.name}.task`,
          `task "${output.task}" is inside condition "${branchText(chain)}": a pipeline output must come from a task that always runs (kfp needs dsl.OneOf for this, which pipeline.yaml does not have yet).`,
        );
      }
    }
    for (const { block, chain } of blocks) {
      block.branches.forEach((branch) => {
        if (!branch.condition) return;
        const path = [...(branch.yamlPath ?? []), 'if'];
        const types = (['left', 'right'] as const).map((side) => this.operandType(branch.condition![side], [...path, side], block, chain, chains));
        const [left, right] = types;
        if (left && right && left !== right && !(NUMBERS.has(left) && NUMBERS.has(right))) {
          this.reportAt(path, formatPath(path), `compares ${left} with ${right}: both sides must have the same type (or be Integer and Float).`);
        }
      });
    }
  }

  /** The parameter type of a comparison's side, or undefined (reported) when it cannot be compared. */
  private operandType(operand: ConditionOperand, path: YamlPath, block: ConditionBlock, chain: string[], chains: Map<string, string[]>): string | undefined {
    const field = formatPath(path);
    if (operand.kind === 'literal') {
      return typeof operand.value === 'string' ? 'String' : typeof operand.value === 'boolean' ? 'Boolean' : Number.isInteger(operand.value) ? 'Integer' : 'Float';
    }
    let type: string;
    let what: string;
    let artifact: boolean;
    if (operand.kind === 'loop-item') {
      // a loop item is a parameter value; check-loops.ts reports a reference it refuses
      const itemType = conditionItemType(this.options.definition.body ?? [], block, operand);
      if (itemType === undefined) return undefined;
      type = itemType;
      artifact = false;
      what = `loop item "${operand.item}${operand.field !== undefined ? `.${operand.field}` : ''}"`;
    } else if (operand.kind === 'parameter') {
      const parameter = this.options.definition.parameters.find((candidate) => candidate.name === operand.parameter);
      if (!parameter) {
        this.reportAt([...path, 'parameter'], field, this.unknownParameterMessage(operand.parameter));
        return undefined;
      }
      type = parameter.type;
      artifact = ioTypeOf(parameter.type).kind === 'artifact';
      what = `pipeline parameter "${parameter.name}"`;
    } else {
      const upstream = this.tasks.get(operand.task);
      if (!upstream) {
        this.reportAt([...path, 'task'], field, this.unknownTaskMessage(operand.task));
        return undefined;
      }
      const upstreamChain = chains.get(upstream.name) ?? [];
      if (upstreamChain.length > chain.length || !upstreamChain.every((branch, index) => chain[index] === branch)) {
        this.reportAt(
          [...path, 'task'],
          field,
          `task "${upstream.name}" runs inside ${upstreamChain.some((branch) => branch.startsWith(`${block.name}#`)) ? `condition "${block.name}" itself` : 'another condition'}: a condition can only compare outputs of tasks that run before it, outside it.`,
        );
        return undefined;
      }
      const spec = this.specOf(upstream);
      if (!spec) return undefined;
      const output = spec.outputs.find((candidate) => candidate.name === operand.output);
      if (!output) {
        this.reportAt(
          [...path, 'output'],
          field,
          `unknown output "${operand.output}" of task "${upstream.name}" (${calleeOf(upstream)}); its outputs: ${spec.outputs.map((o) => o.name).join(', ') || '(none)'}.`,
        );
        return undefined;
      }
      type = describeIoType(ioTypeOf(output.type));
      artifact = ioTypeOf(output.type).kind === 'artifact';
      what = `output "${upstream.name}.${output.name}"`;
    }
    if (!COMPARABLE.has(type)) {
      // kfp: "Conditional requires primitive parameter values for comparison."
      this.reportAt(path, field, `${what} is ${artifact ? `an artifact (${type})` : `a ${type}`}: a condition compares String, Integer, Float or Boolean values only.`);
      return undefined;
    }
    return type;
  }

  /** Each pipeline output names a task of this pipeline and one of its outputs. */
  private checkPipelineOutputs(): void {
    for (const output of taskPipelineOutputs(this.options.definition.outputs)) {
      const path = ['outputs', output.name];
      const task = this.tasks.get(output.task);
      if (!task) {
        this.reportAt([...path, 'task'], `outputs.${output.name}.task`, this.unknownTaskMessage(output.task));
        continue;
      }
      const spec = this.specOf(task);
      if (!spec) continue; // its component is reported on its own task
      if (!spec.outputs.some((candidate) => candidate.name === output.output)) {
        this.reportAt(
          [...path, 'output'],
          `outputs.${output.name}.output`,
          `unknown output "${output.output}" of task "${task.name}" (${calleeOf(task)}); its outputs: ${spec.outputs.map((o) => o.name).join(', ') || '(none)'}.`,
        );
      }
    }
  }

  /** A problem outside any task (pipeline outputs). */
  private reportAt(path: YamlPath, field: string, message: string): void {
    const { line, column } = this.options.source.positionOf(path, 'value');
    this.problems.push({ file: this.options.definition.file, line, column, field, message });
  }

  /** The interface of what a task runs: its component's, or (`pipeline:`) the pipeline's. */
  private specOf(task: PipelineTask): ComponentSpec | undefined {
    return task.calls === 'pipeline' ? this.options.pipelines?.get(task.component) : this.options.components.get(task.component);
  }

  private componentOf(task: PipelineTask): ComponentSpec | undefined {
    if (task.component === '') return undefined; // reported by the reader
    if (task.calls === 'pipeline') return this.pipelineOf(task);
    const spec = this.specOf(task);
    if (spec) this.checkOutputNames(task, spec);
    if (spec || this.options.brokenComponents?.has(task.component)) return spec;
    const known = [...(this.options.componentNames ?? this.options.components.keys())].sort();
    this.report(
      task,
      ['component'],
      `unknown component "${task.component}": no components/**/${task.component}/component.yaml. Components in this workspace: ${known.join(', ') || '(none)'}.`,
    );
    return undefined;
  }

  private pipelineOf(task: PipelineTask): ComponentSpec | undefined {
    const spec = this.specOf(task);
    if (spec || this.options.brokenPipelines?.has(task.component)) return spec;
    const known = [...(this.options.pipelineNames ?? this.options.pipelines?.keys() ?? [])].sort();
    this.report(
      task,
      ['pipeline'],
      `unknown pipeline "${task.component}": no pipelines/**/${task.component}/pipeline.yaml. Pipelines this one can run: ${known.join(', ') || '(none)'}.`,
    );
    return undefined;
  }

  /** kfp loads such a component but refuses every task of it: reported on each task, where kfp stops. */
  private checkOutputNames(task: PipelineTask, spec: ComponentSpec): void {
    for (const output of spec.outputs) {
      const problem = outputNameProblem(output.name);
      if (problem) this.report(task, ['component'], `component "${task.component}": ${problem}; rename the output in its component.yaml.`);
    }
  }

  private checkArguments(task: PipelineTask, spec: ComponentSpec | undefined): void {
    for (const [inputName, argument] of Object.entries(task.arguments)) {
      this.recordEdge(task, inputName, argument);
      if (!spec) {
        this.checkReferenceExists(task, inputName, argument);
        continue;
      }
      const input = spec.inputs.find((candidate) => candidate.name === inputName);
      if (!input) {
        this.report(
          task,
          argumentPath(task, inputName),
          `unknown input "${inputName}" of ${calleeOf(task)}; its inputs: ${spec.inputs.map((i) => i.name).join(', ') || '(none)'}.`,
          'key',
        );
        this.checkReferenceExists(task, inputName, argument);
        continue;
      }
      // KFP fills a PipelineTaskFinalStatus input; an argument to it is check-exit-handlers.ts' to report
      if (isTaskFinalStatusType(input.type)) continue;
      const expected = ioTypeOf(input.type);
      this.checkArgument(task, inputName, argument, expected);
    }
    if (!spec) return;
    for (const input of spec.inputs) {
      if (hasName(task.arguments, input.name) || input.default !== undefined || input.optional || isTaskFinalStatusType(input.type)) continue;
      const type = describeIoType(ioTypeOf(input.type));
      this.report(
        task,
        task.arguments && Object.keys(task.arguments).length > 0 ? ['arguments'] : [],
        `missing required input "${input.name}" (${type}) of ${calleeOf(task)}: it has no default and is not optional.`,
        'key',
        `arguments.${input.name}`,
      );
    }
  }

  private checkArgument(task: PipelineTask, inputName: string, argument: TaskArgument, expected: ReturnType<typeof ioTypeOf>): void {
    const path = argumentPath(task, inputName);
    if (argument.kind === 'loop-item' || argument.kind === 'collected') return; // check-loops.ts
    if (argument.kind === 'one-of') return; // check-one-of.ts
    if (argument.kind === 'literal') {
      if (expected.kind === 'artifact') {
        this.report(task, path, `input "${inputName}" is an artifact (${expected.schemaTitle}): wire it from an upstream output ({task: t, output: o}), not a literal.`);
        return;
      }
      if (literalProblem(argument.value)) return; // reported by the reader
      const problem = parameterValueProblem(argument.value, expected.parameterType);
      if (problem) this.report(task, path, `incompatible value for input "${inputName}" (${expected.parameterType}): ${problem}`);
      return;
    }
    if (argument.kind === 'parameter') {
      const parameter = this.options.definition.parameters.find((candidate) => candidate.name === argument.parameter);
      if (!parameter) {
        this.report(task, [...path, 'parameter'], this.unknownParameterMessage(argument.parameter));
        return;
      }
      const problem = incompatibility(ioTypeOf(parameter.type), expected);
      if (problem) this.report(task, [...path, 'parameter'], `pipeline parameter "${parameter.name}" cannot feed input "${inputName}": ${problem}.`);
      return;
    }
    const output = this.upstreamOutput(task, inputName, argument);
    if (!output) return;
    const problem = incompatibility(ioTypeOf(output.type), expected);
    if (problem) this.report(task, path, `output "${argument.task}.${output.name}" cannot feed input "${inputName}": ${problem}.`);
  }

  /** The upstream output a reference names, or undefined (reported) when there is none. */
  private upstreamOutput(task: PipelineTask, inputName: string, argument: Extract<TaskArgument, { kind: 'task-output' }>) {
    const path = argumentPath(task, inputName);
    const upstream = this.tasks.get(argument.task);
    if (!upstream) {
      this.report(task, [...path, 'task'], this.unknownTaskMessage(argument.task));
      return undefined;
    }
    const upstreamSpec = this.specOf(upstream);
    if (!upstreamSpec) return undefined; // its component is reported on its own task
    const output = upstreamSpec.outputs.find((candidate) => candidate.name === argument.output);
    if (!output) {
      this.report(
        task,
        [...path, 'output'],
        `unknown output "${argument.output}" of task "${upstream.name}" (${calleeOf(upstream)}); its outputs: ${upstreamSpec.outputs.map((o) => o.name).join(', ') || '(none)'}.`,
      );
    }
    return output;
  }

  /** Without the component's interface, references can still be checked. */
  private checkReferenceExists(task: PipelineTask, inputName: string, argument: TaskArgument): void {
    if (argument.kind === 'parameter' && !this.options.definition.parameters.some((p) => p.name === argument.parameter)) {
      this.report(task, [...argumentPath(task, inputName), 'parameter'], this.unknownParameterMessage(argument.parameter));
    }
    if (argument.kind === 'task-output') this.upstreamOutput(task, inputName, argument);
  }

  private checkAfter(task: PipelineTask): void {
    task.after.forEach((name, index) => {
      if (!this.tasks.has(name)) {
        this.report(task, ['after', index], this.unknownTaskMessage(name), 'value', `after[${index}]`);
        return;
      }
      this.edges.push({ from: task.name, to: name, path: ['after', index], field: `after[${index}]` });
    });
  }

  private recordEdge(task: PipelineTask, inputName: string, argument: TaskArgument): void {
    if (argument.kind === 'one-of') {
      argument.of.forEach((entry, index) => {
        if (this.tasks.has(entry.task)) this.edges.push({ from: task.name, to: entry.task, path: ['arguments', inputName, 'one_of', index, 'task'], field: `arguments.${inputName}` });
      });
      return;
    }
    if (argument.kind !== 'task-output' || !this.tasks.has(argument.task)) return;
    this.edges.push({ from: task.name, to: argument.task, path: [...argumentPath(task, inputName), 'task'], field: argumentPath(task, inputName).join('.') });
  }

  private checkCycles(): void {
    for (const cycle of findCycles(this.options.definition.tasks.map((task) => task.name), this.edges)) {
      const [first] = cycle;
      const loop = [...cycle.map((edge) => edge.from), first.from].join(' -> ');
      this.report(this.tasks.get(first.from)!, first.path, `cycle: ${loop} (each task waits for the next, through data or after).`, 'value', first.field);
    }
  }

  private unknownParameterMessage(name: string): string {
    const known = this.options.definition.parameters.map((parameter) => parameter.name);
    return `unknown pipeline parameter "${name}"; declared parameters: ${known.join(', ') || '(none: add it under parameters:)'}.`;
  }

  private unknownTaskMessage(name: string): string {
    return `unknown task "${name}"; tasks in this pipeline: ${[...this.tasks.keys()].join(', ')}.`;
  }

  private report(task: PipelineTask, path: YamlPath, message: string, of: 'key' | 'value' = 'value', field?: string): void {
    const { line, column } = this.options.source.positionOf([...(task.yamlPath ?? ['tasks', task.name]), ...path], of);
    const fieldText = field ?? path.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');
    this.problems.push({
      file: this.options.definition.file,
      line,
      column,
      task: task.name,
      ...(fieldText ? { field: fieldText } : {}),
      message,
    });
  }
}
