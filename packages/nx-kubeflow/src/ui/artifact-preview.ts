/**
 * What the page shows of an output artifact, by its type (the IR's
 * artifactType.schemaTitle): Metrics as a table of their metadata (kfp's
 * Metrics keeps name -> number there), ClassificationMetrics' confusion matrix
 * and ROC points from theirs (SlicedClassificationMetrics': each slice's), a
 * Markdown text for the page to render (marked, then DOMPurify, in the
 * browser), an HTML report for a sandboxed iframe, a Dataset's first rows when
 * it is CSV, JSON lines or Parquet (with its columns' types and row count), and
 * for everything else its metadata, path and size. A file that cannot be read
 * as its kind is said so in the preview; it never fails the task's answer.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ArtifactLocation } from '../local-runner/placeholder-resolver';
import { readParquetPreview } from './parquet-preview';

export interface ConfusionMatrix {
  categories: string[];
  rows: number[][];
}

export interface ClassificationPreview {
  confusionMatrix?: ConfusionMatrix;
  confidenceMetrics?: Record<string, unknown>[];
}

export type ArtifactPreview =
  | { kind: 'metrics'; metrics: { name: string; value: unknown }[] }
  | ({ kind: 'classification-metrics' } & ClassificationPreview)
  | { kind: 'sliced-classification-metrics'; slices: ({ slice: string } & ClassificationPreview)[] }
  | { kind: 'markdown'; text: string; truncated: boolean }
  | { kind: 'html' }
  | {
      kind: 'table';
      format: 'csv' | 'jsonl' | 'parquet';
      columns: string[];
      /** Parquet's: one per column. */
      columnTypes?: string[];
      rows: unknown[][];
      /** Parquet's: the rows the file holds. */
      rowCount?: number;
      truncated: boolean;
    }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'folder'; files: { name: string; size: number }[] }
  | { kind: 'none'; reason?: string };

export interface ArtifactView {
  name: string;
  /** system.Metrics, system.Dataset, ... as the IR types the output. */
  type: string;
  /** Run-folder-relative path, for the page's file links. */
  relativePath: string;
  exists: boolean;
  size?: number;
  metadata: Record<string, unknown>;
  preview: ArtifactPreview;
}

export const PREVIEW_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 20;

function head(file: string, bytes = PREVIEW_BYTES): { text: string; truncated: boolean } {
  const descriptor = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const buffer = Buffer.alloc(Math.min(size, bytes));
    readSync(descriptor, buffer, 0, buffer.length, 0);
    return { text: buffer.toString('utf8'), truncated: size > bytes };
  } finally {
    closeSync(descriptor);
  }
}

/** Whole lines only: a cut in the middle of a row is not a row. */
function wholeLines(text: string, truncated: boolean): string {
  return truncated ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
}

function csvPreview(file: string): ArtifactPreview {
  const { text, truncated } = head(file);
  const rows = parseCsv(wholeLines(text, truncated), { relax_column_count: true, relax_quotes: true, to_line: PREVIEW_ROWS + 1, skip_empty_lines: true }) as string[][];
  const [columns = [], ...body] = rows;
  return { kind: 'table', format: 'csv', columns, rows: body, truncated: truncated || body.length >= PREVIEW_ROWS };
}

function jsonLinesPreview(file: string): ArtifactPreview {
  const { text, truncated } = head(file);
  const records = wholeLines(text, truncated)
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim())
    .slice(0, PREVIEW_ROWS)
    .map(({ line, number }) => {
      try {
        const record = JSON.parse(line) as unknown;
        // a line holding a number or a list is a value, shown in one column
        return isDict(record) ? record : { value: record };
      } catch (error) {
        throw new Error(`line ${number} is not JSON (${(error as Error).message})`);
      }
    });
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  return { kind: 'table', format: 'jsonl', columns, rows: records.map((record) => columns.map((column) => record[column])), truncated: truncated || records.length >= PREVIEW_ROWS };
}

/** A first line that is a JSON object: JSON lines (a CSV line is never one). */
function looksLikeJsonLines(file: string): boolean {
  const first = head(file, 4096).text.split('\n').find((line) => line.trim());
  if (!first?.trimStart().startsWith('{')) return false;
  try {
    return isDict(JSON.parse(first));
  } catch {
    return false;
  }
}

function looksLikeCsv(file: string): boolean {
  const { text } = head(file, 4096);
  const lines = text.split('\n').slice(0, 3);
  return lines.length >= 2 && lines[0].includes(',') && !text.includes('\0');
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parquet files start (and end) with PAR1: a Dataset written without an extension is known by it. */
function startsAsParquet(file: string): boolean {
  const descriptor = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(descriptor, magic, 0, 4, 0) === 4 && magic.toString('latin1') === 'PAR1';
  } finally {
    closeSync(descriptor);
  }
}

