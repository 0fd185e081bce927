/**
 * dsl.OneOf ({one_of: [{task, output}, ...]}) as kfp 2.17 takes it, checked where it is written, every problem
 * at once: each entry an output of a task directly under one branch of the same if/elif/else (kfp takes the
 * block from the first entry's task: its parent's parent group), that block with an else (kfp: "dsl.OneOf must
 * include an output from a task in a dsl.Else group"), every branch given exactly once (kfp compiles a block
 * with a branch left out, and the run fails when that branch is the one that runs: "No value available"),
 * all parameters or all artifacts of one type (kfp: "Task outputs passed to dsl.OneOf must be the same type"),
 * read where the block's group is visible (kfp: "Illegal task dependency across DSL context managers") and,
 * as a pipeline output, from a block at the top level (kfp: "Pipeline outputs may only be returned from the
 * top level of the pipeline function scope").
 */
import type { ComponentSpec, ConditionBlock, OutputReference, PipelineDefinition, PipelineTask } from '../kfp/pipeline-model';
import { scopesOf, type Scope } from './check-loops';
import type { PipelineProblem } from './pipeline-problems';
import { describeIoType, incompatibility, ioTypeOf, type IoType } from './pipeline-types';
import type { YamlPath, YamlSource } from './yaml-source';

export interface CheckOneOfOptions {
  definition: PipelineDefinition;
  source: YamlSource;
  /** The interface of what a task runs (its component's, or a nested pipeline's). */
  specOf: (task: PipelineTask) => ComponentSpec | undefined;
}

const describeScope = (scope: Scope) =>
  scope.kind === 'loop' ? `loop "${scope.loop.name}"` : scope.kind === 'exit-handler' ? `exit handler "${scope.label}"` : `if/elif/else "${scope.label}"`;

