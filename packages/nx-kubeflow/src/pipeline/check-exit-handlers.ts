/**
 * What kfp refuses about exit handlers, ignore_upstream_failure and
 * PipelineTaskFinalStatus inputs, checked against the components:
 *  - an exit task depends on nothing (kfp: "exit_task cannot depend on any other tasks"),
 *    and nothing depends on it (kfp fails: "<exit task> does not exist");
 *  - a task inside an exit handler is used only inside it (kfp: "Illegal task dependency
 *    across DSL context managers"), and is no pipeline output ("Pipeline outputs may only
 *    be returned from the top level");
 *  - a PipelineTaskFinalStatus input is KFP's to fill: no argument, and only on an exit
 *    task or an ignore_upstream_failure task, which then has exactly one upstream task
 *    in its own DAG;
 *  - ignore_upstream_failure: an input fed by an upstream output has a default
 *    (kfp's ValueError), and every input is given (kfp 2.17.3 raises KeyError otherwise).
 */
import { isTaskFinalStatusType } from '../kfp/io-types';
import { argumentPath } from '../kfp/kubernetes-pvc';
import { taskPipelineOutputs, type ConditionBlock, type PipelineNode, type PipelineTask } from '../kfp/pipeline-model';
import { hasName } from '../kfp/named-records';
import type { CheckPipelineOptions } from './check-pipeline';
import type { PipelineProblem } from './pipeline-problems';
import type { YamlPath } from './yaml-source';

interface Placement {
  /** The DAG a task is compiled into: the branches and exit handler around it, outermost first. */
  scope: string[];
  /** The exit handler whose tasks it is among. */
  handler?: string;
}

interface PlacedCondition {
  block: ConditionBlock;
  handler?: string;
}

function placements(body: PipelineNode[]): { places: Map<string, Placement>; exitTasks: Map<string, string>; conditions: PlacedCondition[] } {
  const places = new Map<string, Placement>();
  const exitTasks = new Map<string, string>();
  const conditions: PlacedCondition[] = [];
  const walk = (nodes: PipelineNode[], scope: string[], handler: string | undefined) => {
    for (const node of nodes) {
      if (node.kind === 'task') places.set(node.task, { scope, ...(handler ? { handler } : {}) });
      else if (node.kind === 'condition') {
        conditions.push({ block: node.block, ...(handler ? { handler } : {}) });
        node.block.branches.forEach((branch, index) => walk(branch.body, [...scope, `${node.block.name}#${index}`], handler));
      }
      // a loop's body is a DAG of its own (for-loop-N), as a branch's is
      else if (node.kind === 'loop') walk(node.loop.body, [...scope, `${node.loop.name}#loop`], handler);
      else {
        exitTasks.set(node.block.exitTask, node.block.name);
        places.set(node.block.exitTask, { scope });
        walk(node.block.body, [...scope, `${node.block.name}#exit`], node.block.name);
      }
    }
  };
  walk(body, [], undefined);
  return { places, exitTasks, conditions };
}

