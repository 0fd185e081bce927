/**
 * Condition blocks (dsl.If / Elif / Else, dsl.Condition) as kfp compiles
 * them: sub-DAG groups named condition-N and condition-branches-N (numbered
 * in file order as kfp numbers them in code order, the branches wrapper
 * swapping ids with its If), each group taking as inputs the pipeline
 * channels (pipelinechannel--<param>, pipelinechannel--<task>-<output>) its
 * tasks and conditions use, dependencies between first uncommon ancestors,
 * and the triggerPolicy condition written in kfp's CEL
 * (compiler_utils.get_inputs_for_all_groups, get_dependencies,
 * pipeline_spec_builder._single_binary_operation_to_cel_condition).
 */
import type { Condition, ConditionOperand, ConditionOperator, LoopBlock, PipelineDefinition, PipelineNode, PipelineTask, ResolvedComponent } from './pipeline-model';
import { OneOfNumbering } from './ir-one-of';
import { ioTypeOf, type IoType } from './io-types';
import { k8sName, sanitizeInputName } from './kfp-names';
import { artifactType, findByName } from './ir-io-definitions';
import { pyFloatRepr } from './py-json';
import type { ReportProblem } from './ir-compile-error';
import { addGroupInputs, fieldSelector, keepInLoopGroup, layoutLoops, loopChannels, loopTaskSpec, subvarChannel, type IrLoop, type LoopLayout } from './ir-loops';
import type { StaticItem } from './loop-items';
import { pipelineTaskNamed } from './pipeline-task-index';
import { rootNameSource, type NameRef, type NameSource } from './platform-kubernetes-options';

export const ROOT = '';

export interface IrGroup {
  /** condition-N, condition-branches-N or exit-handler-N. */
  name: string;
  parent: string;
  /** An exit handler's exit task (k8s name): it depends on the group and runs however the group ends. */
  exitTask?: string;
  /** dsl.If/Elif/Else conditions, joined with && (Elif and Else carry the earlier ones negated). */
  conditions?: { condition: Condition; negate: boolean }[];
  /** The loops around the group, outermost first: where its conditions find the items they compare. */
  enclosingLoops?: IrLoop[];
  /** A for-loop-N group (dsl.ParallelFor): its item and items channels. */
  loop?: IrLoop;
  /** The group's `name=` in the DSL: kfp's taskInfo.name is `group.display_name or group.name`. */
  displayName?: string;
}

/** A pipeline channel: a pipeline parameter or a task output, as a group input. */
export interface Channel {
  /** pipelinechannel--<full name> */
  inputName: string;
  /** The parameter's name, or <task>-<output>. */
  fullName: string;
  /** The producing task (k8s name), for task outputs. */
  task?: string;
  /** The output key, for task outputs. */
  output?: string;
  io: IoType;
  /**
   * A loop's channels: its argument (the item; `items` what it iterates over, none for a static list, whose
   * items kfp keeps as `staticItems`) or a subvariable of one (a field of the item). withItems: kfp's
   * is_with_items_loop_argument, a static list's argument and its fields.
   */
  loop?:
    | { kind: 'argument'; withItems: boolean; items?: Channel; staticItems?: readonly StaticItem[] }
    | { kind: 'subvar'; field: string; argument: Channel; withItems: boolean };
}

export interface GroupLayout {
  groups: IrGroup[];
  /** Parent group of every task and group (ROOT at the top). */
  parentOf: Map<string, string>;
  /** Inputs of each group, by input name. */
  inputs: Map<string, Map<string, Channel>>;
  /** dependentTasks of every task and group (IR names), sorted. */
  dependencies: Map<string, string[]>;
  /** Loop items, Collected outputs and dsl.OneOf: how tasks read them, what groups surface (ir-loops.ts, ir-one-of.ts). */
  loops: LoopLayout;
  /** Pipeline outputs that are a dsl.OneOf: the condition-branches group's output each names. */
  oneOfOutputs: Map<string, Channel>;
}

interface Numbered {
  name: string;
  exitTask?: string;
  conditions?: IrGroup['conditions'];
  /** A loop and the id kfp drew for its static list (before the group's own). */
  loop?: { block: LoopBlock; argumentId?: number };
  displayName?: string;
  children: (Numbered | string)[];
}

