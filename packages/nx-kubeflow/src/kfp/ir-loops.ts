/**
 * Loops (dsl.ParallelFor) and fan-in (dsl.Collected) as kfp compiles them,
 * on top of the group layout of ir-groups.ts:
 * - the loop item's pipeline channel: pipelinechannel--loop-item-param-N for
 *   a static list (N: the id kfp draws for the list before the group's own),
 *   pipelinechannel--<parameter>-loop-item or
 *   pipelinechannel--<task>-<output>-loop-item over a channel; it and the
 *   items' channel travel to the groups between as compiler_utils.
 *   get_inputs_for_all_groups sends them (bottom-up for static lists,
 *   top-down for channels, dropped below the loop whose argument name holds
 *   them: kfp's substring test);
 * - the loop task: parameterIterator (items.raw, json.dumps sort_keys, or
 *   items.inputParameter), iteratorPolicy.parallelismLimit, its item input
 *   left out of its inputs (_update_task_spec_for_loop_group);
 * - Collected: the output surfaced by every group from the producer out to
 *   the consumer's level as pipelinechannel--<task>-<output>, a LIST
 *   (get_outputs_for_all_groups, _build_dag_outputs); the consumer reads it
 *   from the outermost surfacing group.
 */
import type { LoopBlock, PipelineTask, TaskArgument } from './pipeline-model';
import { ioTypeOf, type IoType } from './io-types';
import { k8sName, sanitizeInputName } from './kfp-names';
import { findByName } from './ir-io-definitions';
import { IR_TYPE_OF, rawLoopItems, staticFieldType, staticItemType } from './loop-items';
import type { Channel, GroupContext, IrGroup } from './ir-groups';
import { pipelineTaskNamed } from './pipeline-task-index';

/** What the group layout knows of a loop group. */
export interface IrLoop {
  block: LoopBlock;
  /** The item's channel (the loop argument). */
  item: Channel;
  /** The items' channel, for a loop over a parameter or a task output. */
  items?: Channel;
}

const LIST: IoType = { kind: 'parameter', parameterType: 'JsonArray', irType: 'LIST' };
const STRING: IoType = { kind: 'parameter', parameterType: 'String', irType: 'STRING' };

/**
 * The loop argument and items channels (for_loop.LoopParameterArgument). `argumentId` is the id kfp drew for a
 * static list; `enclosing` finds the IrLoop of an enclosing loop by its item name (a loop over an outer item).
 */
export function loopChannels(block: LoopBlock, argumentId: number | undefined, ctx: GroupContext, enclosing: (item: string) => IrLoop | undefined): IrLoop {
  const { items } = block;
  if (items.kind === 'static') {
    const name = `loop-item-param-${argumentId}`;
    const type = staticItemType(items.items);
    return {
      block,
      item: { inputName: `pipelinechannel--${name}`, fullName: name, io: { kind: 'parameter', parameterType: type, irType: IR_TYPE_OF[type] }, loop: { kind: 'argument', withItems: true, staticItems: items.items } },
    };
  }
  let itemsChannel: Channel | undefined;
  if (items.kind === 'parameter') {
    itemsChannel = { inputName: `pipelinechannel--${items.parameter}`, fullName: items.parameter, io: LIST };
  } else if (items.kind === 'loop-item') {
    // dsl.ParallelFor(outer) or dsl.ParallelFor(outer.field): from_pipeline_channel over the outer loop's argument or a subvariable of it
    const outer = enclosing(items.item);
    itemsChannel = outer && (items.field !== undefined ? subvarChannel(outer.item, items.field) : outer.item);
  } else {
    const upstream = pipelineTaskNamed(ctx.pipeline, items.task);
    const output = upstream && findByName(ctx.components.get(upstream.component)?.spec.outputs ?? [], items.output);
    const task = k8sName(items.task);
    const key = sanitizeInputName(output?.name ?? items.output);
    itemsChannel = { inputName: `pipelinechannel--${task}-${key}`, fullName: `${task}-${key}`, task, output: key, io: output ? ioTypeOf(output.type) : LIST };
  }
  if (!itemsChannel) itemsChannel = { inputName: 'pipelinechannel--unknown', fullName: 'unknown', io: LIST }; // reported by the checker
  // kfp types an item of a channel 'String' (the list's element type is unknown)
  const item: Channel = {
    inputName: `${itemsChannel.inputName}-loop-item`,
    fullName: `${itemsChannel.fullName}-loop-item`,
    ...(itemsChannel.task ? { task: itemsChannel.task, output: `${itemsChannel.output}-loop-item` } : {}),
    io: STRING,
    loop: { kind: 'argument', withItems: false, items: itemsChannel },
  };
  return { block, item, items: itemsChannel };
}

