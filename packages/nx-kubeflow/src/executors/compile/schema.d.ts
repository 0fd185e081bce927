export interface CompileExecutorSchema {
  /** Settings environment whose [<env>.parameters] override defaults; default $ENV_FOR_DYNACONF, else development. */
  env?: string;
  /** Workspace-relative output folder; default dist/pipelines/<project>/<env>. */
  outputPath?: string;
}
