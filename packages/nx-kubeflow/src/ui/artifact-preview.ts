/**
 * What the page shows of an output artifact, by its type (the IR's
 * artifactType.schemaTitle): Metrics as a table of their metadata (kfp's
 * Metrics keeps name -> number there), ClassificationMetrics' confusion matrix
 * and ROC points from theirs, a Markdown text for the page to render (marked,
 * then DOMPurify, in the browser), an HTML report for a sandboxed iframe, a
 * Dataset's first rows when it is CSV or JSON lines, and for everything else
 * its metadata, path and size.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ArtifactLocation } from '../local-runner/placeholder-resolver';

export type ArtifactPreview =
  | { kind: 'metrics'; metrics: { name: string; value: unknown }[] }
  | { kind: 'classification-metrics'; confusionMatrix?: { categories: string[]; rows: number[][] }; confidenceMetrics?: Record<string, unknown>[] }
  | { kind: 'markdown'; text: string; truncated: boolean }
  | { kind: 'html' }
  | { kind: 'table'; format: 'csv' | 'jsonl'; columns: string[]; rows: unknown[][]; truncated: boolean }
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
    .filter((line) => line.trim())
    .slice(0, PREVIEW_ROWS)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  return { kind: 'table', format: 'jsonl', columns, rows: records.map((record) => columns.map((column) => record[column])), truncated: truncated || records.length >= PREVIEW_ROWS };
}

function looksLikeCsv(file: string): boolean {
  const { text } = head(file, 4096);
  const lines = text.split('\n').slice(0, 3);
  return lines.length >= 2 && lines[0].includes(',') && !text.includes('\0');
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function datasetPreview(file: string): ArtifactPreview {
  try {
    if (/\.csv$/i.test(file) || (!/\.\w+$/.test(file) && looksLikeCsv(file))) return csvPreview(file);
    if (/\.(jsonl|ndjson)$/i.test(file)) return jsonLinesPreview(file);
    if (/\.parquet$/i.test(file)) return { kind: 'none', reason: 'Parquet is not previewed yet' };
  } catch (error) {
    return { kind: 'none', reason: `no preview: ${(error as Error).message.split('\n')[0]}` };
  }
  const { text, truncated } = head(file, 8192);
  return text.includes('\0') ? { kind: 'none', reason: 'binary' } : { kind: 'text', text, truncated };
}

/** kfp's shape ({annotationSpecs: [{displayName}], rows: [{row}]}), or plain {categories, rows: number[][]}. */
function confusionMatrixOf(matrix: unknown): { categories: string[]; rows: number[][] } | undefined {
  if (!isDict(matrix) || !Array.isArray(matrix.rows)) return undefined;
  const specs = Array.isArray(matrix.annotationSpecs) ? matrix.annotationSpecs : Array.isArray(matrix.categories) ? matrix.categories : undefined;
  if (!specs) return undefined;
  return {
    categories: specs.map((spec) => String(isDict(spec) ? spec.displayName : spec)),
    rows: matrix.rows.map((row) => (isDict(row) && Array.isArray(row.row) ? row.row : Array.isArray(row) ? row : []).map(Number)),
  };
}

export function artifactView(runDir: string, name: string, type: string | undefined, location: ArtifactLocation): ArtifactView {
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
  if (schemaTitle === 'system.ClassificationMetrics') {
    const matrix = metadata.confusionMatrix;
    const confidence = metadata.confidenceMetrics;
    return view({
      kind: 'classification-metrics',
      ...(confusionMatrixOf(matrix) ? { confusionMatrix: confusionMatrixOf(matrix) } : {}),
      ...(Array.isArray(confidence) ? { confidenceMetrics: confidence.filter(isDict) } : {}),
    });
  }
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
  if (schemaTitle === 'system.Dataset') return view(datasetPreview(path));
  return view({ kind: 'none' });
}
