/**
 * dsl.OneOf as kfp 2.17 compiles it (pipeline_channel.OneOfMixin, compiler_utils.get_outputs_for_all_groups,
 * pipeline_spec_builder.build_oneof_dag_outputs): each branch group (condition-N) surfaces its task's output
 * as pipelinechannel--<task>-<output>; the if/elif/else's condition-branches-N group surfaces
 * pipelinechannel--condition-branches-N-oneof-<k> with valueFromOneof (parameters) or several
 * artifactSelectors (artifacts), one per entry in the order written; a consumer reads that output of the
 * condition-branches group as it reads any task output, and a pipeline output names it. <k> counts the
 * OneOfs of one condition-branches group in the order they are made: here the order of first use, tasks in
 * file order (their arguments in order), then pipeline outputs; the same entries in the same order are one
 * OneOf (the reference DSL makes each distinct OneOf once, compile_reference.py).
 */
import { k8sName, sanitizeInputName } from './kfp-names';
import { ioTypeOf } from './io-types';
import { findByName } from './ir-io-definitions';
import type { Channel, GroupContext } from './ir-groups';
import type { LoopLayout, SurfacedOutput } from './ir-loops';
import type { OutputReference } from './pipeline-model';
import { pipelineTaskNamed } from './pipeline-task-index';

const CONDITION_BRANCHES = /^condition-branches-\d+$/;

export class OneOfNumbering {
  private readonly ids = new Map<string, Map<string, Channel>>();

  constructor(
    private readonly ctx: GroupContext,
    private readonly parentOf: ReadonlyMap<string, string>,
    private readonly outputs: LoopLayout['outputs'],
  ) {}

  /** The channel of the OneOf of these entries (made, with the outputs that surface it, on first use); undefined where the checker reports the entries. */
  channel(entries: readonly OutputReference[]): Channel | undefined {
    const resolved = entries.map((entry) => {
      const task = pipelineTaskNamed(this.ctx.pipeline, entry.task);
      const output = task && findByName(this.ctx.components.get(task.component)?.spec.outputs ?? [], entry.output);
      if (!task || !output) return undefined;
      const producer = k8sName(task.name);
      const branch = this.parentOf.get(producer);
      return branch === undefined ? undefined : { producer, key: sanitizeInputName(output.name), io: ioTypeOf(output.type), branch };
    });
    if (resolved.some((entry) => entry === undefined)) return undefined;
    const entriesOk = resolved as NonNullable<(typeof resolved)[number]>[];
    // kfp takes the condition-branches group of the first entry's task (its parent's parent)
    const wrapper = this.parentOf.get(entriesOk[0].branch);
    if (wrapper === undefined || !CONDITION_BRANCHES.test(wrapper)) return undefined;
    const known = this.ids.get(wrapper) ?? new Map<string, Channel>();
    this.ids.set(wrapper, known);
    const key = JSON.stringify(entriesOk.map(({ producer, key }) => [producer, key]));
    const made = known.get(key);
    if (made) return made;
    const surfaced = `pipelinechannel--${wrapper}-oneof-${known.size + 1}`;
    const io = entriesOk[0].io;
    const selectors: { producer: string; key: string }[] = [];
    for (const entry of entriesOk) {
      const branchOutput = `pipelinechannel--${entry.producer}-${entry.key}`;
      this.surface(entry.branch, branchOutput, { producer: entry.producer, key: entry.key, io, single: true });
      selectors.push({ producer: entry.branch, key: branchOutput });
    }
    this.surface(wrapper, surfaced, { producer: '', key: '', io, single: true, oneOf: selectors });
    const channel: Channel = { inputName: `pipelinechannel--${wrapper}-${surfaced}`, fullName: `${wrapper}-${surfaced}`, task: wrapper, output: surfaced, io };
    known.set(key, channel);
    return channel;
  }

  private surface(group: string, name: string, output: SurfacedOutput): void {
    const outputs = this.outputs.get(group) ?? new Map();
    outputs.set(name, output);
    this.outputs.set(group, outputs);
  }
}
