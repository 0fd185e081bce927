/**
 * A task's log.txt as the page shows it: each JSON line a component writes
 * (component-runtime's json_logging: timestamp, severity, message, logger,
 * the run's context, then the record's extra fields) becomes a row of time,
 * level and message with the rest as extra fields; any other line (a print,
 * a traceback, the runner's own notes) is a row of its own text.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LogRecord {
  /** 1-based line in log.txt. */
  line: number;
  time?: string;
  level?: string;
  message: string;
  /** Fields besides time, level and message (null context fields left out). */
  extra: Record<string, unknown>;
  /** Whether the line was a JSON object. */
  structured: boolean;
}

export interface TaskLog {
  records: LogRecord[];
  /** Bytes left out at the start, when the log is longer than the view reads. */
  skippedBytes: number;
}

const TIME_KEYS = ['timestamp', 'time', 'asctime', 'ts'];
const LEVEL_KEYS = ['severity', 'level', 'levelname'];
const MESSAGE_KEYS = ['message', 'msg'];

/** The last `maxBytes` of a log are read, whole lines only: a task that logs gigabytes must not stall the page. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;

function first(fields: Record<string, unknown>, keys: string[]): [string | undefined, unknown] {
  for (const key of keys) if (Object.hasOwn(fields, key)) return [key, fields[key]];
  return [undefined, undefined];
}

export function parseLogLine(text: string, line: number): LogRecord {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      const fields = JSON.parse(trimmed) as unknown;
      if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
        const all = fields as Record<string, unknown>;
        const [timeKey, time] = first(all, TIME_KEYS);
        const [levelKey, level] = first(all, LEVEL_KEYS);
        const [messageKey, message] = first(all, MESSAGE_KEYS);
        const extra = Object.fromEntries(Object.entries(all).filter(([key, value]) => key !== timeKey && key !== levelKey && key !== messageKey && value !== null));
        return {
          line,
          ...(time !== undefined ? { time: String(time) } : {}),
          ...(level !== undefined ? { level: String(level).toUpperCase() } : {}),
          message: message === undefined ? '' : typeof message === 'string' ? message : JSON.stringify(message),
          extra,
          structured: true,
        };
      }
    } catch {
      // not JSON after all: a line of text
    }
  }
  return { line, message: text, extra: {}, structured: false };
}

export function parseLog(text: string, firstLine = 1): LogRecord[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, index) => parseLogLine(line, firstLine + index));
}

/** The log file's records (its tail when it is over maxBytes); none when the task has not written one yet. */
export function readTaskLog(file: string, maxBytes = MAX_LOG_BYTES): TaskLog {
  if (!existsSync(file)) return { records: [], skippedBytes: 0 };
  const descriptor = openSync(file, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    readSync(descriptor, buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    let skippedBytes = start;
    if (start > 0) {
      // drop the partial first line
      const newline = text.indexOf('\n');
      skippedBytes += Buffer.byteLength(text.slice(0, newline + 1));
      text = text.slice(newline + 1);
    }
    // line numbers of a tail are not known without reading the head: they count from the cut
    return { records: parseLog(text), skippedBytes };
  } finally {
    closeSync(descriptor);
  }
}
