/**
 * A task's executor input, what `{{$}}` stands for, made as kfp.local makes it
 * (kfp/local/executor_input_utils.py, then json_format.MessageToDict):
 *
 *   inputs.parameterValues   the input parameters after defaults
 *   inputs.artifacts         {artifacts: [{name, type, uri, metadata}]} per input artifact,
 *                            with the metadata its producer's executor output gave it
 *   outputs.parameters       {outputFile} per output parameter
 *   outputs.artifacts        {artifacts: [{name, type, uri, metadata: {}}]} per output artifact
 *   outputs.outputFile       where the component may write its executor output
 *
 * The executor output file lies in the task's outputs folder, so the cache
 * keeps it with the outputs it describes. URIs are local absolute paths, as
 * everywhere in a local run. Also the values of KFP's runtime placeholders,
 * which kfp.local resolves anywhere in an argument.
 */
import { join } from 'node:path';
import type { IrTask } from './ir-reader';
import type { ExecutorIo } from './placeholder-resolver';

/** kfp.local's name for it (executor_input_utils._EXECUTOR_OUTPUT_FILE). */
export const EXECUTOR_OUTPUT_FILE = 'executor_output.json';

export function executorOutputFile(outputsDir: string): string {
  return join(outputsDir, EXECUTOR_OUTPUT_FILE);
}

export interface RuntimeIdentity {
  pipelineName: string;
  runId: string;
  task: string;
}

/** `{{$.pipeline_job_name}}` locally: the pipeline's name and the run id, as kfp.local's `<pipeline>-<timestamp>`. */
export function pipelineJobName(identity: Pick<RuntimeIdentity, 'pipelineName' | 'runId'>): string {
  return `${identity.pipelineName}-${identity.runId}`;
}

/** The runtime placeholders kfp.local resolves (placeholder_utils.resolve_individual_placeholder) and their local values. */
export function runtimePlaceholders(identity: RuntimeIdentity, outputFile: string): Record<string, string> {
  return {
    '{{$.pipeline_job_name}}': pipelineJobName(identity),
    '{{$.pipeline_job_uuid}}': identity.runId,
    '{{$.pipeline_task_name}}': identity.task,
    '{{$.pipeline_task_uuid}}': `${identity.runId}.${identity.task}`,
    '{{$.outputs.output_file}}': outputFile,
    '{{$.outputMetadataUri}}': outputFile,
  };
}

type RuntimeArtifact = { name: string; type: Record<string, string>; uri: string; metadata: Record<string, unknown> };

export function buildExecutorInput(task: IrTask, io: ExecutorIo, outputFile: string): Record<string, unknown> {
  const runtimeArtifact = (name: string, type: object | undefined, uri: string, metadata: Record<string, unknown> = {}): { artifacts: RuntimeArtifact[] } => ({
    artifacts: [{ name, type: { ...(type ?? {}) } as Record<string, string>, uri, metadata }],
  });
  return {
    inputs: {
      parameterValues: { ...io.parameters },
      artifacts: Object.fromEntries(
        Object.entries(io.artifacts).map(([name, artifact]) => [
          name,
          // the producer's output name, as kfp.local carries the upstream artifact over
          runtimeArtifact(task.artifactInputs[name]?.output ?? name, task.inputArtifactTypes[name], artifact.uri, artifact.metadata),
        ]),
      ),
    },
    outputs: {
      parameters: Object.fromEntries(Object.entries(io.outputParameterFiles).map(([name, file]) => [name, { outputFile: file }])),
      artifacts: Object.fromEntries(Object.entries(io.outputArtifacts).map(([name, artifact]) => [name, runtimeArtifact(name, task.outputArtifactTypes[name], artifact.uri)])),
      outputFile,
    },
  };
}