/** Names groups as kfp does: ids in the order groups are entered; a branches wrapper, made when the first Elif/Else is entered, swaps ids with its If. */
function numberGroups(body: PipelineNode[]): (Numbered | string)[] {
  let counter = 0;
  const walk = (nodes: PipelineNode[]): (Numbered | string)[] =>
    nodes.flatMap((node): (Numbered | string)[] => {
      if (node.kind === 'task') return [k8sName(node.task)];
      if (node.kind === 'loop') {
        // ParallelFor draws an id for a static list's loop argument, then the group takes the next
        const argumentId = node.loop.items.kind === 'static' ? ++counter : undefined;
        const id = ++counter;
        return [{ name: `for-loop-${id}`, loop: { block: node.loop, argumentId }, displayName: node.loop.displayName, children: walk(node.loop.body) }];
      }
      // dsl.ExitHandler: its exit task sits beside the group, in the parent DAG
      if (node.kind === 'exit-handler') {
        const exitTask = k8sName(node.block.exitTask);
        return [exitTask, { name: `exit-handler-${++counter}`, exitTask, displayName: node.block.displayName, children: walk(node.block.body) }];
      }
      const [first, ...rest] = node.block.branches;
      const firstCondition = first.condition!;
      const ifId = ++counter;
      const ifGroup: Numbered = { name: '', conditions: [{ condition: firstCondition, negate: false }], displayName: first.displayName, children: walk(first.body) };
      if (rest.length === 0) {
        ifGroup.name = `condition-${ifId}`;
        return [ifGroup];
      }
      const wrapperId = ++counter;
      ifGroup.name = `condition-${wrapperId}`;
      const wrapper: Numbered = { name: `condition-branches-${ifId}`, children: [ifGroup] };
      const negated: { condition: Condition; negate: boolean }[] = [{ condition: firstCondition, negate: true }];
      for (const branch of rest) {
        const id = ++counter;
        const conditions = branch.condition ? [...negated, { condition: branch.condition, negate: false }] : [...negated];
        wrapper.children.push({ name: `condition-${id}`, conditions, displayName: branch.displayName, children: walk(branch.body) });
        if (branch.condition) negated.push({ condition: branch.condition, negate: true });
      }
      return [wrapper];
    });
  return walk(body);
}

export interface GroupContext {
  pipeline: PipelineDefinition;
  components: Map<string, ResolvedComponent>;
  report: ReportProblem;
}

