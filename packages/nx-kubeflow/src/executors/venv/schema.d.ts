export interface VenvExecutorSchema {
  python?: string;
  extras?: string[];
  indexUrl?: string;
  showInstallOutput?: boolean;
}
