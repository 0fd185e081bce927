/** The local runner: executes compiled KFP IR on this machine (see run-pipeline.ts). */
export { runPipeline, RunSetupError, type RunEvent, type RunPipelineOptions, type RunResult } from './run-pipeline';
export type { ConditionRecord, ConditionState, RunRecordData, RunState, TaskOutputs, TaskRecord, TaskState } from './run-record';
export { RUN_RECORD_FILE } from './run-record';
/** Readers of runs: a RUNNING run whose runner is gone is marked CANCELLED as it is read. */
export { markAbandonedRuns, readRunRecord } from './run-owner';
export type { TaskMode, VenvSettings } from './task-environment';
export { readIr, readIrFile, IrReadError, type IrDocuments, type IrPipeline } from './ir-reader';
export { ParameterValueError } from './parameter-values';
export { BuildahLauncher, DockerLauncher, type ContainerLauncher, type ContainerLaunchRequest } from './container-launch';