export function groupLayout(ctx: GroupContext): GroupLayout {
  const { pipeline } = ctx;
  const groups: IrGroup[] = [];
  const parentOf = new Map<string, string>();
  /** [root, ..., itself] for every task and group, as kfp's get_parent_groups. */
  const ancestors = new Map<string, string[]>();
  /** Condition channels of each task: the operands of every condition around it (kfp's get_condition_channels_for_tasks). */
  const conditionChannels = new Map<string, Channel[]>();
  const place = (nodes: (Numbered | string)[], parent: string, chain: string[], channels: Channel[], loops: IrLoop[]) => {
    for (const node of nodes) {
      if (typeof node === 'string') {
        parentOf.set(node, parent);
        ancestors.set(node, [...chain, node]);
        conditionChannels.set(node, channels);
        continue;
      }
      const enclosing = (item: string) => [...loops].reverse().find((loop) => loop.block.as === item);
      const group: IrGroup = {
        name: node.name,
        parent,
        ...(node.conditions ? { conditions: node.conditions, enclosingLoops: loops } : {}),
        ...(node.loop ? { loop: loopChannels(node.loop.block, node.loop.argumentId, ctx, enclosing) } : {}),
        ...(node.exitTask ? { exitTask: node.exitTask } : {}),
        ...(node.displayName !== undefined ? { displayName: node.displayName } : {}),
      };
      groups.push(group);
      parentOf.set(node.name, parent);
      ancestors.set(node.name, [...chain, node.name]);
      const own = conditionChannelsOf(group, ctx);
      place(node.children, node.name, [...chain, node.name], [...channels, ...own], group.loop ? [...loops, group.loop] : loops);
    }
  };
  place(numberGroups(pipeline.body ?? pipeline.tasks.map((task) => ({ kind: 'task' as const, task: task.name }))), ROOT, [ROOT], [], []);

  const inputs = new Map<string, Map<string, Channel>>(groups.map((group) => [group.name, new Map()]));
  const loops: LoopLayout = { itemReads: new Map(), collected: new Map(), outputs: new Map(), imageItems: new Map() };
  const dependencies = new Map<string, Set<string>>();
  const uncommon = (upstream: string, downstream: string): [string[], string[]] => {
    const up = ancestors.get(upstream) ?? [ROOT, upstream];
    const down = ancestors.get(downstream) ?? [ROOT, downstream];
    let common = 0;
    while (common < up.length && common < down.length && up[common] === down[common]) common++;
    return [up.slice(common), down.slice(common)];
  };
  const lc = { groups, ancestors, uncommon, inputs, ctx };
  const oneOfs = new OneOfNumbering(ctx, parentOf, loops.outputs);
  for (const task of pipeline.tasks) {
    const name = k8sName(task.name);
    // a dsl.OneOf is read as an output of its condition-branches group, surfaced as Collected is (loops.collected)
    for (const [argName, argument] of Object.entries(task.arguments)) {
      if (argument.kind !== 'one-of') continue;
      const channel = oneOfs.channel(argument.of);
      if (!channel) continue; // reported by the checker
      const reads = loops.collected.get(name) ?? new Map<string, Channel>();
      reads.set(argName, channel);
      loops.collected.set(name, reads);
    }
    const arguments_ = Object.values(task.arguments).filter((argument) => argument.kind === 'parameter' || argument.kind === 'task-output') as ConditionOperand[];
    // a run-time image's channel travels as an argument's does (a loop item's: layoutLoops)
    const image = typeof task.image === 'object' && task.image.kind !== 'loop-item' ? [channelOf(task.image, ctx)] : [];
    const used = [...arguments_.map((operand) => channelOf(operand, ctx)), ...(conditionChannels.get(name) ?? []), ...oneOfReads(task, loops), ...platformNameRefs(task).map((ref) => channelOf(ref, ctx)), ...image];
    const upstreams = new Set(task.after.map(k8sName));
    for (const upstream of layoutLoops(task, lc, loops)) upstreams.add(upstream);
    for (const channel of used) {
      if (!channel) continue;
      if (channel.task) upstreams.add(channel.task);
      addGroupInputs(name, channel, lc);
    }
    for (const upstream of upstreams) {
      const [up, down] = uncommon(upstream, name);
      if (up.length === 0 || down.length === 0) continue;
      const set = dependencies.get(down[0]) ?? new Set();
      set.add(up[0]);
      dependencies.set(down[0], set);
    }
  }
  for (const group of groups) {
    // a condition takes the channels it compares (kfp's condition_subgroup_channels)
    for (const channel of conditionChannelsOf(group, ctx)) inputs.get(group.name)!.set(channel.inputName, channel);
    if (!group.loop) continue;
    // a loop takes its items' channel and its item (kfp's loop_subgroup_channels), not an inner static list's
    const own = inputs.get(group.name)!;
    for (const [inputName, channel] of own) if (!keepInLoopGroup(channel, group.name, lc)) own.delete(inputName);
    if (group.loop.items) own.set(group.loop.items.inputName, group.loop.items);
    own.set(group.loop.item.inputName, group.loop.item);
  }
  const oneOfOutputs = new Map<string, Channel>();
  for (const output of pipeline.outputs ?? []) {
    const channel = 'oneOf' in output ? oneOfs.channel(output.oneOf) : undefined;
    if (channel) oneOfOutputs.set(output.name, channel);
  }
  // kfp's build_task_spec_for_exit_task: the exit task depends on its exit handler group alone
  for (const group of groups) if (group.exitTask) dependencies.set(group.exitTask, new Set([group.name]));
  return {
    groups,
    parentOf,
    inputs,
    loops,
    oneOfOutputs,
    dependencies: new Map([...dependencies].map(([name, set]) => [name, [...set].sort()])),
  };
}

/**
 * The names a task's Kubernetes options take at run time (Secrets, ConfigMaps, claims, image pull
 * secrets named by a pipeline parameter; claims a create_pvc task made): kfp-kubernetes holds them
 * as PipelineChannels, which reach the task's groups as its arguments' channels do.
 */
export function platformNameRefs(task: PipelineTask): NameRef[] {
  const options = task.kubernetes ?? {};
  const parameters = [...(task.secrets ?? []), ...(options.secret_volumes ?? []), ...(options.config_maps_as_env ?? []), ...(options.config_map_volumes ?? [])].flatMap((entry) => entry.name_parameter ?? []);
  const pullSecrets = (options.image_pull_secrets ?? []).flatMap((name) => (typeof name === 'string' ? [] : [name.parameter]));
  const mounts = (options.pvc_mounts ?? []).flatMap((mount): NameRef[] => (mount.pvc_name.kind === 'constant' ? [] : [mount.pvc_name]));
  return [...[...parameters, ...pullSecrets].map((parameter): NameRef => ({ kind: 'parameter', parameter })), ...mounts];
}

