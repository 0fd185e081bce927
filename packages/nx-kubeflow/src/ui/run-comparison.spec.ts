/**
 * The comparison's ClassificationMetrics part over run records shaped as the
 * runner writes them: accuracy from the confusion matrix, the area under the
 * ROC points, a SlicedClassificationMetrics' slices, the matrices side by side,
 * and what one run lacks marked as a difference.
 */
import type { IrPipeline } from '../local-runner/ir-reader';
import type { RunRecordData, TaskRecord } from '../local-runner/run-record';
import { compareRuns, summarizeClassification } from './run-comparison';

const IR = {
  tasks: [
    { name: 'evaluate', outputArtifactTypes: { classification: { schemaTitle: 'system.ClassificationMetrics' }, sliced: { schemaTitle: 'system.SlicedClassificationMetrics' }, metrics: { schemaTitle: 'system.Metrics' } } },
  ],
} as unknown as IrPipeline;

const matrix = (rows: number[][]) => ({ annotationSpecs: [{ displayName: 'cat' }, { displayName: 'dog' }], rows: rows.map((row) => ({ row })) });
const ROC = [
  { confidenceThreshold: 0.9, recall: 0.3, falsePositiveRate: 0.05 },
  { confidenceThreshold: 0.1, recall: 0.95, falsePositiveRate: 0.6 },
  { confidenceThreshold: 0.5, recall: 0.7, falsePositiveRate: 0.2 },
];

function run(runId: string, artifacts: Record<string, Record<string, unknown>>): { record: RunRecordData; ir: IrPipeline } {
  const task = {
    name: 'evaluate',
    outputs: { parameters: {}, artifacts: Object.fromEntries(Object.entries(artifacts).map(([name, metadata]) => [name, { path: `/runs/${runId}/${name}`, uri: '', metadata }])) },
  } as unknown as TaskRecord;
  return { record: { pipelineName: 'p', runId, state: 'SUCCEEDED', startedAt: '2026-01-01T00:00:00Z', parameters: {}, tasks: [task] }, ir: IR };
}

describe('ClassificationMetrics in the comparison', () => {
  it("gives the matrix's accuracy and the area under the ROC points as the page draws the curve", () => {
    // (6 + 3) / 12; trapezoids over (0,0) (0.05,0.3) (0.2,0.7) (0.6,0.95) (1,1)
    expect(summarizeClassification({ confusionMatrix: { categories: ['cat', 'dog'], rows: [[6, 2], [1, 3]] }, confidenceMetrics: ROC })).toEqual({
      confusionMatrix: { categories: ['cat', 'dog'], rows: [[6, 2], [1, 3]] },
      accuracy: 0.75,
      rocAuc: 0.8025,
    });
    expect(summarizeClassification({ confusionMatrix: { categories: ['a'], rows: [[0]] } })).toEqual({ confusionMatrix: { categories: ['a'], rows: [[0]] } });
    expect(summarizeClassification({})).toEqual({});
  });

  it('sets runs side by side: rows of accuracy and ROC AUC marked where they differ, slices by name, matrices in columns', () => {
    const first = run('one', {
      classification: { confusionMatrix: matrix([[6, 2], [1, 3]]), confidenceMetrics: ROC },
      sliced: { evaluationSlices: [{ slice: 'north', sliceClassificationMetrics: { confusionMatrix: matrix([[5, 0], [0, 5]]) } }] },
    });
    const second = run('two', {
      classification: { confusionMatrix: matrix([[7, 1], [1, 3]]), confidenceMetrics: ROC },
      sliced: { evaluationSlices: [{ slice: 'north', sliceClassificationMetrics: { confusionMatrix: matrix([[5, 0], [0, 5]]) } }, { slice: 'south', sliceClassificationMetrics: { confusionMatrix: matrix([[1, 1], [1, 1]]) } }] },
    });
    const { rows, classifications } = compareRuns([first, second]);
    const figures = rows.filter((row) => row.kind === 'classification').map(({ name, values, differs }) => ({ name, values, differs }));
    expect(figures).toEqual([
      // sorted as names are (capitals first)
      { name: 'evaluate · classification · ROC AUC', values: [0.8025, 0.8025], differs: false },
      { name: 'evaluate · classification · accuracy', values: [0.75, 0.8333], differs: true },
      { name: 'evaluate · sliced · north · accuracy', values: [1, 1], differs: false },
      { name: 'evaluate · sliced · south · accuracy', values: [undefined, 0.5], differs: true },
    ]);
    expect(classifications.map(({ name, differs }) => ({ name, differs }))).toEqual([
      { name: 'evaluate · classification', differs: true },
      { name: 'evaluate · sliced · north', differs: false },
      { name: 'evaluate · sliced · south', differs: true },
    ]);
    expect(classifications[0].values.map((value) => value?.confusionMatrix?.rows)).toEqual([[[6, 2], [1, 3]], [[7, 1], [1, 3]]]);
    expect(classifications[2].values[0]).toBeUndefined();
    // Metrics rows are not mistaken for these
    expect(rows.filter((row) => row.kind === 'metric')).toEqual([]);
  });
});
