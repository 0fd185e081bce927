export interface PipelineGeneratorSchema {
  name: string;
  /** Component project names, comma-separated, in task order. */
  components: string;
  /** Workspace-relative folder; default <pipelinesDir>/<name>. */
  directory?: string;
  description?: string;
}