/**
 * Where a task's platform config reads those names: kfp writes the channel as the task's DAG has it
 * (a root input by its own name, a sibling's output as taskOutputParameter, else the group's
 * pipelinechannel input), not as an input of the task.
 */
export function platformNameSource(task: string, layout: GroupLayout | undefined, ctx: GroupContext): NameSource {
  const parent = layout?.parentOf.get(task) ?? ROOT;
  return (ref) => {
    const channel = channelOf(ref, ctx);
    if (!channel) return rootNameSource(ref); // reported by the checker
    if (channel.task !== undefined && (layout?.parentOf.get(channel.task) ?? ROOT) === parent) {
      return { taskOutputParameter: { outputParameterKey: channel.output, producerTask: channel.task } };
    }
    return { componentInputParameter: parent === ROOT ? channel.fullName : channel.inputName };
  };
}

/** The dsl.OneOf channels a task reads (condition-branches outputs: they travel into groups as task outputs do). */
function oneOfReads(task: PipelineTask, loops: LoopLayout): Channel[] {
  const name = k8sName(task.name);
  return Object.entries(task.arguments).flatMap(([argName, argument]) => (argument.kind === 'one-of' ? (loops.collected.get(name)?.get(argName) ?? []) : []));
}

/** The channels a condition group compares (its own and, for an Elif/Else, the earlier ones it negates). */
function conditionChannelsOf(group: IrGroup, ctx: GroupContext): Channel[] {
  return (group.conditions ?? []).flatMap(({ condition }) => [condition.left, condition.right]).flatMap((operand) => channelOf(operand, ctx, group.enclosingLoops) ?? []);
}

/**
 * The channel an operand or argument names, or undefined for a constant (or a reference the checker reports).
 * A loop item is found among `loops` (the enclosing ones, outermost first), a field of it as kfp's subvariable.
 */
export function channelOf(operand: ConditionOperand, ctx: GroupContext, loops: readonly IrLoop[] = []): Channel | undefined {
  if (operand.kind === 'literal') return undefined;
  if (operand.kind === 'loop-item') {
    const loop = [...loops].reverse().find((candidate) => candidate.block.as === operand.item);
    if (!loop) return undefined;
    return operand.field !== undefined ? subvarChannel(loop.item, operand.field) : loop.item;
  }
  if (operand.kind === 'parameter') {
    const parameter = ctx.pipeline.parameters.find((candidate) => candidate.name === operand.parameter);
    if (!parameter) return undefined;
    return { inputName: `pipelinechannel--${parameter.name}`, fullName: parameter.name, io: ioTypeOf(parameter.type) };
  }
  const upstream = pipelineTaskNamed(ctx.pipeline, operand.task);
  const output = upstream && findByName(ctx.components.get(upstream.component)?.spec.outputs ?? [], operand.output);
  if (!upstream || !output) return undefined;
  const task = k8sName(upstream.name);
  const key = sanitizeInputName(output.name);
  return { inputName: `pipelinechannel--${task}-${key}`, fullName: `${task}-${key}`, task, output: key, io: ioTypeOf(output.type) };
}