export function checkOneOf(options: CheckOneOfOptions): PipelineProblem[] {
  const { definition, source } = options;
  const problems: PipelineProblem[] = [];
  const { tasks: scopes, blocks } = scopesOf(definition.body ?? definition.tasks.map((task) => ({ kind: 'task' as const, task: task.name })));
  const blockScopes = new Map(blocks.map(({ block, scopes: around }) => [block, around]));
  const byName = new Map(definition.tasks.map((task) => [task.name, task]));
  const at = (path: YamlPath, message: string, task?: string) => {
    const { line, column } = source.positionOf(path, 'value');
    // a task's field is named from the task down, as the other checks name it
    const own = task !== undefined ? path.slice((byName.get(task)?.yamlPath ?? ['tasks', task]).length) : path;
    const field = own.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : String(s)), '');
    problems.push({ file: definition.file, line, column, ...(task !== undefined ? { task } : {}), field, message });
  };

  /** Checks one one_of at `path`; returns its type and block when its entries hold together. */
  const checkEntries = (entries: readonly OutputReference[], path: YamlPath, consumer?: string): { io: IoType; block: ConditionBlock } | undefined => {
    let valid = true;
    const placed: { index: number; io: IoType; block: ConditionBlock; branch: number }[] = [];
    entries.forEach((entry, index) => {
      const entryPath = [...path, 'one_of', index];
      const task = byName.get(entry.task);
      if (!task) {
        at([...entryPath, 'task'], `unknown task "${entry.task}"; tasks in this pipeline: ${[...byName.keys()].join(', ')}.`, consumer);
        valid = false;
        return;
      }
      const spec = options.specOf(task);
      const output = spec?.outputs.find((candidate) => candidate.name === entry.output);
      if (spec && !output) {
        at([...entryPath, 'output'], `unknown output "${entry.output}" of task "${entry.task}"; its outputs: ${spec.outputs.map((o) => o.name).join(', ') || '(none)'}.`, consumer);
        valid = false;
      }
      const around = scopes.get(entry.task) ?? [];
      const innermost = around[around.length - 1];
      if (innermost?.kind !== 'branch' || !innermost.block) {
        at(
          [...entryPath, 'task'],
          `task "${entry.task}" is ${innermost ? `inside ${describeScope(innermost)}` : 'at the top level'}, not directly under a branch of an if/elif/else: one_of takes, per branch of one if/elif/else block, the output of a task directly under that branch (dsl.OneOf).`,
          consumer,
        );
        valid = false;
        return;
      }
      if (!output) return;
      placed.push({ index, io: ioTypeOf(output.type), block: innermost.block, branch: Number(innermost.id.slice(innermost.id.lastIndexOf('#') + 1)) });
    });
    if (!valid || placed.length === 0) return undefined;
    const [first] = placed;
    const block = first.block;
    for (const entry of placed.slice(1)) {
      if (entry.block !== block) {
        at([...path, 'one_of', entry.index, 'task'], `task "${entries[entry.index].task}" is under if/elif/else "${entry.block.name}", the first entry's under "${block.name}": every entry of one_of comes from a branch of the same block.`, consumer);
        valid = false;
      }
    }
    if (!valid) return undefined;
    if (block.branches[block.branches.length - 1].condition !== undefined) {
      at([...path, 'one_of'], `if/elif/else "${block.name}" has no else, so no branch may run and nothing is there to take (kfp: "dsl.OneOf must include an output from a task in a dsl.Else group to ensure at least one output is available at runtime"); add an else branch.`, consumer);
      valid = false;
    }
    const seen = new Map<number, number>();
    for (const entry of placed) {
      const earlier = seen.get(entry.branch);
      if (earlier !== undefined) {
        at([...path, 'one_of', entry.index, 'task'], `task "${entries[entry.index].task}" is under the same branch of "${block.name}" as entry ${earlier + 1} ("${entries[earlier].task}"): give one output per branch (both would have a value when that branch runs).`, consumer);
        valid = false;
      } else seen.set(entry.branch, entry.index);
    }
    const missing = block.branches.map((branch, index) => ({ branch, index })).filter(({ index }) => !seen.has(index));
    if (valid && missing.length > 0) {
      const names = missing.map(({ index }) => (index === 0 ? 'the if' : index === block.branches.length - 1 && block.branches[index].condition === undefined ? 'the else' : `elif ${index}`));
      at([...path, 'one_of'], `gives no output for ${names.join(', ')} of "${block.name}": when that branch runs there is no value to take (KFP fails the run); give one output per branch.`, consumer);
      valid = false;
    }
    for (const entry of placed.slice(1)) {
      if (entry.io.kind !== first.io.kind) {
        at([...path, 'one_of', entry.index, 'output'], 'mixes parameters and artifacts: kfp requires every output given to dsl.OneOf to be of one type ("Found a mix of parameters and artifacts").', consumer);
        valid = false;
      } else if (describeIoType(entry.io) !== describeIoType(first.io)) {
        at([...path, 'one_of', entry.index, 'output'], `output "${entries[entry.index].task}.${entries[entry.index].output}" is ${describeIoType(entry.io)}, the first entry's ${describeIoType(first.io)}: kfp requires every output given to dsl.OneOf to be of one type.`, consumer);
        valid = false;
      }
    }
    return valid ? { io: first.io, block } : undefined;
  };

  for (const task of definition.tasks) {
    const spec = options.specOf(task);
    for (const [input, argument] of Object.entries(task.arguments)) {
      if (argument.kind !== 'one-of') continue;
      const path = [...(task.yamlPath ?? ['tasks', task.name]), 'arguments', input];
      const checked = checkEntries(argument.of, path, task.name);
      if (!checked) continue;
      const around = blockScopes.get(checked.block) ?? [];
      const mine = scopes.get(task.name) ?? [];
      const outside = around.find((scope, index) => mine[index]?.id !== scope.id);
      if (mine.some((scope) => scope.kind === 'branch' && scope.block === checked.block)) {
        at([...path, 'one_of'], `task "${task.name}" is inside if/elif/else "${checked.block.name}" itself: one_of is read after the block, by a task outside it.`, task.name);
      } else if (outside && outside.kind !== 'exit-handler') {
        // (out of an exit handler: check-exit-handlers.ts reports it, as for any output)
        at([...path, 'one_of'], `if/elif/else "${checked.block.name}" is inside ${describeScope(outside)}, which task "${task.name}" is outside of (kfp: "Illegal task dependency across DSL context managers"); read it inside that scope.`, task.name);
      }
      const expected = spec?.inputs.find((candidate) => candidate.name === input);
      const problem = expected && incompatibility(checked.io, ioTypeOf(expected.type));
      if (problem) at(path, `one_of cannot feed input "${input}": ${problem}.`, task.name);
    }
  }
  for (const output of definition.outputs ?? []) {
    if (!('oneOf' in output)) continue;
    const path = ['outputs', output.name];
    const checked = checkEntries(output.oneOf, path);
    const around = checked ? (blockScopes.get(checked.block) ?? []) : [];
    if (checked && around.length > 0) {
      at([...path, 'one_of'], `if/elif/else "${checked.block.name}" is inside ${describeScope(around[0])}: a pipeline output must come from the top level (kfp: "Pipeline outputs may only be returned from the top level of the pipeline function scope").`);
    }
  }
  return problems;
}
