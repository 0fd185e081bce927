/**
 * Tasks that run once their upstream tasks have ended, whatever the outcome:
 * an exit handler's exit task (kfp's build_task_spec_for_exit_task) and a
 * task with ignore_upstream_failure (modify_task_for_ignore_upstream_failure).
 * Both get triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED, and each
 * PipelineTaskFinalStatus input of their component is fed the final status
 * of the task they waited for: the exit handler group, or the one upstream task.
 */
import type { PipelineTask, ResolvedComponent } from './pipeline-model';
import { isTaskFinalStatusType } from './io-types';
import { sanitizeInputName } from './kfp-names';
import type { ReportProblem } from './ir-compile-error';

export function applyCompletionTrigger(spec: Record<string, unknown>, task: PipelineTask, component: ResolvedComponent, exitGroup: string | undefined, report: ReportProblem): void {
  const finalStatusInputs = component.spec.inputs.filter((input) => isTaskFinalStatusType(input.type));
  if (exitGroup === undefined && !task.ignore_upstream_failure) {
    for (const input of finalStatusInputs) {
      report('component', `input ${JSON.stringify(input.name)} is a PipelineTaskFinalStatus, which only an exit task or an ignore_upstream_failure task is given`);
    }
    return;
  }
  spec.triggerPolicy = { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' };
  if (finalStatusInputs.length === 0) return;
  const dependentTasks = Array.isArray(spec.dependentTasks) ? (spec.dependentTasks as string[]) : [];
  if (exitGroup === undefined && dependentTasks.length !== 1) {
    report(
      'ignore_upstream_failure',
      `a task with a PipelineTaskFinalStatus input and ignore_upstream_failure needs exactly one upstream task in its own DAG, whose final status it gets (it has ${dependentTasks.length === 0 ? 'none' : dependentTasks.join(', ')})`,
    );
    return;
  }
  const producerTask = exitGroup ?? dependentTasks[0];
  const inputs = (spec.inputs ?? {}) as Record<string, Record<string, unknown>>;
  const parameters = inputs.parameters ?? {};
  for (const input of finalStatusInputs) parameters[sanitizeInputName(input.name)] = { taskFinalStatus: { producerTask } };
  spec.inputs = { ...inputs, parameters };
}
