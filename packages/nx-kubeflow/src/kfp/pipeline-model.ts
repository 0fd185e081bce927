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
  | { kind: 'literal'; value: string | number | boolean | Record<string, unknown> | unknown[] }
  /** The current item of an enclosing loop (`as`), or one field of it when the items are mappings. */
  | { kind: 'loop-item'; item: string; field?: string }
  /** dsl.Collected: every iteration's value of an output of a task inside a loop, as one list. */
  | { kind: 'collected'; task: string; output: string }
  /** dsl.OneOf: the output of whichever branch of one if/elif/else ran, one output reference per branch, in branch order as written. */
  | { kind: 'one-of'; of: OutputReference[] };

/**
 * A task's image chosen at run time (set_container_image of a pipeline channel): a String pipeline parameter, an
 * upstream task's String output, or the item of an enclosing loop (the whole item: kfp compiles a field of one into
 * an input nothing feeds).
 */
export type ImageChannel = { kind: 'parameter'; parameter: string } | { kind: 'task-output'; task: string; output: string } | { kind: 'loop-item'; item: string };

/** {task: t, output: o}: one output of one task. */
export interface OutputReference {
  task: string;
  output: string;
}

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
  /** use_secret_as_env's optional: the pod starts without the secret (or a key) instead of waiting for it. Absent: false. */
  optional?: boolean;
  /** Where it is written below the task (secrets[0]), for messages. */
  at?: SourcePath;
  /** The pipeline parameter that names the secret at run time (secret_name: {parameter: p}); secret_name is then empty. */
  name_parameter?: string;
}

/** A place in pipeline.yaml below the task, for messages (the checker finds line and column by it). */
export type SourcePath = readonly (string | number)[];

/** A Secret or ConfigMap mounted as files (use_secret_as_volume, use_config_map_as_volume). */
export interface ObjectAsVolume {
  name: string;
  mount_path: string;
  optional?: boolean;
  at?: SourcePath;
  /** The pipeline parameter that names the object at run time; name is then empty. */
  name_parameter?: string;
}

/** A ConfigMap's keys as environment variables (use_config_map_as_env). */
export interface ConfigMapAsEnv {
  config_map_name: string;
  /** config map key -> environment variable name */
  keys: Record<string, string>;
  optional?: boolean;
  at?: SourcePath;
  /** The pipeline parameter that names the config map at run time; config_map_name is then empty. */
  name_parameter?: string;
}

/** A PersistentVolumeClaim mounted into the task (mount_pvc): its name given, a pipeline parameter's value, or the `name` output of a create_pvc task. */
export interface PvcMount {
  pvc_name: { kind: 'constant'; name: string } | { kind: 'parameter'; parameter: string } | { kind: 'task-output'; task: string; output: string };
  mount_path: string;
  sub_path?: string;
  at?: SourcePath;
}

/** A pod-lifetime scratch volume (empty_dir_mount). */
export interface EmptyDirMount {
  volume_name: string;
  mount_path: string;
  medium?: string;
  size_limit?: string;
  at?: SourcePath;
}

/** A node selector requirement (matchExpressions on labels, matchFields on metadata.name). */
export interface NodeSelectorRequirement {
  key: string;
  /** In, NotIn, Exists, DoesNotExist, Gt or Lt. */
  operator: string;
  values?: string[];
}

export interface NodeAffinityTerm {
  match_expressions?: NodeSelectorRequirement[];
  match_fields?: NodeSelectorRequirement[];
  /** 1-100: a preference; absent: a requirement. */
  weight?: number;
}

/**
 * The kfp-kubernetes options of a task beyond secrets as env, tolerations and
 * timeout: each maps to one kfp.kubernetes function (platform-kubernetes-options.ts).
 * Lists and mappings keep the order of pipeline.yaml, as kfp keeps call order.
 */
