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
  allowMutableImages?: boolean;
}
