/**
 * The shared contract between the pipeline.yaml reader/checker (src/pipeline)
 * and the IR compiler (src/kfp): a pipeline after it has been parsed and
 * checked, and the components its tasks name. Order matters everywhere
 * (parameters, tasks, arguments keep the order of the source file), because
 * kfp's output follows declaration order in some places.
 */

/** A component.yaml (KFP v1 component format), as loaded. */
export interface ComponentSpec {
  name: string;
  description?: string;
  inputs: ComponentInputSpec[];
  outputs: ComponentOutputSpec[];
  implementation: {
    container: {
      image: string;
      command?: CommandLineItem[];
      args?: CommandLineItem[];
      env?: Record<string, string>;
    };
  };
}

export interface ComponentInputSpec {
  name: string;
  /** As written: String, Integer, Dataset, ... (undefined: untyped, kfp treats it as String? see compiler). */
  type?: string;
  description?: string;
  /** As written in component.yaml (always text there). */
  default?: string;
  optional?: boolean;
}

export interface ComponentOutputSpec {
  name: string;
  type?: string;
  description?: string;
}

/** A command/args item: a literal string or a placeholder, exactly as in component.yaml. */
export type CommandLineItem =
  | string
  | { inputValue: string }
  | { inputPath: string }
  | { inputUri: string }
  | { outputPath: string }
  | { outputUri: string }
  | { concat: CommandLineItem[] }
  | { if: { cond: { isPresent: string } | boolean | string; then: CommandLineItem[] | CommandLineItem; else?: CommandLineItem[] | CommandLineItem } };

/** A component as the compiler needs it. */
export interface ResolvedComponent {
  /** Nx project name (the folder name). */
  project: string;
  spec: ComponentSpec;
  /** The image reference to write into the IR (image.json's, or the spec's own). */
  image: string;
  /** Its pyproject depends on component-runtime: the compiler adds ENV_FOR_DYNACONF and PIPELINE_SETTINGS_TOML. */
  usesComponentRuntime: boolean;
  /**
   * Set when this is another pipeline project, run as a task (a pipeline
   * used as a component in the DSL): what compiling it on its own takes.
   * `spec` is then its interface: its parameters as inputs, its `outputs:`
   * as outputs; `image` is unused.
   */
  nested?: PipelineCompileInput;
}

/** What the IR compiler compiles: a checked pipeline and the components (and pipelines) its tasks run. */
export interface PipelineCompileInput {
  pipeline: PipelineDefinition;
  /** By project name, as tasks name them. */
  components: Map<string, ResolvedComponent>;
  /** Settings overrides of pipeline parameter defaults ([<env>.parameters]). */
  parameterDefaults?: Record<string, unknown>;
  /** ENV_FOR_DYNACONF given to component-runtime components; default "development". */
  settingsEnv?: string;
  /** The pipeline's config/settings.toml text, handed to component-runtime components. */
  pipelineSettingsToml?: string;
}

export type ParameterTypeName = 'String' | 'Integer' | 'Float' | 'Boolean' | 'JsonObject' | 'JsonArray';

/**
 * Artifact types a pipeline input may take (kfp's Input[Artifact], Input[Model], ...):
 * the dsl artifact classes. Such an input has no default and feeds artifact inputs only
 * (componentInputArtifact in the IR).
 */
export type ArtifactTypeName =
  | 'Artifact'
  | 'Dataset'
  | 'Model'
  | 'Metrics'
  | 'ClassificationMetrics'
  | 'SlicedClassificationMetrics'
  | 'HTML'
  | 'Markdown';

export const ARTIFACT_TYPE_NAMES: readonly ArtifactTypeName[] = [
  'Artifact',
  'Dataset',
  'Model',
  'Metrics',
  'ClassificationMetrics',
  'SlicedClassificationMetrics',
  'HTML',
  'Markdown',
];

export function isArtifactTypeName(type: string): type is ArtifactTypeName {
  return (ARTIFACT_TYPE_NAMES as readonly string[]).includes(type);
}

export interface PipelineParameter {
  name: string;
  /** A parameter type, or an artifact type for an artifact pipeline input. */
  type: ParameterTypeName | ArtifactTypeName;
  default?: unknown;
  description?: string;
}

