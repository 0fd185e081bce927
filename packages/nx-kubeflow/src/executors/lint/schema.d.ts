export interface LintExecutorSchema {
  ruffVersion?: string;
  python?: string;
  extras?: string[];
  indexUrl?: string;
  showInstallOutput?: boolean;
}
