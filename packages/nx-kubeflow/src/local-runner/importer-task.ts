/**
 * Runs an importer task (dsl.importer) locally: its artifact is the file or
 * folder the URI names, taken where it is (KFP imports by reference, too):
 * a local path (relative ones from the workspace root) or a file:// URI.
 * Any other scheme (gs://, s3://, minio://, http://, ...) fails the task
 * naming it, since the local runner fetches nothing. The artifact's path and
 * uri are both the absolute local path (a file:// URI too), as for every
 * artifact of a local run; its metadata is the importer's, with the pipeline
 * parameters it names filled in. reimport means nothing locally: nothing is registered.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IrTask } from './ir-reader';
import { placeholderText } from './parameter-values';
import type { TaskRecord, TaskState } from './run-record';
import type { TaskOutcome } from './task-scheduler';

export interface ImporterRunContext {
  workspaceRoot: string;
  rootParameters: Record<string, unknown>;
  changed: (record: TaskRecord, event: { state: TaskState; message?: string }) => void;
}

export class ImportError extends Error {}

/** The local file a URI names, or an ImportError saying why it cannot be had here. */
export function localArtifactPath(uri: string, workspaceRoot: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1];
  // a Windows drive letter (C:\data) is a path, not a scheme
  if (scheme && !(scheme.length === 1 && /^[A-Za-z]:[\\/]/.test(uri))) {
    if (scheme.toLowerCase() !== 'file') {
      throw new ImportError(
        `cannot import ${uri}: the local runner takes local paths and file:// URIs only, and fetches nothing from ${scheme}://; give it a local copy (a path or file:///...) or run the pipeline on Kubeflow`,
      );
    }
    try {
      return fileURLToPath(uri);
    } catch (error) {
      throw new ImportError(`cannot import ${uri}: ${(error as Error).message}`);
    }
  }
  return isAbsolute(uri) ? uri : resolve(workspaceRoot, uri);
}

/** The value of one of the task's input parameters (uri, metadata, metadata-2, ...): a pipeline parameter or a constant. */
function inputValue(task: IrTask, input: string, ctx: ImporterRunContext): unknown {
  const source = task.parameterInputs[input];
  if (!source) throw new ImportError(`input "${input}" is not given`);
  if (source.kind === 'constant') return source.value;
  if (source.kind === 'root-parameter') {
    if (!Object.hasOwn(ctx.rootParameters, source.name)) throw new ImportError(`input "${input}" comes from pipeline parameter "${source.name}", which has no value`);
    return ctx.rootParameters[source.name];
  }
  throw new ImportError(`input "${input}" comes from task "${source.task}": kfp passes an importer pipeline parameters and constants only`);
}

const PLACEHOLDER = /\{\{\$\.inputs\.parameters\['([^']+)'\]\}\}/g;

/** Metadata with its placeholders filled: a whole-string placeholder takes the value as it is, one inside text its text. */
function resolveMetadata(value: unknown, task: IrTask, ctx: ImporterRunContext): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\$\.inputs\.parameters\['([^']+)'\]\}\}$/.exec(value);
    if (whole) return inputValue(task, whole[1], ctx);
    return value.replace(PLACEHOLDER, (_, input: string) => placeholderText(inputValue(task, input, ctx)));
  }
  if (Array.isArray(value)) return value.map((item) => resolveMetadata(item, task, ctx));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveMetadata(item, task, ctx)]));
  return value;
}

/**
 * A task that runs no process (an importer, a CreatePVC or DeletePVC task) starts now: it is
 * RUNNING, and the function returned ends it, with its times and, when it did not succeed, why.
 */
export function startTaskWithoutProcess(record: TaskRecord, changed: ImporterRunContext['changed']): (state: TaskState, outcome: TaskOutcome, message?: string) => TaskOutcome {
  const started = Date.now();
  record.startedAt = new Date(started).toISOString();
  changed(record, { state: 'RUNNING' });
  return (state, outcome, message) => {
    const ended = Date.now();
    record.finishedAt = new Date(ended).toISOString();
    record.durationMs = ended - started;
    if (message) record.error = message;
    changed(record, { state, ...(message ? { message } : {}) });
    return outcome;
  };
}

export function runImporter(task: IrTask, record: TaskRecord, ctx: ImporterRunContext): TaskOutcome {
  const finish = startTaskWithoutProcess(record, ctx.changed);
  try {
    const importer = task.importer!;
    const given = 'constant' in importer.artifactUri ? importer.artifactUri.constant : inputValue(task, importer.artifactUri.runtimeParameter, ctx);
    if (typeof given !== 'string' || given === '') throw new ImportError(`the artifact URI is ${JSON.stringify(given)}, not a path or URI`);
    const path = localArtifactPath(given, ctx.workspaceRoot);
    if (!existsSync(path)) throw new ImportError(`cannot import ${given}: there is no file or folder at ${path}`);
    const metadata = importer.metadata ? (resolveMetadata(importer.metadata, task, ctx) as Record<string, unknown>) : undefined;
    const [output] = task.outputArtifacts;
    record.outputs.artifacts[output] = { path, uri: path, ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}) };
    return finish('SUCCEEDED', 'succeeded');
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return finish('FAILED', 'failed', `importer "${task.name}": ${error.message}`);
  }
}
