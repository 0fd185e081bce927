/** Problems found in a pipeline.yaml, each tied to a file position, task and field. */

export interface PipelineProblem {
  /** Workspace-relative path of the file the problem is in. */
  file: string;
  /** 1-based; absent when the problem has no position (e.g. the file is missing). */
  line?: number;
  column?: number;
  /** The task the problem belongs to, when it belongs to one. */
  task?: string;
  /** Dotted field path inside the task (or the file, without a task), e.g. arguments.dataset. */
  field?: string;
  message: string;
}

/** `file:line:column: task "t", field: message`, the way compilers print errors so editors can jump there. */
export function formatProblem(problem: PipelineProblem): string {
  const position = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
  const where = [problem.task !== undefined ? `task "${problem.task}"` : undefined, problem.field]
    .filter((part) => part !== undefined && part !== '')
    .join(', ');
  return `${problem.file}${position}: ${where ? `${where}: ` : ''}${problem.message}`;
}

/** Problems in file order (then by column), so the report reads top to bottom. */
export function sortProblems(problems: readonly PipelineProblem[]): PipelineProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** The pipeline cannot be compiled: every problem found, all at once. */
export class PipelineCheckError extends Error {
  readonly problems: readonly PipelineProblem[];

  constructor(problems: readonly PipelineProblem[]) {
    const sorted = sortProblems(problems);
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super(`${count} found; nothing was written:\n${sorted.map((problem) => `  ${formatProblem(problem)}`).join('\n')}`);
    this.name = 'PipelineCheckError';
    this.problems = sorted;
  }
}
