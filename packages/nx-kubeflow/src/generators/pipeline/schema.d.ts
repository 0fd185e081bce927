export interface PipelineGeneratorSchema {
  name: string;
  /** Component project names, comma-separated, in task order. */
  components: string;
  description?: string;
}