/**
 * A field of a loop item (for_loop.LoopArgumentVariable, item.<field>): named <argument>-subvar-<field>, typed as
 * kfp's _get_subvar_type reads the argument's type (for a static list of mappings the first mapping's first value,
 * else String), and read from the argument with parseJson(string_value)["<field>"].
 */
export function subvarChannel(argument: Channel, field: string): Channel {
  const staticItems = argument.loop?.kind === 'argument' ? argument.loop.staticItems : undefined;
  const type = (staticItems && staticFieldType(staticItems)) || 'String';
  return {
    inputName: `${argument.inputName}-subvar-${field}`,
    fullName: `${argument.fullName}-subvar-${field}`,
    ...(argument.task ? { task: argument.task, output: `${argument.output}-subvar-${field}` } : {}),
    io: type === 'String' ? STRING : { kind: 'parameter', parameterType: type, irType: IR_TYPE_OF[type] },
    loop: { kind: 'subvar', field, argument, withItems: argument.loop?.withItems === true },
  };
}

/** How a task input reads a loop item: the item's channel and, for a field, kfp's selector. */
export interface ItemRead {
  channel: Channel;
  selector?: string;
}

export interface LoopLayoutContext {
  groups: IrGroup[];
  /** [root, ..., itself] of every task and group. */
  ancestors: Map<string, string[]>;
  uncommon: (upstream: string, downstream: string) => [string[], string[]];
  inputs: Map<string, Map<string, Channel>>;
  ctx: GroupContext;
}

export interface LoopLayout {
  /** Item reads of each task, by argument name. */
  itemReads: Map<string, Map<string, ItemRead>>;
  /** Collected channels each task reads, by argument name (the outermost surfacing group's output). */
  collected: Map<string, Map<string, Channel>>;
  /** Outputs of each group: surfaced name -> where it comes from. */
  outputs: Map<string, Map<string, SurfacedOutput>>;
  /** The loop item channel of each task whose image is an enclosing loop's item ({item: x}, ir-image.ts). */
  imageItems: Map<string, Channel>;
}

/**
 * An output a group surfaces: a Collected list of one of its tasks' (or inner groups') outputs, or for dsl.OneOf
 * (ir-one-of.ts, `single`: the value itself, not a list) a branch task's output, or on the condition-branches group
 * the output of whichever branch ran (`oneOf`: the branch groups' surfaced outputs, in the order written).
 */
export interface SurfacedOutput {
  producer: string;
  key: string;
  io: IoType;
  single?: boolean;
  oneOf?: { producer: string; key: string }[];
}

/**
 * Adds the channels loop items and Collected outputs bring to the groups'
 * inputs, and returns the tasks' producers to depend on (a loop over a task
 * output depends on that task; a Collected consumer on the surfacing group).
 */