export interface KubernetesTaskOptions {
  secret_volumes?: ObjectAsVolume[];
  config_maps_as_env?: ConfigMapAsEnv[];
  config_map_volumes?: ObjectAsVolume[];
  pvc_mounts?: PvcMount[];
  empty_dirs?: EmptyDirMount[];
  node_selector?: Record<string, string>;
  /** add_node_affinity, one term a call: required (ORed) without weight, preferred with one. */
  node_affinity?: NodeAffinityTerm[];
  /** Secret names, or {parameter: p} for a String pipeline parameter that holds one. */
  image_pull_secrets?: (string | { parameter: string })[];
  image_pull_policy?: string;
  pod_labels?: Record<string, string>;
  pod_annotations?: Record<string, string>;
  /** environment variable name -> pod field path (use_field_path_as_env). */
  field_path_env?: Record<string, string>;
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

/** One side of a comparison: a pipeline parameter, an upstream output, an enclosing loop's item (or a field of it) or a constant. */
export type ConditionOperand =
  | { kind: 'parameter'; parameter: string }
  | { kind: 'task-output'; task: string; output: string }
  | { kind: 'loop-item'; item: string; field?: string }
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
  /** dsl.If/Elif/Else(name=): the branch group's taskInfo.name, shown by the KFP UI (default: its condition-N). */
  displayName?: string;
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

/**
 * What a loop iterates over: a static list (dsl.ParallelFor([...])), a JsonArray pipeline parameter, a JsonArray
 * task output, or an enclosing loop's item or one field of it (dsl.ParallelFor(outer) / dsl.ParallelFor(outer.values)).
 */
export type LoopItems =
  | { kind: 'static'; items: (string | number | boolean | Record<string, unknown>)[] }
  | { kind: 'parameter'; parameter: string }
  | { kind: 'task-output'; task: string; output: string }
  | { kind: 'loop-item'; item: string; field?: string };

/**
 * dsl.ParallelFor: its body runs once per item, `as` naming the item for the
 * tasks inside. `name` is the pipeline.yaml key (a label for messages; the
 * IR names the group for-loop-N as kfp does).
 */
export interface LoopBlock {
  name: string;
  items: LoopItems;
  as: string;
  /** iteratorPolicy.parallelismLimit; absent: unlimited (kfp's 0). */
  parallelism?: number;
  body: PipelineNode[];
  /** dsl.ParallelFor(name=): the group's taskInfo.name (default: its for-loop-N). */
  displayName?: string;
  yamlPath?: readonly (string | number)[];
}

/**
 * dsl.ExitHandler: `exitTask` (a task of `tasks`, compiled at the root DAG)
 * runs once the body has ended, whether it succeeded or failed. `name` is the
 * pipeline.yaml key of the block, a label for messages; the IR names the
 * group exit-handler-N as kfp does.
 */
export interface ExitHandlerBlock {
  name: string;
  exitTask: string;
  body: PipelineNode[];
  /** dsl.ExitHandler(name=): the group's taskInfo.name (default: its exit-handler-N). */
  displayName?: string;
  yamlPath?: readonly (string | number)[];
}

/** A pipeline's body as written: tasks, condition blocks, loops and exit handlers, nested, in file order. */
export type PipelineNode =
  | { kind: 'task'; task: string }
  | { kind: 'condition'; block: ConditionBlock }
  | { kind: 'loop'; loop: LoopBlock }
  | { kind: 'exit-handler'; block: ExitHandlerBlock };

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
  /** set_caching_options(cache_key=...): the task's cache key instead of one from its inputs and executor (with its component's identity). */
  cache_key?: string;
  retry?: RetryPolicy;
  resources?: TaskResources;
  env?: Record<string, string>;
  secrets?: SecretAsEnv[];
  tolerations?: Toleration[];
  /**
   * set_container_image(image): the image this task's executor runs instead of its component's - a constant
   * reference, or a value the run gives it (a pipeline parameter, an upstream output, a loop item: ir-image.ts).
   */
  image?: string | ImageChannel;
  /** pipeline.yaml's timeout in seconds (kfp-kubernetes' set_timeout: the pod's activeDeadlineSeconds). */
  timeout_seconds?: number;
  /** The other kfp-kubernetes options (volumes, config maps, node selector, pod metadata, ...). */
  kubernetes?: KubernetesTaskOptions;
  /** kfp's .ignore_upstream_failure(): the task runs once its upstream tasks have ended, succeeded or not (triggerPolicy ALL_UPSTREAM_TASKS_COMPLETED). */
  ignore_upstream_failure?: boolean;
  /** dsl.importer instead of a component (component is then ''): its one output is `artifact` (src/kfp/importer.ts). */
  importer?: ImporterSpec;
  /** kfp-kubernetes' CreatePVC instead of a component (component is then ''): its one output is `name` (src/kfp/kubernetes-pvc.ts). */
  create_pvc?: CreatePvcSpec;
  /** kfp-kubernetes' DeletePVC instead of a component (component is then ''): deletes the claim a create_pvc task made. */
  delete_pvc?: { pvc: OutputReference };
}

