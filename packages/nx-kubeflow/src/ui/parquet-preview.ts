/**
 * A Parquet dataset's first rows, column names and types, and row count, read
 * by **hyparquet** (pure JavaScript, no native parts) in a child node process.
 * hyparquet is an ES module only, which this CommonJS plugin (and jest) cannot
 * require; the child also keeps a hostile or broken file from costing the
 * view's server anything but the child: it has a time limit and a heap limit,
 * and whatever goes wrong comes back as a message, never as a crash.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface ParquetPreview {
  columns: string[];
  /** One per column: the logical type where the file gives one (STRING, TIMESTAMP), else the physical (INT64, DOUBLE). */
  columnTypes: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
}

export const PARQUET_TIMEOUT_MS = 15_000;
const PARQUET_HEAP_MB = 256;

// Runs in the child: argv[1] hyparquet's entry (a file URL), argv[2] the file, argv[3] the number of rows.
// Values become JSON: BigInt as a number when exact (else its digits), dates as ISO text, bytes by their length.
const READER = `
const [entry, file, limit] = process.argv.slice(1);
const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema, parquetReadObjects } = await import(entry);
const plain = (value) => {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Uint8Array) return '<' + value.length + ' bytes>';
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
};
const typeOf = (element) => {
  const logical = element.logical_type && element.logical_type.type;
  return logical || element.converted_type || element.type || 'GROUP';
};
// what hyparquet says of a broken file, in terms of what the user can do
const why = (message) => {
  if (/footer != PAR1/.test(message)) return "it does not end with Parquet's footer (PAR1): cut short, still being written, or not Parquet";
  const codec = /unsupported compression codec: (\\w+)/.exec(message);
  if (codec) return 'it is compressed with ' + codec[1] + ', which the view does not read (it reads snappy and uncompressed files)';
  return message;
};
try {
  const buffer = await asyncBufferFromFile(file);
  // magic, footer length and magic again: less is not Parquet (hyparquet would read past the end)
  if (buffer.byteLength < 12) throw new Error('it is ' + buffer.byteLength + ' bytes long, too short for Parquet (12 bytes at least)');
  const metadata = await parquetMetadataAsync(buffer);
  const fields = parquetSchema(metadata).children.map((child) => child.element);
  const rowCount = Number(metadata.num_rows);
  const rowEnd = Math.min(rowCount, Number(limit));
  const records = rowEnd > 0 ? await parquetReadObjects({ file: buffer, metadata, rowStart: 0, rowEnd }) : [];
  const columns = fields.map((field) => field.name);
  process.stdout.write(JSON.stringify({
    columns,
    columnTypes: fields.map(typeOf),
    rows: records.map((record) => columns.map((column) => plain(record[column]))),
    rowCount,
    truncated: rowCount > rowEnd,
  }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: why(String(error && error.message || error).split('\\n')[0]) }));
}
`;

let entryUrl: string | undefined;
function hyparquetEntry(): string {
  // hyparquet's exports give node its node.js entry (asyncBufferFromFile) under "default"
  entryUrl ??= pathToFileURL(require.resolve('hyparquet')).href;
  return entryUrl;
}

/** The cached preview of a file while it is unchanged: the page asks for a task again when its state changes. */
const known = new Map<string, { stamp: string; preview: Promise<ParquetPreview> }>();
const KEPT = 64;

/** Rejects with a message naming what is wrong with the file (not Parquet, cut short, too slow to read). */
export function readParquetPreview(file: string, rows: number): Promise<ParquetPreview> {
  const stat = statSync(file);
  const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}:${rows}`;
  const cached = known.get(file);
  if (cached?.stamp === stamp) return cached.preview;
  const preview = new Promise<ParquetPreview>((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${PARQUET_HEAP_MB}`, '--input-type=module', '-e', READER, hyparquetEntry(), file, String(rows)],
      { timeout: PARQUET_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout) => {
        if (error) {
          const why = error.killed ? `reading it took longer than ${PARQUET_TIMEOUT_MS / 1000} s` : `its reader stopped (${error.message.split('\n')[0]})`;
          return reject(new Error(why));
        }
        try {
          const answer = JSON.parse(stdout) as ParquetPreview | { error: string };
          if ('error' in answer) return reject(new Error(answer.error));
          resolve(answer);
        } catch {
          reject(new Error('its reader gave no answer'));
        }
      },
    );
  });
  known.set(file, { stamp, preview });
  // a failure is not kept: the file may be complete on the next ask
  preview.catch(() => known.get(file)?.preview === preview && known.delete(file));
  if (known.size > KEPT) known.delete(known.keys().next().value as string);
  return preview;
}
