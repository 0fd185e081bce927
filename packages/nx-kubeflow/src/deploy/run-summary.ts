import type { RunOutcome, TaskStateChange } from '../backends/pipeline-backend';

/** One line per task state change while a run goes, e.g. `[run 20261128-…] trainer RUNNING (attempt 2)`. */
export function formatTaskStateChange(runId: string, change: TaskStateChange): string {
  const attempt = change.attempt && change.attempt > 1 ? ` (attempt ${change.attempt})` : '';
  const message = change.message ? `: ${change.message}` : '';
  return `[run ${runId}] ${change.task} ${change.state}${attempt}${message}`;
}

/** The table printed when a run ends: task, state, duration, attempts, cached. */
export function formatRunSummary(outcome: RunOutcome): string {
  const header = ['task', 'state', 'duration', 'attempts', 'cached'];
  const rows = outcome.tasks.map((task) => [
    task.name,
    task.state,
    task.durationMs === undefined ? '-' : formatDuration(task.durationMs),
    String(task.attempts),
    task.cached ? 'yes' : 'no',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), '', `run ${outcome.runId}: ${outcome.state}`].join('\n');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)
    .toString()
    .padStart(2, '0')}s`;
}