async function parquetPreview(file: string): Promise<ArtifactPreview> {
  try {
    const { columns, columnTypes, rows, rowCount, truncated } = await readParquetPreview(file, PREVIEW_ROWS);
    return { kind: 'table', format: 'parquet', columns, columnTypes, rows, rowCount, truncated };
  } catch (error) {
    return { kind: 'none', reason: `not a readable Parquet file: ${(error as Error).message}` };
  }
}

async function datasetPreview(file: string): Promise<ArtifactPreview> {
  try {
    // KFP's output paths have no extension: a file without one is known by its content
    const bare = !/\.\w+$/.test(file);
    if (/\.parquet$/i.test(file) || (bare && startsAsParquet(file))) return await parquetPreview(file);
    if (/\.(jsonl|ndjson)$/i.test(file) || (bare && looksLikeJsonLines(file))) return jsonLinesPreview(file);
    if (/\.csv$/i.test(file) || (bare && looksLikeCsv(file))) return csvPreview(file);
  } catch (error) {
    return { kind: 'none', reason: `no preview: ${(error as Error).message.split('\n')[0]}` };
  }
  const { text, truncated } = head(file, 8192);
  return text.includes('\0') ? { kind: 'none', reason: 'binary' } : { kind: 'text', text, truncated };
}

/** kfp's shape ({annotationSpecs: [{displayName}], rows: [{row}]}), or plain {categories, rows: number[][]}. */
function confusionMatrixOf(matrix: unknown): ConfusionMatrix | undefined {
  if (!isDict(matrix) || !Array.isArray(matrix.rows)) return undefined;
  const specs = Array.isArray(matrix.annotationSpecs) ? matrix.annotationSpecs : Array.isArray(matrix.categories) ? matrix.categories : undefined;
  if (!specs) return undefined;
  return {
    categories: specs.map((spec) => String(isDict(spec) ? spec.displayName : spec)),
    rows: matrix.rows.map((row) => (isDict(row) && Array.isArray(row.row) ? row.row : Array.isArray(row) ? row : []).map(Number)),
  };
}

/** kfp's ClassificationMetrics metadata: {confusionMatrix, confidenceMetrics}, either may be absent. */
export function classificationOf(metadata: unknown): ClassificationPreview {
  if (!isDict(metadata)) return {};
  const matrix = confusionMatrixOf(metadata.confusionMatrix);
  const confidence = metadata.confidenceMetrics;
  return { ...(matrix ? { confusionMatrix: matrix } : {}), ...(Array.isArray(confidence) ? { confidenceMetrics: confidence.filter(isDict) } : {}) };
}

/** kfp's SlicedClassificationMetrics metadata: {evaluationSlices: [{slice, sliceClassificationMetrics}]}, in its order. */
export function slicesOf(metadata: unknown): ({ slice: string } & ClassificationPreview)[] {
  const slices = isDict(metadata) && Array.isArray(metadata.evaluationSlices) ? metadata.evaluationSlices : [];
  return slices.filter(isDict).map((entry, index) => ({ slice: typeof entry.slice === 'string' ? entry.slice : `slice ${index + 1}`, ...classificationOf(entry.sliceClassificationMetrics) }));
}

export async function artifactView(runDir: string, name: string, type: string | undefined, location: ArtifactLocation): Promise<ArtifactView> {
  const path = location.path;
  const relativePath = path.startsWith(runDir + '/') ? path.slice(runDir.length + 1) : path;
  const metadata = location.metadata ?? {};
  const schemaTitle = type ?? 'system.Artifact';
  const exists = existsSync(path);
  const stat = exists ? statSync(path) : undefined;
  const view = (preview: ArtifactPreview): ArtifactView => ({
    name,
    type: schemaTitle,
    relativePath,
    exists,
    ...(stat?.isFile() ? { size: stat.size } : {}),
    metadata,
    preview,
  });
  if (schemaTitle === 'system.Metrics') {
    return view({ kind: 'metrics', metrics: Object.entries(metadata).filter(([key]) => key !== 'display_name').map(([metric, value]) => ({ name: metric, value })) });
  }
  if (schemaTitle === 'system.ClassificationMetrics') return view({ kind: 'classification-metrics', ...classificationOf(metadata) });
  if (schemaTitle === 'system.SlicedClassificationMetrics') return view({ kind: 'sliced-classification-metrics', slices: slicesOf(metadata) });
  if (!exists) return view({ kind: 'none', reason: 'the task wrote no file here' });
  if (stat!.isDirectory()) {
    const files = readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .slice(0, 200)
      .map((entry) => ({ name: entry.name, size: statSync(join(path, entry.name)).size }));
    return view({ kind: 'folder', files });
  }
  if (schemaTitle === 'system.Markdown') return view({ kind: 'markdown', ...head(path) });
  if (schemaTitle === 'system.HTML') return view({ kind: 'html' });
  if (schemaTitle === 'system.Dataset') return view(await datasetPreview(path));
  return view({ kind: 'none' });
}
