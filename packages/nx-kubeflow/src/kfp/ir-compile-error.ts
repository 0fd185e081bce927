/** A value kfp's DSL would refuse (set_cpu_limit, set_retry, ...), named by file, task and field. */
export interface IrProblem {
  file: string;
  task?: string;
  field: string;
  message: string;
}

export class IrCompileError extends Error {
  constructor(readonly problems: IrProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.task ? `task ${p.task}: ` : ''}${p.field}: ${p.message}`).join('\n'));
    this.name = 'IrCompileError';
  }
}

export type ReportProblem = (field: string, message: string) => void;