export function layoutLoops(task: PipelineTask, lc: LoopLayoutContext, layout: LoopLayout): string[] {
  const name = k8sName(task.name);
  const chain = lc.ancestors.get(name) ?? [];
  const loopOf = (group: string) => lc.groups.find((candidate) => candidate.name === group)?.loop;
  const upstreams: string[] = [];
  for (const [argName, argument] of Object.entries(task.arguments)) {
    if (argument.kind === 'loop-item') {
      const group = [...chain].reverse().find((candidate) => loopOf(candidate)?.block.as === argument.item);
      const loop = group ? loopOf(group) : undefined;
      if (!group || !loop) continue; // reported by the checker
      const reads = layout.itemReads.get(name) ?? new Map<string, ItemRead>();
      reads.set(argName, { channel: loop.item, ...(argument.field !== undefined ? { selector: fieldSelector(argument.field) } : {}) });
      layout.itemReads.set(name, reads);
      // kfp's channel is the item's subvariable for a field (item.lr), the item itself otherwise
      const channel = argument.field !== undefined ? subvarChannel(loop.item, argument.field) : loop.item;
      addGroupInputs(name, channel, lc);
      if (channel.task) upstreams.push(channel.task);
    } else if (argument.kind === 'collected') {
      const channel = surfaceCollected(name, argument, lc, layout);
      if (!channel) continue;
      const reads = layout.collected.get(name) ?? new Map<string, Channel>();
      reads.set(argName, channel);
      layout.collected.set(name, reads);
      for (const group of lc.uncommon(channel.task!, name)[1]) lc.inputs.get(group)?.set(channel.inputName, channel);
      upstreams.push(channel.task!);
    }
  }
  if (typeof task.image === 'object' && task.image.kind === 'loop-item') {
    // set_container_image(item): the item's channel, carried to the task as an argument's is
    const { item } = task.image;
    const group = [...chain].reverse().find((candidate) => loopOf(candidate)?.block.as === item);
    const loop = group ? loopOf(group) : undefined;
    if (loop) {
      layout.imageItems.set(name, loop.item);
      addGroupInputs(name, loop.item, lc);
      if (loop.item.task) upstreams.push(loop.item.task);
    }
  }
  return upstreams;
}

export const fieldSelector = (field: string) => `parseJson(string_value)["${field}"]`;

/**
 * A channel a task uses (an argument, or an operand of a condition around it)
 * into the inputs of the groups between its source and the task, as
 * compiler_utils.get_inputs_for_all_groups sends it: a loop channel travels as
 * the chain item-field -> item -> items (-> the outer item ...), the groups
 * nearest the source taking its outer end; a loop drops the end its argument's
 * name holds (kfp's substring test) and passes the next one on. A task output
 * goes from the first group below its producer down, a static list's item from
 * the task up, anything else from the root down.
 */
export function addGroupInputs(task: string, channel: Channel, lc: Pick<LoopLayoutContext, 'groups' | 'ancestors' | 'uncommon' | 'inputs'>): void {
  const pending: Channel[] = [];
  for (let link: Channel | undefined = channel; link; link = link.loop?.kind === 'subvar' ? link.loop.argument : link.loop?.items) pending.push(link);
  const loopArgumentOf = (group: string) => lc.groups.find((candidate) => candidate.name === group)?.loop?.item.fullName;
  const chain = lc.ancestors.get(task) ?? [];
  if (!channel.task && channel.loop?.withItems) {
    for (const group of [...chain].reverse()) {
      lc.inputs.get(group)?.set(pending[0].inputName, pending[0]);
      const argumentName = loopArgumentOf(group);
      if (argumentName !== undefined && argumentName.includes(pending[0].fullName)) {
        pending.shift();
        if (pending.length === 0) break;
      }
    }
    return;
  }
  const groups = channel.task ? lc.uncommon(channel.task, task)[1] : chain;
  for (const group of groups) {
    const end = pending[pending.length - 1];
    lc.inputs.get(group)?.set(end.inputName, end);
    const argumentName = loopArgumentOf(group);
    if (argumentName !== undefined && argumentName.includes(end.fullName)) {
      pending.pop();
      if (pending.length === 0) break;
    }
  }
}

/**
 * pipeline_spec_builder's loop group inputs: a channel of a static list is kept only where the loop's own
 * argument or an enclosing loop's holds its name ("skip withItems loop arguments from an inner loop").
 */
export function keepInLoopGroup(channel: Channel, group: string, lc: Pick<LoopLayoutContext, 'groups' | 'ancestors'>): boolean {
  if (channel.task || !channel.loop?.withItems) return true;
  return [...(lc.ancestors.get(group) ?? [])].reverse().some((name) => {
    const argument = lc.groups.find((candidate) => candidate.name === name)?.loop?.item.fullName;
    return argument !== undefined && argument.includes(channel.fullName);
  });
}

