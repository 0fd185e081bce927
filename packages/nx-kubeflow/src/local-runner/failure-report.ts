/**
 * How a failed task is told: once, readable. Components log JSON lines
 * (component-runtime's JsonFormatter: `message`, and `exception` holding the
 * whole traceback in one string), so quoting raw log lines shows escaped
 * `\n`s on one line. The report is
 *
 *   task "train" failed: exit code 1: ValueError: the data is empty      <- the summary line
 *     error: could not train                                              <- the last error record's message
 *     Traceback (most recent call last):                                  <- its traceback, as text
 *       ...
 *     log: dist/runs/p/<run>/train/log.txt
 *
 * A log that is not JSON (any other command) gives its last lines as they
 * are, a plain Python traceback included. Everything quoted is capped
 * (lastLines reads at most the file's end, lines and traceback are cut), so a
 * task printing 200 MB on one line cannot swell run.json or this process.
 */
import { capLine, lastLines, LOG_QUOTE_LIMITS } from './task-process';

/** Lines of a traceback kept: its start (where it was raised from is at its end, so the end is kept). */
const TRACEBACK_LINES = 40;

export interface FailureReport {
  /** One line: task, what ended it, the error's last line where the log has one. */
  summary: string;
  /** The summary line, then the error message, the traceback and the log path, indented. */
  text: string;
}

interface LogError {
  message?: string;
  traceback: string[];
}

export function failureReport(task: string, failure: string, attempts: number, logFile: string): FailureReport {
  // JSON records are read whole up to 16 KB (a traceback is long); what is shown is cut again below.
  const lines = lastLines(logFile, LOG_QUOTE_LIMITS.lines * 5, 16 * 1024);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const error = lastJsonError(lines) ?? plainTraceback(lines);
  const cause = error ? (error.traceback.length > 0 ? error.traceback[error.traceback.length - 1].trim() : error.message) : undefined;
  const summary = `task "${task}" failed${tries}: ${failure}${cause ? `: ${capLine(cause, 200)}` : ''}`;
  const body: string[] = [];
  if (error) {
    if (error.message && error.message !== cause) body.push(`error: ${capLine(error.message)}`);
    body.push(...keepEnd(error.traceback, TRACEBACK_LINES).map((line) => capLine(line)));
  } else if (lines.length > 0) {
    body.push(`last lines of its log:`, ...lines.slice(-LOG_QUOTE_LIMITS.lines).map((line) => `  ${capLine(line)}`));
  }
  body.push(lines.length > 0 ? `log: ${logFile}` : `log: ${logFile} (empty)`);
  return { summary, text: [summary, ...body.map((line) => `  ${line}`)].join('\n') };
}

/** The last record of ERROR or CRITICAL severity, or with a traceback, among JSON log lines. */
function lastJsonError(lines: string[]): LogError | undefined {
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (!line.startsWith('{')) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // cut by the quote limits, or not JSON after all
    }
    const severity = String(record['severity'] ?? record['level'] ?? record['levelname'] ?? '').toUpperCase();
    const exception = typeof record['exception'] === 'string' ? record['exception'] : undefined;
    if (!exception && severity !== 'ERROR' && severity !== 'CRITICAL') continue;
    const message = record['message'] === undefined ? undefined : String(record['message']);
    return { message, traceback: exception ? exception.split(/\r?\n/).filter((part) => part !== '') : [] };
  }
  return undefined;
}

/** A Python traceback printed as text (an uncaught exception outside component-runtime's logging). */
function plainTraceback(lines: string[]): LogError | undefined {
  const start = lines.map((line) => line.startsWith('Traceback (most recent call last):')).lastIndexOf(true);
  if (start < 0) return undefined;
  return { traceback: lines.slice(start) };
}

function keepEnd(lines: string[], count: number): string[] {
  return lines.length <= count ? lines : [`… (${lines.length - count} lines of the traceback left out)`, ...lines.slice(-count)];
}
