export interface DeployExecutorSchema {
  env?: string;
  run?: boolean;
  wait?: boolean;
  param?: string | string[];
  /** Local backend: the run's tasks at once (--max-parallel-tasks). */
  maxParallelTasks?: number;
  /** Deprecated name of maxParallelTasks: Nx takes --parallel on the command line for itself. */
  parallel?: number;
  mode?: 'subprocess' | 'container';
  output?: 'api' | 'crd';
  dryRun?: boolean;
  engine?: 'docker' | 'podman' | 'buildah';
  force?: boolean;
  /** Outside the local backend: mutable tags and images the run gives (--allow-mutable-images). */
  allowMutableImages?: boolean;
  /** Outside the local backend: images the run gives only; mutable tags are still refused (--allow-run-time-images). */
  allowRunTimeImages?: boolean;
}
