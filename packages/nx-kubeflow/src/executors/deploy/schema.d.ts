export interface DeployExecutorSchema {
  env?: string;
  run?: boolean;
  wait?: boolean;
  param?: string | string[];
  parallel?: number;
  mode?: 'subprocess' | 'container';
  output?: 'api' | 'crd';
  dryRun?: boolean;
  engine?: 'docker' | 'podman' | 'buildah';
  force?: boolean;
  allowMutableImages?: boolean;
}