/** Surfaces a Collected output from the producer's groups out to the consumer's level; returns the channel the consumer reads. */
function surfaceCollected(consumer: string, argument: Extract<TaskArgument, { kind: 'collected' }>, lc: LoopLayoutContext, layout: LoopLayout): Channel | undefined {
  const producerTask = pipelineTaskNamed(lc.ctx.pipeline, argument.task);
  const output = producerTask && findByName(lc.ctx.components.get(producerTask.component)?.spec.outputs ?? [], argument.output);
  if (!producerTask || !output) return undefined;
  const producer = k8sName(producerTask.name);
  const [upstream] = lc.uncommon(producer, consumer);
  const surfacers = upstream.slice(0, -1);
  if (surfacers.length === 0) return undefined; // reported by the checker
  const key = sanitizeInputName(output.name);
  const surfaced = `pipelinechannel--${producer}-${key}`;
  const io = ioTypeOf(output.type);
  const collectedIo: IoType = io.kind === 'artifact' ? io : LIST;
  let from = producer;
  let fromKey = key;
  for (const group of [...surfacers].reverse()) {
    const outputs = layout.outputs.get(group) ?? new Map();
    outputs.set(surfaced, { producer: from, key: fromKey, io: collectedIo });
    layout.outputs.set(group, outputs);
    from = group;
    fromKey = surfaced;
  }
  return { inputName: `pipelinechannel--${from}-${surfaced}`, fullName: `${from}-${surfaced}`, task: from, output: surfaced, io: collectedIo };
}

/** The loop task's iterator (parameterIterator, iteratorPolicy), its item input left out of its inputs. */
export function loopTaskSpec(spec: Record<string, unknown>, loop: IrLoop): void {
  const inputs = spec.inputs as { parameters?: Record<string, unknown>; artifacts?: Record<string, unknown> } | undefined;
  if (inputs?.parameters) {
    delete inputs.parameters[loop.item.inputName];
    if (Object.keys(inputs.parameters).length === 0) delete inputs.parameters;
  }
  if (inputs && Object.keys(inputs).length === 0) delete spec.inputs;
  const { items } = loop.block;
  spec.parameterIterator = {
    itemInput: loop.item.inputName,
    items: items.kind === 'static' ? { raw: rawLoopItems(items.items) } : { inputParameter: loop.items!.inputName },
  };
  if (loop.block.parallelism !== undefined && loop.block.parallelism > 0) spec.iteratorPolicy = { parallelismLimit: loop.block.parallelism };
}

/** The group's outputs (Collected values it surfaces): dag.outputs and outputDefinitions. */
export function groupOutputs(group: string, layout: LoopLayout): { dagOutputs?: Record<string, unknown>; outputDefinitions?: Record<string, unknown> } {
  const outputs = layout.outputs.get(group);
  if (!outputs || outputs.size === 0) return {};
  const dagParameters: Record<string, unknown> = {};
  const dagArtifacts: Record<string, unknown> = {};
  const defParameters: Record<string, unknown> = {};
  const defArtifacts: Record<string, unknown> = {};
  for (const [name, { producer, key, io, single, oneOf }] of outputs) {
    const selectors = oneOf ?? [{ producer, key }];
    if (io.kind === 'artifact') {
      dagArtifacts[name] = { artifactSelectors: selectors.map((selector) => ({ outputArtifactKey: selector.key, producerSubtask: selector.producer })) };
      defArtifacts[name] = { artifactType: { schemaTitle: io.schemaTitle, schemaVersion: io.schemaVersion }, ...(single ? {} : { isArtifactList: true }) };
    } else {
      dagParameters[name] = oneOf
        ? { valueFromOneof: { parameterSelectors: oneOf.map((selector) => ({ outputParameterKey: selector.key, producerSubtask: selector.producer })) } }
        : { valueFromParameter: { outputParameterKey: key, producerSubtask: producer } };
      defParameters[name] = { parameterType: io.irType };
    }
  }
  const section = (artifacts: Record<string, unknown>, parameters: Record<string, unknown>) => ({
    ...(Object.keys(artifacts).length > 0 ? { artifacts } : {}),
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  });
  return { dagOutputs: section(dagArtifacts, dagParameters), outputDefinitions: section(defArtifacts, defParameters) };
}
