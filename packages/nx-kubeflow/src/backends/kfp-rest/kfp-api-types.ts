/**
 * The parts of the KFP v2beta1 REST resources this backend reads and writes,
 * with the field names as they go over the wire (snake_case, int64 as
 * strings), per kfp_api_single_file.swagger.json.
 */

export type KfpRuntimeState =
  | 'RUNTIME_STATE_UNSPECIFIED'
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SKIPPED'
  | 'FAILED'
  | 'CANCELING'
  | 'CANCELED'
  | 'PAUSED';

/**
 * An error answer's body: google.rpc.Status from the gRPC gateway (grpc-gateway
 * v1 added `error`); the multipart upload handlers write
 * {error_message, error_details} instead, error_details a Go stack trace.
 */
export interface KfpStatus {
  code?: number;
  message?: string;
  error?: string;
  details?: unknown[];
  error_message?: string;
  error_details?: string;
}

export interface KfpPipeline {
  pipeline_id?: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  tags?: Record<string, string>;
}

export interface KfpPipelineVersion {
  pipeline_id?: string;
  pipeline_version_id?: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  code_source_url?: string;
  pipeline_spec?: Record<string, unknown>;
  tags?: Record<string, string>;
}

export interface KfpExperiment {
  experiment_id?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
}

export interface KfpPipelineVersionReference {
  pipeline_id?: string;
  pipeline_version_id?: string;
}

export interface KfpRuntimeConfig {
  parameters?: Record<string, unknown>;
  pipeline_root?: string;
}

export interface KfpTaskDetail {
  run_id?: string;
  task_id?: string;
  display_name?: string;
  create_time?: string;
  start_time?: string;
  end_time?: string;
  state?: KfpRuntimeState;
  error?: KfpStatus;
  parent_task_id?: string;
  state_history?: { update_time?: string; state?: KfpRuntimeState; error?: KfpStatus }[];
  child_tasks?: { task_id?: string; pod_name?: string }[];
}

export interface KfpRun {
  run_id?: string;
  experiment_id?: string;
  display_name?: string;
  description?: string;
  pipeline_version_reference?: KfpPipelineVersionReference;
  /** Where the run was made from a spec rather than a version reference. */
  pipeline_spec?: Record<string, unknown>;
  runtime_config?: KfpRuntimeConfig;
  service_account?: string;
  created_at?: string;
  finished_at?: string;
  state?: KfpRuntimeState;
  error?: KfpStatus;
  run_details?: { task_details?: KfpTaskDetail[] };
  recurring_run_id?: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
}

export interface KfpTrigger {
  cron_schedule?: { cron?: string; start_time?: string; end_time?: string };
  periodic_schedule?: { interval_second?: string; start_time?: string; end_time?: string };
}

export interface KfpRecurringRun {
  recurring_run_id?: string;
  display_name?: string;
  description?: string;
  pipeline_version_reference?: KfpPipelineVersionReference;
  runtime_config?: KfpRuntimeConfig;
  max_concurrency?: string;
  trigger?: KfpTrigger;
  mode?: 'MODE_UNSPECIFIED' | 'ENABLE' | 'DISABLE';
  created_at?: string;
  updated_at?: string;
  status?: 'STATUS_UNSPECIFIED' | 'ENABLED' | 'DISABLED';
  no_catchup?: boolean;
  namespace?: string;
  experiment_id?: string;
}

/** A `filter` query parameter: a JSON-serialized v2beta1Filter. */
export function equalsFilter(key: string, value: string): string {
  return JSON.stringify({ predicates: [{ key, operation: 'EQUALS', string_value: value }] });
}