/**
 * kubernetes.CreatePVC's arguments (pvc_name, pvc_name_suffix, access_modes,
 * size, storage_class_name, volume_name, annotations, data_source); only those
 * given are written, as kfp writes only the arguments passed.
 */
export interface CreatePvcSpec {
  access_modes: string[];
  size: string;
  /** pvc_name: the claim's whole name, or (CreatePVC is a component, its pvc_name an input) a String pipeline parameter or upstream output that holds it. */
  name?: string | { parameter: string } | OutputReference;
  /** pvc_name_suffix: the claim is named <run's workflow name><suffix>. */
  name_suffix?: string;
  storage_class_name?: string;
  volume_name?: string;
  annotations?: Record<string, string>;
  /** data_source: PersistentVolumeClaim.spec.dataSource, what the new claim is filled from (a VolumeSnapshot, a claim to clone). */
  data_source?: PvcDataSource;
}

/** A TypedLocalObjectReference as the KFP driver reads CreatePVC's data_source: apiGroup ('' or absent: the core group), kind, name. */
export interface PvcDataSource {
  apiGroup?: string;
  kind: string;
  name: string;
}

/**
 * dsl.importer(artifact_uri, artifact_class, reimport, metadata). `metadata`
 * is a JSON mapping as written, where a mapping {parameter: p} at any depth
 * is that pipeline parameter (kfp's pipeline channel in metadata).
 */
export interface ImporterSpec {
  artifact_uri: { kind: 'parameter'; parameter: string } | { kind: 'literal'; value: string };
  type: ArtifactTypeName;
  reimport?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * A pipeline output: an output of one of its tasks, published under a name of its own (kfp's pipeline function return
 * value), or the output of whichever branch of an if/elif/else ran (a dsl.OneOf returned).
 */
export type PipelineOutput = { name: string; task: string; output: string } | { name: string; oneOf: OutputReference[] };

/** The pipeline outputs that name one task output (not a dsl.OneOf). */
export function taskPipelineOutputs(outputs: readonly PipelineOutput[] | undefined): { name: string; task: string; output: string }[] {
  return (outputs ?? []).filter((output): output is Extract<PipelineOutput, { task: string }> => !('oneOf' in output));
}

export interface PipelineDefinition {
  /** Workspace-relative path of pipeline.yaml, for messages. */
  file: string;
  name: string;
  description?: string;
  /** @dsl.pipeline(display_name=...): pipelineInfo.displayName, what the KFP UI shows. */
  display_name?: string;
  /** @dsl.pipeline(pipeline_root=...): defaultPipelineRoot, where the run's artifacts go. */
  pipeline_root?: string;
  parameters: PipelineParameter[];
  tasks: PipelineTask[];
  /** The nesting of tasks under conditions, in file order; absent: every task at the top level. `tasks` holds every task either way. */
  body?: PipelineNode[];
  /** pipeline.yaml's `outputs:` (root outputDefinitions and dag.outputs), in file order. */
  outputs?: PipelineOutput[];
}
