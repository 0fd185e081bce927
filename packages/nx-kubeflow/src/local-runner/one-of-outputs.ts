/**
 * dsl.OneOf in a local run. kfp compiles it as an output of the if/elif/else's condition-branches-N group
 * (valueFromOneof over the branch groups' outputs for a parameter, several artifactSelectors for an artifact),
 * each branch group surfacing its task's output. Here the reader traces each such output to its candidates, the
 * branch tasks that make it; a task that reads it waits for those to end, however they end (a skipped branch is
 * no failure), and takes the output of the one that succeeded, as KFP's driver does. When none did (the branch
 * that ran failed), the reader is skipped, naming that task, as what waits for a failed task is on KFP.
 */
import type { ArtifactSource, IrConditionGroup, IrTask, ParameterSource } from './ir-reader';
import type { TaskOutputs, TaskRecord } from './run-record';

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});

/** One dsl.OneOf output of a condition-branches group: the branch tasks' outputs it is one of, in the order written. */
export interface OneOfOutput {
  kind: 'parameter' | 'artifact';
  candidates: { task: string; output: string }[];
}

export class OneOfReadError extends Error {}

/**
 * The dag.outputs of a condition-branches component, traced through each branch group's dag.outputs to the task
 * that makes the value. Inside a nested pipeline the reader's copy of the dags already names the branch groups and
 * their tasks <task>/<inner> (ir-nested-pipelines.ts qualifiedDag), as the run names them.
 */
export function readOneOfOutputs(component: Dict, components: Dict, where: string): Record<string, OneOfOutput> | undefined {
  const outputs = dict(dict(component.dag).outputs);
  const tasks = dict(dict(component.dag).tasks);
  const branchDag = (branch: string) => dict(dict(components[String(dict(dict(tasks[branch]).componentRef).name ?? '')]).dag);
  const result: Record<string, OneOfOutput> = {};
  for (const [name, spec] of Object.entries(dict(outputs.parameters))) {
    const selectors = dict(dict(spec).valueFromOneof).parameterSelectors;
    if (!Array.isArray(selectors) || selectors.length === 0) throw new OneOfReadError(`${where} output "${name}" is not a dsl.OneOf (valueFromOneof), the only output kfp gives a condition-branches group`);
    result[name] = {
      kind: 'parameter',
      candidates: selectors.map((selector) => {
        const { producerSubtask: branch, outputParameterKey: key } = dict(selector);
        const from = dict(dict(dict(dict(branchDag(String(branch)).outputs).parameters)[String(key)]).valueFromParameter);
        if (typeof from.producerSubtask !== 'string' || typeof from.outputParameterKey !== 'string') throw new OneOfReadError(`${where} output "${name}": branch ${JSON.stringify(branch)} does not surface ${JSON.stringify(key)} from one of its tasks`);
        return { task: from.producerSubtask, output: from.outputParameterKey };
      }),
    };
  }
  for (const [name, spec] of Object.entries(dict(outputs.artifacts))) {
    const selectors = dict(spec).artifactSelectors;
    if (!Array.isArray(selectors) || selectors.length === 0) throw new OneOfReadError(`${where} output artifact "${name}" names no artifactSelectors`);
    result[name] = {
      kind: 'artifact',
      candidates: selectors.map((selector) => {
        const { producerSubtask: branch, outputArtifactKey: key } = dict(selector);
        const inner = dict(dict(dict(branchDag(String(branch)).outputs).artifacts)[String(key)]).artifactSelectors;
        const from = Array.isArray(inner) && inner.length === 1 ? dict(inner[0]) : {};
        if (typeof from.producerSubtask !== 'string' || typeof from.outputArtifactKey !== 'string') throw new OneOfReadError(`${where} output artifact "${name}": branch ${JSON.stringify(branch)} does not surface ${JSON.stringify(key)} from one of its tasks`);
        return { task: from.producerSubtask, output: from.outputArtifactKey };
      }),
    };
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The branch tasks a task's inputs take dsl.OneOf outputs of: it waits for them to end. */
export function oneOfCandidatesRead(task: Pick<IrTask, 'parameterInputs' | 'artifactInputs'>, groups: ReadonlyMap<string, IrConditionGroup>): string[] {
  const sources: { task: string; output: string }[] = [
    ...Object.values(task.parameterInputs).flatMap((source: ParameterSource) => (source.kind === 'task-output' ? [source] : [])),
    ...Object.values(task.artifactInputs).map((source: ArtifactSource) => source),
  ];
  return [...new Set(sources.flatMap((source) => groups.get(source.task)?.oneOfOutputs?.[source.output]?.candidates.map((candidate) => candidate.task) ?? []))];
}

/** A condition-branches group's dsl.OneOf outputs as a task's: each the output of the candidate that succeeded. */
export function oneOfGroupOutputs(group: IrConditionGroup, recordOf: (task: string) => TaskRecord | undefined): TaskOutputs {
  const outputs: TaskOutputs = { parameters: {}, artifacts: {} };
  for (const [name, oneOf] of Object.entries(group.oneOfOutputs ?? {})) {
    for (const candidate of oneOf.candidates) {
      const record = recordOf(candidate.task);
      if (!record || (record.state !== 'SUCCEEDED' && record.state !== 'CACHED')) continue;
      const section = oneOf.kind === 'parameter' ? record.outputs.parameters : record.outputs.artifacts;
      if (!Object.hasOwn(section, candidate.output)) continue;
      if (oneOf.kind === 'parameter') outputs.parameters[name] = section[candidate.output];
      else outputs.artifacts[name] = section[candidate.output] as TaskOutputs['artifacts'][string];
      break;
    }
  }
  return outputs;
}

/** Why a task cannot run for want of a dsl.OneOf value (no branch task succeeded), or undefined. */
export function oneOfGap(task: Pick<IrTask, 'parameterInputs' | 'artifactInputs'>, groupOf: (name: string) => IrConditionGroup | undefined, recordOf: (task: string) => TaskRecord | undefined): string | undefined {
  const sources = [
    ...Object.values(task.parameterInputs).flatMap((source) => (source.kind === 'task-output' ? [{ ...source, kind: 'parameter' as const }] : [])),
    ...Object.values(task.artifactInputs).map((source) => ({ ...source, kind: 'artifact' as const })),
  ];
  for (const source of sources) {
    const group = groupOf(source.task);
    const oneOf = group?.oneOfOutputs?.[source.output];
    if (!group || !oneOf) continue;
    const outputs = oneOfGroupOutputs(group, recordOf);
    if (Object.hasOwn(source.kind === 'parameter' ? outputs.parameters : outputs.artifacts, source.output)) continue;
    const failed = oneOf.candidates.map((candidate) => recordOf(candidate.task)).find((record) => record && record.state !== 'SKIPPED' && record.state !== 'SUCCEEDED' && record.state !== 'CACHED');
    return failed
      ? `upstream task "${failed.name}" did not succeed (the branch of "${group.name}" that ran; its output is this task's dsl.OneOf input)`
      : `no branch of "${group.name}" produced "${source.output}" (dsl.OneOf): none of ${oneOf.candidates.map((candidate) => `"${candidate.task}"`).join(', ')} succeeded`;
  }
  return undefined;
}
