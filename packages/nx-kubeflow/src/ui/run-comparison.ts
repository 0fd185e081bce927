/**
 * Runs side by side: each run's parameters and the values of its Metrics
 * artifacts (by the IR's artifact type), one row per name, marked where the
 * runs differ. Runs of different pipelines compare too: a name one of them
 * lacks is a difference.
 */
import type { IrPipeline } from '../local-runner/ir-reader';
import type { RunRecordData } from '../local-runner/run-record';
import { irTaskOf } from './task-details';

export interface ComparedRun {
  pipelineName: string;
  runId: string;
  state: string;
  startedAt?: string;
  durationMs?: number;
  version?: string;
}

export interface ComparisonRow {
  /** A parameter's name, or <task> · <artifact> · <metric>. */
  name: string;
  kind: 'parameter' | 'metric';
  /** One per run, in the runs' order; absent where the run has none. */
  values: (unknown | undefined)[];
  differs: boolean;
}

export interface RunComparison {
  runs: ComparedRun[];
  rows: ComparisonRow[];
}

/** The run's Metrics values by <task> · <artifact> · <metric> (a loop iteration's task under its iteration name). */
export function runMetrics(record: RunRecordData, ir: IrPipeline | undefined): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  if (!ir) return metrics;
  for (const task of record.tasks) {
    const irTask = irTaskOf(ir, task.name);
    for (const [artifact, location] of Object.entries(task.outputs.artifacts)) {
      if (irTask?.outputArtifactTypes[artifact]?.schemaTitle !== 'system.Metrics') continue;
      for (const [metric, value] of Object.entries(location.metadata ?? {})) {
        if (metric !== 'display_name') metrics[`${task.name} · ${artifact} · ${metric}`] = value;
      }
    }
  }
  return metrics;
}

export function compareRuns(runs: { record: RunRecordData; ir?: IrPipeline }[]): RunComparison {
  const rows: ComparisonRow[] = [];
  const add = (kind: ComparisonRow['kind'], values: Record<string, unknown>[]) => {
    const names = [...new Set(values.flatMap((byName) => Object.keys(byName)))].sort();
    for (const name of names) {
      const column = values.map((byName) => (Object.hasOwn(byName, name) ? byName[name] : undefined));
      const texts = column.map((value) => (value === undefined ? '\u0000absent' : JSON.stringify(value)));
      rows.push({ name, kind, values: column, differs: new Set(texts).size > 1 });
    }
  };
  add('parameter', runs.map(({ record }) => record.parameters ?? {}));
  add('metric', runs.map(({ record, ir }) => runMetrics(record, ir)));
  return {
    runs: runs.map(({ record }) => ({
      pipelineName: record.pipelineName,
      runId: record.runId,
      state: record.state,
      startedAt: record.startedAt,
      ...(record.durationMs !== undefined ? { durationMs: record.durationMs } : {}),
      ...(record.version ? { version: record.version } : {}),
    })),
    rows,
  };
}
