/**
 * Runs side by side: each run's parameters and the values of its Metrics
 * artifacts (by the IR's artifact type), one row per name, marked where the
 * runs differ; and its ClassificationMetrics (a SlicedClassificationMetrics'
 * by slice): the accuracy its confusion matrix gives and the area under its
 * ROC points as rows, and the matrices themselves side by side. Runs of
 * different pipelines compare too: a name one of them lacks is a difference.
 */
import type { IrPipeline } from '../local-runner/ir-reader';
import type { RunRecordData } from '../local-runner/run-record';
import { classificationOf, slicesOf, type ClassificationPreview, type ConfusionMatrix } from './artifact-preview';
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
  kind: 'parameter' | 'metric' | 'classification';
  /** One per run, in the runs' order; absent where the run has none. */
  values: (unknown | undefined)[];
  differs: boolean;
}

/** One ClassificationMetrics artifact (or slice) of a run, as the comparison shows it. */
export interface ClassificationSummary {
  confusionMatrix?: ConfusionMatrix;
  /** The matrix's diagonal over its total. */
  accuracy?: number;
  /** Area under the ROC points, from (0, 0) to (1, 1) as the page draws the curve. */
  rocAuc?: number;
}

export interface ComparedClassification {
  /** <task> · <artifact>[ · <slice>] */
  name: string;
  /** One per run, in the runs' order; absent where the run has none. */
  values: (ClassificationSummary | undefined)[];
  differs: boolean;
}

export interface RunComparison {
  runs: ComparedRun[];
  rows: ComparisonRow[];
  classifications: ComparedClassification[];
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** A value one run lacks differs from any value. */
function differ(values: unknown[]): boolean {
  return new Set(values.map((value) => (value === undefined ? '\u0000absent' : JSON.stringify(value)))).size > 1;
}

export function summarizeClassification(preview: ClassificationPreview): ClassificationSummary {
  const summary: ClassificationSummary = {};
  const matrix = preview.confusionMatrix;
  if (matrix) {
    summary.confusionMatrix = matrix;
    const total = matrix.rows.flat().reduce((sum, count) => sum + count, 0);
    if (total > 0) summary.accuracy = round(matrix.rows.reduce((sum, row, i) => sum + (row[i] ?? 0), 0) / total);
  }
  const points = (preview.confidenceMetrics ?? [])
    .map((point) => [Number(point.falsePositiveRate), Number(point.recall)])
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (points.length > 0) {
    const curve = [[0, 0], ...points, [1, 1]];
    let area = 0;
    for (let i = 1; i < curve.length; i++) area += ((curve[i][0] - curve[i - 1][0]) * (curve[i][1] + curve[i - 1][1])) / 2;
    summary.rocAuc = round(area);
  }
  return summary;
}

/** Every output artifact of the run's tasks with its IR type, named <task> · <artifact> (a loop iteration's task under its iteration name). */
function typedArtifacts(record: RunRecordData, ir: IrPipeline | undefined): { name: string; type?: string; metadata: Record<string, unknown> }[] {
  if (!ir) return [];
  return record.tasks.flatMap((task) => {
    const irTask = irTaskOf(ir, task.name);
    return Object.entries(task.outputs.artifacts).map(([artifact, location]) => ({
      name: `${task.name} · ${artifact}`,
      type: irTask?.outputArtifactTypes[artifact]?.schemaTitle,
      metadata: location.metadata ?? {},
    }));
  });
}

/** The run's ClassificationMetrics by <task> · <artifact>, and a SlicedClassificationMetrics' by <task> · <artifact> · <slice>. */
export function runClassifications(record: RunRecordData, ir: IrPipeline | undefined): Record<string, ClassificationSummary> {
  const found: Record<string, ClassificationSummary> = {};
  for (const { name, type, metadata } of typedArtifacts(record, ir)) {
    if (type === 'system.ClassificationMetrics') found[name] = summarizeClassification(classificationOf(metadata));
    if (type === 'system.SlicedClassificationMetrics') for (const slice of slicesOf(metadata)) found[`${name} · ${slice.slice}`] = summarizeClassification(slice);
  }
  return found;
}

/** The run's Metrics values by <task> · <artifact> · <metric>. */
export function runMetrics(record: RunRecordData, ir: IrPipeline | undefined): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const { name, type, metadata } of typedArtifacts(record, ir)) {
    if (type !== 'system.Metrics') continue;
    for (const [metric, value] of Object.entries(metadata)) if (metric !== 'display_name') metrics[`${name} · ${metric}`] = value;
  }
  return metrics;
}

export function compareRuns(runs: { record: RunRecordData; ir?: IrPipeline }[]): RunComparison {
  const rows: ComparisonRow[] = [];
  const add = (kind: ComparisonRow['kind'], values: Record<string, unknown>[]) => {
    const names = [...new Set(values.flatMap((byName) => Object.keys(byName)))].sort();
    for (const name of names) {
      const column = values.map((byName) => (Object.hasOwn(byName, name) ? byName[name] : undefined));
      rows.push({ name, kind, values: column, differs: differ(column) });
    }
  };
  add('parameter', runs.map(({ record }) => record.parameters ?? {}));
  add('metric', runs.map(({ record, ir }) => runMetrics(record, ir)));
  const classified = runs.map(({ record, ir }) => runClassifications(record, ir));
  add(
    'classification',
    classified.map((byName) => {
      const figures: Record<string, unknown> = {};
      for (const [name, summary] of Object.entries(byName)) {
        if (summary.accuracy !== undefined) figures[`${name} · accuracy`] = summary.accuracy;
        if (summary.rocAuc !== undefined) figures[`${name} · ROC AUC`] = summary.rocAuc;
      }
      return figures;
    }),
  );
  const classifications = [...new Set(classified.flatMap((byName) => Object.keys(byName)))].sort().map((name): ComparedClassification => {
    const values = classified.map((byName) => (Object.hasOwn(byName, name) ? byName[name] : undefined));
    return { name, values, differs: differ(values) };
  });
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
    classifications,
  };
}
