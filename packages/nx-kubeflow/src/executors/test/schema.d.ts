export interface TestExecutorSchema {
  python?: string;
  extras?: string[];
  indexUrl?: string;
  settingsEnv?: string;
  junitFile?: string;
  pytestArgs?: string[];
  showInstallOutput?: boolean;
  /** Anything else (what follows `--` on the command line) goes to pytest. */
  [passThrough: string]: unknown;
}