/** The group's inputDefinitions: each channel typed as its source is. */
export function groupInputDefinitions(channels: Map<string, Channel>): Record<string, unknown> | undefined {
  const parameters: Record<string, unknown> = {};
  const artifacts: Record<string, unknown> = {};
  for (const channel of channels.values()) {
    if (channel.io.kind === 'artifact') artifacts[channel.inputName] = { artifactType: artifactType(channel.io) };
    else parameters[channel.inputName] = { parameterType: channel.io.irType };
  }
  const out: Record<string, unknown> = {};
  if (Object.keys(artifacts).length > 0) out.artifacts = artifacts;
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The group as a task of its parent's DAG (build_task_spec_for_group). */
export function groupTaskSpec(group: IrGroup, layout: GroupLayout, parentTasks: Set<string>, ctx: GroupContext): Record<string, unknown> {
  const atRoot = group.parent === ROOT;
  const artifacts: Record<string, unknown> = {};
  const parameters: Record<string, unknown> = {};
  for (const channel of layout.inputs.get(group.name)?.values() ?? []) {
    const fromSibling = channel.task !== undefined && parentTasks.has(channel.task);
    if (channel.loop?.kind === 'subvar') {
      // a field of an item: the item, with kfp's selector (build_task_spec_for_group)
      const { argument, field } = channel.loop;
      parameters[channel.inputName] = { componentInputParameter: atRoot ? argument.fullName : argument.inputName, parameterExpressionSelector: fieldSelector(field) };
      continue;
    }
    const fromParent = atRoot ? channel.fullName : channel.inputName;
    if (channel.io.kind === 'artifact') {
      artifacts[channel.inputName] = fromSibling ? { taskOutputArtifact: { outputArtifactKey: channel.output, producerTask: channel.task } } : { componentInputArtifact: fromParent };
    } else {
      parameters[channel.inputName] = fromSibling ? { taskOutputParameter: { outputParameterKey: channel.output, producerTask: channel.task } } : { componentInputParameter: fromParent };
    }
  }
  const spec: Record<string, unknown> = { componentRef: { name: `comp-${group.name}` }, taskInfo: { name: group.displayName || group.name } };
  const dependentTasks = layout.dependencies.get(group.name);
  if (dependentTasks && dependentTasks.length > 0) spec.dependentTasks = dependentTasks;
  const inputs: Record<string, unknown> = {};
  if (Object.keys(artifacts).length > 0) inputs.artifacts = artifacts;
  if (Object.keys(parameters).length > 0) inputs.parameters = parameters;
  if (Object.keys(inputs).length > 0) spec.inputs = inputs;
  if (group.loop) loopTaskSpec(spec, group.loop);
  if (group.conditions) spec.triggerPolicy = { condition: group.conditions.map(({ condition, negate }) => celCondition(condition, negate, ctx, group.enclosingLoops)).join(' && ') };
  return spec;
}

const MIRRORED: Record<ConditionOperator, ConditionOperator> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

type CelType = 'STRING' | 'BOOLEAN' | 'NUMBER_DOUBLE' | 'NUMBER_INTEGER';

/** One comparison in kfp's CEL: int() around Integer channels, operands of two types promoted (String > Boolean > Double > Integer). */
function celCondition(written: Condition, negate: boolean, ctx: GroupContext, loops: readonly IrLoop[] = []): string {
  // `0.5 < x` in Python is x.__gt__(0.5): kfp's operation has the channel on the left
  const condition = written.left.kind === 'literal' && written.right.kind !== 'literal' ? { left: written.right, operator: MIRRORED[written.operator], right: written.left } : written;
  const sides = [condition.left, condition.right].map((operand) => {
    const channel = channelOf(operand, ctx, loops);
    if (channel) {
      const type = (channel.io.kind === 'parameter' ? channel.io.irType : 'STRING') as CelType;
      const value = `inputs.parameter_values['${channel.inputName}']`;
      return { type, text: type === 'NUMBER_INTEGER' ? `int(${value})` : value, literal: undefined as unknown };
    }
    if (operand.kind !== 'literal') return { type: 'STRING' as CelType, text: '', literal: undefined }; // reported by the checker
    return { type: literalType(operand.value), text: '', literal: operand.value };
  });
  // YAML cannot tell 1 from 1.0: a whole number beside a Float is a float, as a DSL author writes 1.0
  for (const [index, side] of sides.entries()) {
    if (side.type === 'NUMBER_INTEGER' && side.literal !== undefined && sides[1 - index].type === 'NUMBER_DOUBLE') side.type = 'NUMBER_DOUBLE';
  }
  for (const side of sides) {
    if (side.literal === undefined) continue;
    const value = side.literal;
    side.text = typeof value === 'string' ? `'${value}'` : typeof value === 'boolean' ? String(value) : side.type === 'NUMBER_DOUBLE' ? pyFloatRepr(value as number) : String(value);
  }
  const types = new Set(sides.map((side) => side.type));
  const canonical: CelType = types.size === 1 ? sides[0].type : types.has('STRING') ? 'STRING' : types.has('BOOLEAN') ? 'BOOLEAN' : 'NUMBER_DOUBLE';
  const texts = sides.map((side) => {
    if (side.type === canonical) return side.text;
    if (canonical === 'STRING') return `'${side.text}'`;
    if (canonical === 'BOOLEAN') return Number(side.text) === 0 ? 'true' : 'false';
    return `double(${side.text})`;
  });
  const text = `${texts[0]} ${condition.operator} ${texts[1]}`;
  return negate ? `!(${text})` : text;
}

function literalType(value: unknown): CelType {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  return Number.isInteger(value) ? 'NUMBER_INTEGER' : 'NUMBER_DOUBLE';
}
