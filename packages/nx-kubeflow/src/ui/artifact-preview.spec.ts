/**
 * Previews by artifact type over files on disk: Parquet through hyparquet (the
 * fixture written by pyarrow, __fixtures__/make-data/make_sample_parquet.py),
 * and cut-short or foreign files named .parquet; JSON lines; kfp's
 * SlicedClassificationMetrics metadata per slice.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactView, PREVIEW_ROWS, type ArtifactPreview } from './artifact-preview';

const SAMPLE = join(__dirname, '__fixtures__/make-data/sample.parquet');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-preview-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function preview(file: string, type = 'system.Dataset', metadata: Record<string, unknown> = {}): Promise<ArtifactPreview> {
  return (await artifactView(dir, 'data', type, { path: file, uri: `file://${file}`, metadata } as never)).preview;
}

describe('Parquet datasets', () => {
  it("shows the first rows, the columns' names and types and the row count of a file pyarrow wrote", async () => {
    const file = join(dir, 'table.parquet');
    copyFileSync(SAMPLE, file);
    const shown = await preview(file);
    expect(shown).toMatchObject({ kind: 'table', format: 'parquet', columns: ['id', 'city', 'score', 'seen', 'ok'], columnTypes: ['INT64', 'STRING', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN'], rowCount: 30, truncated: true });
    if (shown.kind !== 'table') throw new Error('not a table');
    expect(shown.rows).toHaveLength(PREVIEW_ROWS);
    expect(shown.rows[0]).toEqual([0, 'Oslo', 0, '2026-01-01T00:00:00.000Z', true]);
    // pyarrow wrote a null city into row 3
    expect(shown.rows[3]).toEqual([3, null, 0.75, '2026-01-01T03:00:00.000Z', false]);
    expect(shown.rows[19]).toEqual([19, 'Lima', 4.75, '2026-01-01T19:00:00.000Z', false]);
  });

  it('knows a Parquet file written without an extension by its magic bytes', async () => {
    const file = join(dir, 'dataset');
    copyFileSync(SAMPLE, file);
    expect(await preview(file)).toMatchObject({ kind: 'table', format: 'parquet', rowCount: 30 });
  });

  it('says what is wrong with a cut-short, empty or foreign file, and the next file still reads', async () => {
    const bytes = readFileSync(SAMPLE);
    const cutShort = "not a readable Parquet file: it does not end with Parquet's footer (PAR1): cut short, still being written, or not Parquet";
    const cases: [string, Buffer, string][] = [
      ['half.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)), cutShort],
      ['no-footer.parquet', bytes.subarray(0, bytes.length - 4), cutShort],
      ['empty.parquet', Buffer.alloc(0), 'not a readable Parquet file: it is 0 bytes long, too short for Parquet (12 bytes at least)'],
      ['csv.parquet', Buffer.from('a,b\n1,2\n1,2\n'), cutShort],
      // the footer's length claims more than the file holds
      ['lying.parquet', Buffer.concat([bytes.subarray(0, 4), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('PAR1')]), 'not a readable Parquet file: parquet metadata length 2147483647 exceeds available buffer 4'],
    ];
    for (const [name, content, reason] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const shown = await preview(file);
      expect({ name, kind: shown.kind }).toEqual({ name, kind: 'none' });
      expect({ name, reason: shown.kind === 'none' && shown.reason }).toEqual({ name, reason });
    }
    expect(await preview(SAMPLE)).toMatchObject({ kind: 'table', rowCount: 30 });
  });

  it('names a compression it does not read', async () => {
    const shown = await preview(join(__dirname, '__fixtures__/make-data/sample-gzip.parquet'));
    expect(shown).toEqual({ kind: 'none', reason: 'not a readable Parquet file: it is compressed with GZIP, which the view does not read (it reads snappy and uncompressed files)' });
  });
});

describe('JSON lines datasets', () => {
  it('shows records as rows, a column per key, and names the line that is not JSON', async () => {
    const good = join(dir, 'rows.jsonl');
    writeFileSync(good, '{"a": 1, "b": "x"}\n\n{"a": 2, "c": true}\n7\n');
    expect(await preview(good)).toEqual({ kind: 'table', format: 'jsonl', columns: ['a', 'b', 'c', 'value'], rows: [[1, 'x', undefined, undefined], [2, undefined, true, undefined], [undefined, undefined, undefined, 7]], truncated: false });
    // a KFP output path has no extension: known by its first line
    const bare = join(dir, 'records');
    writeFileSync(bare, '{"a": 1, "b": "x,y"}\n');
    expect(await preview(bare)).toMatchObject({ kind: 'table', format: 'jsonl', columns: ['a', 'b'], rows: [[1, 'x,y']] });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"a": 1}\n{"a": \n');
    const shown = await preview(bad);
    expect(shown.kind === 'none' && shown.reason).toMatch(/^no preview: line 2 is not JSON/);
  });
});

describe('SlicedClassificationMetrics', () => {
  it("shows each slice's confusion matrix and ROC points, in kfp's order", async () => {
    const metadata = {
      evaluationSlices: [
        {
          slice: 'north',
          sliceClassificationMetrics: {
            confusionMatrix: { annotationSpecs: [{ displayName: 'cat' }, { displayName: 'dog' }], rows: [{ row: [5, 1] }, { row: [2, 4] }] },
            confidenceMetrics: [{ confidenceThreshold: 0.5, recall: 0.8, falsePositiveRate: 0.2 }],
          },
        },
        { slice: 'south', sliceClassificationMetrics: { confidenceMetrics: [{ confidenceThreshold: 0.4, recall: 0.6, falsePositiveRate: 0.3 }] } },
        { sliceClassificationMetrics: 'not metrics' },
      ],
    };
    expect(await preview(join(dir, 'sliced'), 'system.SlicedClassificationMetrics', metadata)).toEqual({
      kind: 'sliced-classification-metrics',
      slices: [
        { slice: 'north', confusionMatrix: { categories: ['cat', 'dog'], rows: [[5, 1], [2, 4]] }, confidenceMetrics: [{ confidenceThreshold: 0.5, recall: 0.8, falsePositiveRate: 0.2 }] },
        { slice: 'south', confidenceMetrics: [{ confidenceThreshold: 0.4, recall: 0.6, falsePositiveRate: 0.3 }] },
        { slice: 'slice 3' },
      ],
    });
    expect(await preview(join(dir, 'sliced'), 'system.SlicedClassificationMetrics', {})).toEqual({ kind: 'sliced-classification-metrics', slices: [] });
  });
});