export function checkExitHandlers(options: CheckPipelineOptions): PipelineProblem[] {
  const { definition, source } = options;
  const problems: PipelineProblem[] = [];
  const { places, exitTasks, conditions } = placements(definition.body ?? definition.tasks.map((task) => ({ kind: 'task' as const, task: task.name })));
  const tasks = new Map(definition.tasks.map((task) => [task.name, task]));
  const report = (task: PipelineTask, path: YamlPath, message: string, field?: string, of: 'key' | 'value' = 'value') => {
    const { line, column } = source.positionOf([...(task.yamlPath ?? ['tasks', task.name]), ...path], of);
    const text = field ?? path.reduce<string>((all, s) => (typeof s === 'number' ? `${all}[${s}]` : all ? `${all}.${s}` : s), '');
    problems.push({ file: definition.file, line, column, task: task.name, ...(text ? { field: text } : {}), message });
  };

  for (const task of definition.tasks) {
    const uses: { upstream: string; path: YamlPath; field: string }[] = [];
    for (const [input, argument] of Object.entries(task.arguments)) {
      if (argument.kind === 'task-output') uses.push({ upstream: argument.task, path: [...argumentPath(task, input), 'task'], field: argumentPath(task, input).join('.') });
      if (argument.kind === 'one-of') argument.of.forEach((entry, index) => uses.push({ upstream: entry.task, path: ['arguments', input, 'one_of', index, 'task'], field: `arguments.${input}` }));
    }
    // a run-time image from an output is a dependency as an argument is (set_container_image registers its channel)
    if (typeof task.image === 'object' && task.image.kind === 'task-output') uses.push({ upstream: task.image.task, path: ['image', 'task'], field: 'image.task' });
    task.after.forEach((upstream, index) => uses.push({ upstream, path: ['after', index], field: `after[${index}]` }));
    const ownHandler = exitTasks.get(task.name);
    for (const use of uses) {
      if (!tasks.has(use.upstream)) continue; // reported by the checker
      if (ownHandler !== undefined) {
        report(task, use.path, `is the exit task of exit handler "${ownHandler}", which cannot depend on another task (kfp: "exit_task cannot depend on any other tasks"): it runs once the handler's tasks have ended anyway; give it pipeline parameters or constants.`, use.field);
        continue;
      }
      const upstreamHandler = exitTasks.get(use.upstream);
      if (upstreamHandler !== undefined) {
        report(task, use.path, `task "${use.upstream}" is the exit task of exit handler "${upstreamHandler}": no task can depend on it (kfp cannot compile that).`, use.field);
        continue;
      }
      const inner = places.get(use.upstream)?.handler;
      if (inner !== undefined && places.get(task.name)?.handler !== inner) {
        report(task, use.path, `task "${use.upstream}" is inside exit handler "${inner}" and this task is not: only tasks of that handler can use it (kfp refuses a dependency out of a dsl.ExitHandler).`, use.field);
      }
    }
    checkFinalStatus(task, ownHandler !== undefined, uses.map((use) => use.upstream));
  }
  // a condition compares outputs of tasks in its own exit handler (or outside every handler) only, and never an exit task's
  for (const { block, handler } of conditions) {
    for (const branch of block.branches) {
      for (const side of ['left', 'right'] as const) {
        const operand = branch.condition?.[side];
        if (operand?.kind !== 'task-output' || !tasks.has(operand.task)) continue;
        const exitOf = exitTasks.get(operand.task);
        const inner = places.get(operand.task)?.handler;
        const message =
          exitOf !== undefined
            ? `task "${operand.task}" is the exit task of exit handler "${exitOf}": no condition can depend on it (kfp cannot compile that).`
            : inner !== undefined && inner !== handler
              ? `task "${operand.task}" is inside exit handler "${inner}" and this condition is not: only conditions in that handler can compare its outputs (kfp refuses a dependency out of a dsl.ExitHandler).`
              : undefined;
        if (!message) continue;
        const path = [...(branch.yamlPath ?? []), 'if', side, 'task'];
        const { line, column } = source.positionOf(path, 'value');
        problems.push({ file: definition.file, line, column, field: path.slice(0, -1).join('.'), message });
      }
    }
  }
  for (const output of taskPipelineOutputs(definition.outputs)) {
    const handler = places.get(output.task)?.handler;
    if (!tasks.has(output.task) || handler === undefined) continue;
    const { line, column } = source.positionOf(['outputs', output.name, 'task'], 'value');
    problems.push({
      file: definition.file,
      line,
      column,
      field: `outputs.${output.name}.task`,
      message: `task "${output.task}" is inside exit handler "${handler}": a pipeline output must come from a task at the top level (kfp: "Pipeline outputs may only be returned from the top level of the pipeline function scope").`,
    });
  }
  return problems;

  function checkFinalStatus(task: PipelineTask, isExitTask: boolean, upstreams: string[]): void {
    const spec = options.components.get(task.component);
    if (!spec) return; // an unknown component is reported on its own
    const finalStatus = spec.inputs.filter((input) => isTaskFinalStatusType(input.type));
    for (const input of finalStatus) {
      if (hasName(task.arguments, input.name)) {
        report(task, ['arguments', input.name], `input "${input.name}" is a PipelineTaskFinalStatus: KFP fills it with the final status of the tasks this task waited for; remove the argument.`, undefined, 'key');
      }
    }
    if (finalStatus.length > 0 && !isExitTask && !task.ignore_upstream_failure) {
      report(
        task,
        ['component'],
        `component "${task.component}" takes a PipelineTaskFinalStatus (input "${finalStatus[0].name}"), which KFP gives only to an exit task (exit_task of an exit handler) or a task with ignore_upstream_failure: true (kfp refuses it elsewhere).`,
      );
    }
    if (!task.ignore_upstream_failure || isExitTask) return;
    const distinct = [...new Set(upstreams.filter((upstream) => tasks.has(upstream)))];
    if (finalStatus.length > 0) {
      const sameDag = distinct.length === 1 && (places.get(distinct[0])?.scope ?? []).join('/') === (places.get(task.name)?.scope ?? []).join('/');
      if (!sameDag) {
        report(
          task,
          ['ignore_upstream_failure'],
          distinct.length === 1
            ? `with a PipelineTaskFinalStatus input, the one upstream task ("${distinct[0]}") must be in the same condition branch or exit handler as this task (kfp: "must have exactly one dependent upstream task within the same control flow scope").`
            : `with a PipelineTaskFinalStatus input, this task needs exactly one upstream task (through after or an argument) whose final status it gets; it has ${distinct.length === 0 ? 'none' : distinct.join(', ')}.`,
        );
      }
    }
    for (const input of spec.inputs) {
      if (isTaskFinalStatusType(input.type)) continue;
      const argument = Object.entries(task.arguments).find(([name]) => name === input.name)?.[1];
      if (!argument) {
        // kfp 2.17.3's PipelineTask.ignore_upstream_failure reads every input's argument (self._inputs[name])
        report(task, ['ignore_upstream_failure'], `kfp cannot compile ignore_upstream_failure on a task that leaves an input out (KeyError in kfp 2.17.3): give input "${input.name}" an argument${input.default !== undefined ? ` (its default is ${JSON.stringify(input.default)})` : ''}.`);
      } else if (argument.kind === 'task-output' && input.default === undefined && !input.optional) {
        report(
          task,
          ['arguments', input.name],
          `input "${input.name}" has no default, and with ignore_upstream_failure its upstream task may fail without producing it: give the input a default in component.yaml or wire another value (kfp refuses this).`,
        );
      }
    }
  }
}
