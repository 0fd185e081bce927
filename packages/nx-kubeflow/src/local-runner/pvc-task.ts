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
 * the folder, or delete it with delete_pvc). pvc_name may come from a
 * parameter or an upstream output; empty, with no suffix, it is a random
 * UUID, as the driver makes it. access_modes, size, storage_class_name,
 * volume_name and annotations mean nothing to a folder: one note says so.
 * A data_source that is a claim (kind PersistentVolumeClaim, the core
 * group) is cloned as Kubernetes clones it: the new folder starts as a copy
 * of that claim's folder, so the tasks that mount it find the data they
 * would find on KFP; a claim with no folder fails the task (on KFP the new
 * claim would wait for it, Pending, for ever). Any other data source (a
 * VolumeSnapshot) cannot be restored locally: the folder starts empty, with
 * a note. DeletePVC removes the folder; a claim that is not there fails the
 * task, as on KFP. Neither is cached: the folder is the outcome, not an
 * output that a cache could restore.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
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

function nonEmpty(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** The claim a data_source clones (kind PersistentVolumeClaim in the core group) and its folder, which must be there; undefined for any other source. */
function cloneSource(source: unknown, ctx: PvcRunContext): { name: string; folder: string } | undefined {
  if (source === undefined || source === null || typeof source !== 'object') return undefined;
  const { apiGroup, kind, name } = source as Record<string, unknown>;
  if (kind !== 'PersistentVolumeClaim' || (apiGroup !== undefined && apiGroup !== '')) return undefined;
  const claim = claimFolder(name, ctx);
  if (!existsSync(claim.folder)) {
    throw new PvcError(
      `its data_source is claim ${claim.name}, which has no folder ${relative(ctx.workspaceRoot, claim.folder)}: on Kubeflow the new claim would wait for it (Pending); create that claim first (a create_pvc task before this one, or the folder)`,
    );
  }
  return claim;
}

export function runPvcTask(task: IrTask, record: TaskRecord, ctx: PvcRunContext): TaskOutcome {
  const finish = startTaskWithoutProcess(record, ctx.changed);
  const operation = pvcOperation(task.container.image)!;
  try {
    if (operation === 'create') {
      // the driver takes an empty name or suffix as not given (a parameter or an upstream output may be '')
      const given = nonEmpty(inputValue(task, 'pvc_name', ctx));
      const suffix = nonEmpty(inputValue(task, 'pvc_name_suffix', ctx));
      if (given !== undefined && suffix !== undefined) throw new PvcError(`pvc_name (${JSON.stringify(given)}) and pvc_name_suffix (${JSON.stringify(suffix)}) are both given: the KFP driver takes at most one`);
      const jobName = pipelineJobName({ pipelineName: ctx.pipelineName, runId: ctx.runId })
        .toLowerCase()
        .replace(/[^-a-z0-9.]+/g, '-');
      const { name, folder } = claimFolder(given ?? (suffix !== undefined ? `${jobName}${String(suffix)}` : randomUUID()), ctx);
      if (existsSync(folder)) throw new PvcError(`claim ${name} already exists (${relative(ctx.workspaceRoot, folder)}); Kubernetes does not create a claim twice: remove the folder, or delete it with a delete_pvc task`);
      const clone = cloneSource(inputValue(task, 'data_source', ctx), ctx);
      if (clone) cpSync(clone.folder, folder, { recursive: true });
      else mkdirSync(folder, { recursive: true });
      record.outputs.parameters.name = name;
      const source = inputValue(task, 'data_source', ctx) as Record<string, string> | undefined;
      const fromSource = clone
        ? `, a copy of claim ${clone.name}'s folder (its data_source, as Kubernetes clones a claim)`
        : source
          ? `, empty: its data_source, ${source.kind} ${source.name}${source.apiGroup ? ` (${source.apiGroup})` : ''}, is restored on Kubeflow only`
          : '';
      ctx.warn(record, `PVC ${name} is the new folder ${relative(ctx.workspaceRoot, folder)} locally${fromSource}; its access modes, size, storage class, volume and annotations apply on Kubeflow only`);
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
