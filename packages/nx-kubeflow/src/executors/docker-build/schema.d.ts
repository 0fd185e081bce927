export interface DockerBuildExecutorSchema {
  engine?: string;
  env?: string;
  pipeline?: string;
  tag?: string | string[];
  buildArg?: string | string[];
  push?: boolean;
  force?: boolean;
}
