/**
 * Runs kfp-kubernetes' CreatePVC and DeletePVC tasks locally, where a
 * PersistentVolumeClaim is the folder dist/kfp-local/volumes/<name>
 * (kubernetes-locally.ts mounts it). On KFP the driver handles these
 * executors (images argostub/createpvc, argostub/deletepvc) itself and
 * starts no container; here they run no process either.
 *
 * CreatePVC makes the folder and outputs its name: pvc_name as given, or
 * pvc_name_suffix after the run's job name (<pipeline>-<run id>, what
 * `{{$.pipeline_job_name}}` is locally), so each run has its own claim, as
 * on KFP, where the run's workflow name comes first. A claim that already
 * exists fails the task, as Kubernetes refuses to create it twice (remove
 * the folder, or delete it with delete_pvc). access_modes, size,
 * storage_class_name, volume_name and annotations mean nothing to a
 * folder: one note says so. DeletePVC removes the folder; a claim that is
 * not there fails the task, as on KFP. Neither is cached: the folder is the
 * outcome, not an output that a cache could restore.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IrTask } from './ir-reader';
import { pipelineJobName } from './executor-input';
import { startTaskWithoutProcess } from './importer-task';
import { LOCAL_VOLUMES_DIR } from './kubernetes-locally';
import type { TaskOutputs, TaskRecord, TaskState } from './run-record';
import type { TaskOutcome } from './task-scheduler';
import { pvcOperation } from '../kfp/kubernetes-pvc';

export interface PvcRunContext {
  workspaceRoot: string;
  pipelineName: string;
  runId: string;
  rootParameters: Record<string, unknown>;
  outputsOf: (task: string) => TaskOutputs | undefined;
  changed: (record: TaskRecord, event: { state: TaskState; message?: string }) => void;
  warn: (record: TaskRecord, message: string) => void;
}

class PvcError extends Error {}

const CLAIM_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether the task is a CreatePVC or DeletePVC task (its executor's image is the driver's stub). */
export function isPvcTask(task: IrTask): boolean {
  return !task.importer && pvcOperation(task.container.image) !== undefined;
}

function inputValue(task: IrTask, input: string, ctx: PvcRunContext): unknown {
  const source = task.parameterInputs[input];
  if (!source) return task.inputParameterDefinitions[input]?.defaultValue;
  if (source.kind === 'constant') return source.value;
  if (source.kind === 'root-parameter') return ctx.rootParameters[source.name];
  const outputs = ctx.outputsOf(source.task);
  if (!outputs || !Object.hasOwn(outputs.parameters, source.output)) throw new PvcError(`input "${input}" needs output "${source.output}" of task "${source.task}", which it did not produce`);
  return outputs.parameters[source.output];
}

function claimFolder(name: unknown, ctx: PvcRunContext): { name: string; folder: string } {
  if (typeof name !== 'string' || !CLAIM_NAME.test(name)) throw new PvcError(`${JSON.stringify(name)} is not a PersistentVolumeClaim name (a lower-case DNS-1123 subdomain)`);
  return { name, folder: join(ctx.workspaceRoot, LOCAL_VOLUMES_DIR, name) };
}

export function runPvcTask(task: IrTask, record: TaskRecord, ctx: PvcRunContext): TaskOutcome {
  const finish = startTaskWithoutProcess(record, ctx.changed);
  const operation = pvcOperation(task.container.image)!;
  try {
    if (operation === 'create') {
      const given = inputValue(task, 'pvc_name', ctx);
      const suffix = inputValue(task, 'pvc_name_suffix', ctx);
      if ((given === undefined) === (suffix === undefined)) throw new PvcError('give one of pvc_name and pvc_name_suffix, as the KFP driver needs');
      const jobName = pipelineJobName({ pipelineName: ctx.pipelineName, runId: ctx.runId })
        .toLowerCase()
        .replace(/[^-a-z0-9.]+/g, '-');
      const { name, folder } = claimFolder(given ?? `${jobName}${String(suffix)}`, ctx);
      if (existsSync(folder)) throw new PvcError(`claim ${name} already exists (${relative(ctx.workspaceRoot, folder)}); Kubernetes does not create a claim twice: remove the folder, or delete it with a delete_pvc task`);
      mkdirSync(folder, { recursive: true });
      record.outputs.parameters.name = name;
      ctx.warn(record, `PVC ${name} is the new folder ${relative(ctx.workspaceRoot, folder)} locally; its access modes, size, storage class, volume and annotations apply on Kubeflow only`);
      return finish('SUCCEEDED', 'succeeded');
    }
    const { name, folder } = claimFolder(inputValue(task, 'pvc_name', ctx), ctx);
    if (!existsSync(folder)) throw new PvcError(`claim ${name} does not exist (no folder ${relative(ctx.workspaceRoot, folder)})`);
    rmSync(folder, { recursive: true, force: true });
    ctx.warn(record, `PVC ${name} deleted: the folder ${relative(ctx.workspaceRoot, folder)} is removed`);
    return finish('SUCCEEDED', 'succeeded');
  } catch (error) {
    if (!(error instanceof PvcError)) throw error;
    return finish('FAILED', 'failed', `${operation === 'create' ? 'CreatePVC' : 'DeletePVC'} task "${task.name}": ${error.message}`);
  }
}
