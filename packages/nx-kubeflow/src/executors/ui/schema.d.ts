export interface UiExecutorSchema {
  /** Port on 127.0.0.1; default the first free from 4300. */
  port?: number;
  /** Every pipeline's runs, not only this project's. */
  all?: boolean;
}
