export interface UiExecutorSchema {
  /** Port on 127.0.0.1; default the first free from 4300. */
  port?: number;
  /** Every pipeline's runs, not only this project's. */
  all?: boolean;
  /** Write one run's view as a self-contained HTML file into this folder instead of serving. */
  static?: string;
  /** With static: the run id; default the newest. */
  run?: string;
}
