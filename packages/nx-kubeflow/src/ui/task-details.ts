/**
 * One task as the page's task view shows it: its record from run.json, where
 * each input came from and the value it had, its outputs (artifacts with a
 * preview by type), the command its executor runs and the environment as the
 * IR has them (the page prefers the record's: the command line as it ran and
 * the settings environment, which the runner records masked, where the task
 * started). The caller masks secrets in all of it (served-secrets.ts).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { IrPipeline, IrTask } from '../local-runner/ir-reader';
import type { RunRecordData, TaskRecord } from '../local-runner/run-record';
import { artifactView, type ArtifactView } from './artifact-preview';

export interface TaskInput {
  name: string;
  kind: 'parameter' | 'artifact';
  /** "pipeline parameter rows", "constant", "task data-loader, output dataset", "default", "loop item" */
  source: string;
  value?: unknown;
  /** For an upstream output: the producing task's record name (for a link). */
  task?: string;
  /** An artifact input's run-folder-relative path. */
  path?: string;
}

export interface TaskDetails {
  record: TaskRecord;
  componentName: string;
  inputs: TaskInput[];
  outputParameters: Record<string, unknown>;
  artifacts: ArtifactView[];
  image?: string;
  command: string[];
  env: { name: string; value: string }[];
  /** Run-folder-relative logs: the last attempt's, then earlier ones. */
  logs: { attempt: number | 'last'; path: string }[];
  cacheEnabled: boolean;
}

/** The IR task a record is of: itself, or for a loop iteration (<loop>-iteration-<i>/<task>) the task after the last slash. */
export function irTaskOf(ir: IrPipeline, recordName: string): IrTask | undefined {
  return ir.tasks.find((task) => task.name === recordName) ?? ir.tasks.find((task) => task.name === basename(recordName));
}

export async function taskDetails(ir: IrPipeline, record: RunRecordData, runDir: string, recordName: string): Promise<TaskDetails | undefined> {
  const taskRecord = record.tasks.find((task) => task.name === recordName);
  const irTask = irTaskOf(ir, recordName);
  if (!taskRecord || !irTask) return undefined;
  // inside a loop iteration an upstream of the same iteration is <prefix>/<upstream>
  const prefix = recordName.includes('/') ? dirname(recordName) + '/' : '';
  const upstream = (name: string): TaskRecord | undefined =>
    record.tasks.find((task) => task.name === prefix + name) ?? record.tasks.find((task) => task.name === name);
  const relativeToRun = (path: string) => (path.startsWith(runDir) ? relative(runDir, path) : path);

  const inputs: TaskInput[] = [];
  for (const [name, source] of Object.entries(irTask.parameterInputs)) {
    if (source.kind === 'root-parameter') inputs.push({ name, kind: 'parameter', source: `pipeline parameter ${source.name}`, value: record.parameters[source.name] });
    else if (source.kind === 'constant') inputs.push({ name, kind: 'parameter', source: 'constant', value: source.value });
    else {
      const producer = upstream(source.task);
      inputs.push({
        name,
        kind: 'parameter',
        source: `task ${source.task}, output ${source.output}`,
        ...(producer ? { task: producer.name } : {}),
        ...(producer && Object.hasOwn(producer.outputs.parameters, source.output) ? { value: producer.outputs.parameters[source.output] } : {}),
      });
    }
  }
  for (const name of Object.keys(irTask.loopItemInputs ?? {})) {
    if (!inputs.some((input) => input.name === name)) inputs.push({ name, kind: 'parameter', source: 'loop item' });
  }
  for (const [name, definition] of Object.entries(irTask.inputParameterDefinitions)) {
    if (!inputs.some((input) => input.name === name) && definition.defaultValue !== undefined) inputs.push({ name, kind: 'parameter', source: 'default', value: definition.defaultValue });
  }
  for (const [name, source] of Object.entries(irTask.artifactInputs)) {
    const producer = upstream(source.task);
    const artifact = producer?.outputs.artifacts[source.output];
    inputs.push({
      name,
      kind: 'artifact',
      source: `task ${source.task}, output ${source.output}`,
      ...(producer ? { task: producer.name } : {}),
      ...(artifact ? { path: relativeToRun(artifact.path) } : {}),
    });
  }

  const artifacts = await Promise.all(
    Object.entries(taskRecord.outputs.artifacts).map(([name, location]) => artifactView(runDir, name, irTask.outputArtifactTypes[name]?.schemaTitle, location)),
  );
  const logs: TaskDetails['logs'] = [{ attempt: 'last', path: relativeToRun(taskRecord.logFile) }];
  for (let attempt = 1; attempt < taskRecord.attempts; attempt++) {
    const file = join(dirname(taskRecord.logFile), `log.attempt-${attempt}.txt`);
    if (existsSync(file)) logs.push({ attempt, path: relativeToRun(file) });
  }
  return {
    record: taskRecord,
    componentName: irTask.componentName,
    inputs,
    outputParameters: taskRecord.outputs.parameters,
    artifacts,
    ...(irTask.container.image ? { image: irTask.container.image } : {}),
    command: [...irTask.container.command, ...irTask.container.args],
    env: irTask.container.env,
    logs,
    cacheEnabled: irTask.cacheEnabled,
  };
}
