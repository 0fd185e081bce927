export interface DeployExecutorSchema {
  env?: string;
  run?: boolean;
  wait?: boolean;
  param?: string | string[];
  parallel?: number;
  mode?: 'subprocess' | 'container';
}
