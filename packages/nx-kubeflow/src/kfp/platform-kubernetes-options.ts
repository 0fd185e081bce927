/**
 * The KubernetesExecutorConfig fields of a task's kfp-kubernetes options, as
 * the kfp.kubernetes functions write them (json_format.MessageToDict of the
 * message each call extends: camelCase, proto3 defaults left out, repeated
 * fields in call order). A Secret, ConfigMap or PVC named by a constant is
 * written twice, as kfp-kubernetes does: the current *NameParameter and the
 * deprecated name field; one named by a pipeline parameter only by the
 * parameter (componentInputParameter), and mount_pvc repeats it in the
 * deprecated oneof. Where the parameter or a create_pvc task's output comes
 * from depends on the task's group (a root input, a sibling's output, or the
 * group's pipelinechannel input): the caller's NameSource says which.
 */
import type { KubernetesTaskOptions, NodeSelectorRequirement, PvcMount } from './pipeline-model';
import { Double } from './ir-values';
import { k8sName } from './kfp-names';

const constantParameter = (name: string) => ({ runtimeValue: { constant: name } });

/** A name given at run time: a pipeline parameter, or a create_pvc task's output. */
export type NameRef = { kind: 'parameter'; parameter: string } | { kind: 'task-output'; task: string; output: string };

/**
 * Where a task's platform config reads a name from, as one TaskInputsSpec parameter
 * ({componentInputParameter} or {taskOutputParameter}). At the top level (this default)
 * a parameter is the root input of its name and a task output the producer's; ir-groups.ts'
 * platformNameSource gives a task inside a group its group's pipelinechannel inputs.
 */
export type NameSource = (ref: NameRef) => Record<string, unknown>;

export const rootNameSource: NameSource = (ref) =>
  ref.kind === 'parameter' ? { componentInputParameter: ref.parameter } : { taskOutputParameter: { outputParameterKey: ref.output, producerTask: k8sName(ref.task) } };

/** The deprecated name field and the current *NameParameter: a constant twice, a pipeline parameter once. */
export function objectName(field: 'secretName' | 'configMapName', name: string, parameter: string | undefined, source: NameSource = rootNameSource): Record<string, unknown> {
  return parameter ? { [`${field}Parameter`]: source({ kind: 'parameter', parameter }) } : { [field]: name, [`${field}Parameter`]: constantParameter(name) };
}

/** The fields to merge into the executor's config; empty when the task has no such options. */
export function kubernetesOptionFields(options: KubernetesTaskOptions | undefined, source: NameSource = rootNameSource): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!options) return fields;
  if (options.secret_volumes?.length) {
    fields.secretAsVolume = options.secret_volumes.map((volume) => ({
      mountPath: volume.mount_path,
      optional: volume.optional ?? false,
      ...objectName('secretName', volume.name, volume.name_parameter, source),
    }));
  }
  if (options.config_maps_as_env?.length) {
    fields.configMapAsEnv = options.config_maps_as_env.map((configMap) => ({
      ...objectName('configMapName', configMap.config_map_name, configMap.name_parameter, source),
      keyToEnv: Object.entries(configMap.keys).map(([configMapKey, envVar]) => ({ configMapKey, envVar })),
      optional: configMap.optional ?? false,
    }));
  }
  if (options.config_map_volumes?.length) {
    fields.configMapAsVolume = options.config_map_volumes.map((volume) => ({
      ...objectName('configMapName', volume.name, volume.name_parameter, source),
      mountPath: volume.mount_path,
      optional: volume.optional ?? false,
    }));
  }
  if (options.pvc_mounts?.length) fields.pvcMount = options.pvc_mounts.map((mount) => pvcMountEntry(mount, source));
  if (options.empty_dirs?.length) {
    fields.emptyDirMounts = options.empty_dirs.map((mount) => ({
      ...(mount.medium !== undefined ? { medium: mount.medium } : {}),
      mountPath: mount.mount_path,
      ...(mount.size_limit !== undefined ? { sizeLimit: mount.size_limit } : {}),
      volumeName: mount.volume_name,
    }));
  }
  if (options.node_selector && Object.keys(options.node_selector).length > 0) fields.nodeSelector = { labels: { ...options.node_selector } };
  if (options.node_affinity?.length) {
    // the platform config travels as a protobuf Struct, where every number is a double: kfp writes weight: 50.0
    fields.nodeAffinity = options.node_affinity.map((term) => ({
      ...(term.match_expressions ? { matchExpressions: term.match_expressions.map(requirement) } : {}),
      ...(term.match_fields ? { matchFields: term.match_fields.map(requirement) } : {}),
      ...(term.weight !== undefined ? { weight: new Double(term.weight) } : {}),
    }));
  }
  if (options.image_pull_secrets?.length) {
    fields.imagePullSecret = options.image_pull_secrets.map((name) =>
      typeof name === 'string' ? { secretName: name, secretNameParameter: constantParameter(name) } : { secretNameParameter: source({ kind: 'parameter', parameter: name.parameter }) },
    );
  }
  if (options.image_pull_policy !== undefined) fields.imagePullPolicy = options.image_pull_policy;
  const labels = options.pod_labels && Object.keys(options.pod_labels).length > 0 ? { labels: { ...options.pod_labels } } : {};
  const annotations = options.pod_annotations && Object.keys(options.pod_annotations).length > 0 ? { annotations: { ...options.pod_annotations } } : {};
  if (Object.keys(labels).length + Object.keys(annotations).length > 0) fields.podMetadata = { ...annotations, ...labels };
  if (options.field_path_env && Object.keys(options.field_path_env).length > 0) {
    fields.fieldPathAsEnv = Object.entries(options.field_path_env).map(([name, fieldPath]) => ({ fieldPath, name }));
  }
  return fields;
}

function requirement(entry: NodeSelectorRequirement): Record<string, unknown> {
  return { key: entry.key, operator: entry.operator, ...(entry.values?.length ? { values: [...entry.values] } : {}) };
}

/**
 * mount_pvc: a constant, or a pipeline parameter or create_pvc task's output
 * read where the task's group has it (`source`), each also in the deprecated
 * oneof (constant, componentInputParameter or taskOutputParameter) as
 * kfp-kubernetes writes it.
 */
function pvcMountEntry(mount: PvcMount, source: NameSource): Record<string, unknown> {
  const { pvc_name: pvc } = mount;
  const name = pvc.kind === 'constant' ? { constant: pvc.name, pvcNameParameter: constantParameter(pvc.name) } : (() => {
    const read = source(pvc);
    return { ...read, pvcNameParameter: structuredClone(read) };
  })();
  return { ...name, mountPath: mount.mount_path, ...(mount.sub_path ? { subPath: mount.sub_path } : {}) };
}