export type TaskArgument =
  | { kind: 'parameter'; parameter: string }
  | { kind: 'task-output'; task: string; output: string }
  | { kind: 'literal'; value: string | number | boolean | Record<string, unknown> | unknown[] };

export interface RetryPolicy {
  max_retry_count: number;
  backoff_duration?: string;
  backoff_factor?: number;
  backoff_max_duration?: string;
}

export interface TaskResources {
  cpu_request?: string;
  cpu_limit?: string;
  memory_request?: string;
  memory_limit?: string;
  accelerator?: { type: string; count?: number };
}

export interface SecretAsEnv {
  secret_name: string;
  /** secret key -> environment variable name */
  keys: Record<string, string>;
}

/** A Kubernetes toleration, as kfp-kubernetes add_toleration takes it. */
export interface Toleration {
  key?: string;
  /** Equal (kfp-kubernetes' default) or Exists. */
  operator?: string;
  value?: string;
  /** NoSchedule, PreferNoSchedule or NoExecute; absent: every effect. */
  effect?: string;
  toleration_seconds?: number;
}

export type ConditionOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export const CONDITION_OPERATORS: readonly ConditionOperator[] = ['==', '!=', '<', '<=', '>', '>='];

/** One side of a comparison: a pipeline parameter, an upstream output or a constant. */
export type ConditionOperand =
  | { kind: 'parameter'; parameter: string }
  | { kind: 'task-output'; task: string; output: string }
  | { kind: 'literal'; value: string | number | boolean };

/** dsl.If(left <operator> right). */
export interface Condition {
  left: ConditionOperand;
  operator: ConditionOperator;
  right: ConditionOperand;
}

/** One branch of a condition block: if (the first), elif (the next ones), else (no condition, last). */
export interface ConditionBranch {
  condition?: Condition;
  body: PipelineNode[];
  /** Where it is written in pipeline.yaml (the if, an elif entry or else), for messages. */
  yamlPath?: readonly (string | number)[];
}

/**
 * dsl.If / dsl.Elif / dsl.Else (or dsl.Condition: an if alone). `name` is the
 * pipeline.yaml key of the block: a label for messages; the IR names groups as
 * kfp does (condition-N, condition-branches-N).
 */
export interface ConditionBlock {
  name: string;
  branches: ConditionBranch[];
  yamlPath?: readonly (string | number)[];
}

/** A pipeline's body as written: tasks and condition blocks, nested, in file order. */
export type PipelineNode = { kind: 'task'; task: string } | { kind: 'condition'; block: ConditionBlock };

export interface PipelineTask {
  name: string;
  /**
   * 'pipeline' for a task written with `pipeline: <project>`: `component`
   * then names a pipeline project, which runs as a sub-DAG.
   */
  calls?: 'pipeline';
  /** Where the task is written in pipeline.yaml (default tasks.<name>): tasks under a condition sit deeper. */
  yamlPath?: readonly (string | number)[];
  component: string;
  display_name?: string;
  arguments: Record<string, TaskArgument>;
  after: string[];
  caching?: boolean;
  retry?: RetryPolicy;
  resources?: TaskResources;
  env?: Record<string, string>;
  secrets?: SecretAsEnv[];
  tolerations?: Toleration[];
  /** pipeline.yaml's timeout in seconds (kfp-kubernetes' set_timeout: the pod's activeDeadlineSeconds). */
  timeout_seconds?: number;
}

/** A pipeline output: an output of one of its tasks, published under a name of its own (kfp's pipeline function return value). */
export interface PipelineOutput {
  name: string;
  task: string;
  output: string;
}

export interface PipelineDefinition {
  /** Workspace-relative path of pipeline.yaml, for messages. */
  file: string;
  name: string;
  description?: string;
  parameters: PipelineParameter[];
  tasks: PipelineTask[];
  /** The nesting of tasks under conditions, in file order; absent: every task at the top level. `tasks` holds every task either way. */
  body?: PipelineNode[];
  /** pipeline.yaml's `outputs:` (root outputDefinitions and dag.outputs), in file order. */
  outputs?: PipelineOutput[];
}
