/**
 * The KubernetesExecutorConfig fields of a task's kfp-kubernetes options, as
 * the kfp.kubernetes functions write them (json_format.MessageToDict of the
 * message each call extends: camelCase, proto3 defaults left out, repeated
 * fields in call order). A Secret, ConfigMap or PVC named by a constant is
 * written twice, as kfp-kubernetes does: the current *NameParameter and the
 * deprecated name field; one named by a pipeline parameter only by the
 * parameter (componentInputParameter), and mount_pvc repeats it in the
 * deprecated oneof.
 */
import type { KubernetesTaskOptions, NodeSelectorRequirement, PvcMount } from './pipeline-model';
import { Double } from './ir-values';
import { k8sName } from './kfp-names';

const constantParameter = (name: string) => ({ runtimeValue: { constant: name } });

/** The deprecated name field and the current *NameParameter: a constant twice, a pipeline parameter once. */
function objectName(field: 'secretName' | 'configMapName', name: string, parameter: string | undefined): Record<string, unknown> {
  return parameter ? { [`${field}Parameter`]: { componentInputParameter: parameter } } : { [field]: name, [`${field}Parameter`]: constantParameter(name) };
}

/** The fields to merge into the executor's config; empty when the task has no such options. */
export function kubernetesOptionFields(options: KubernetesTaskOptions | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!options) return fields;
  if (options.secret_volumes?.length) {
    fields.secretAsVolume = options.secret_volumes.map((volume) => ({
      mountPath: volume.mount_path,
      optional: volume.optional ?? false,
      ...objectName('secretName', volume.name, volume.name_parameter),
    }));
  }
  if (options.config_maps_as_env?.length) {
    fields.configMapAsEnv = options.config_maps_as_env.map((configMap) => ({
      ...objectName('configMapName', configMap.config_map_name, configMap.name_parameter),
      keyToEnv: Object.entries(configMap.keys).map(([configMapKey, envVar]) => ({ configMapKey, envVar })),
      optional: configMap.optional ?? false,
    }));
  }
  if (options.config_map_volumes?.length) {
    fields.configMapAsVolume = options.config_map_volumes.map((volume) => ({
      ...objectName('configMapName', volume.name, volume.name_parameter),
      mountPath: volume.mount_path,
      optional: volume.optional ?? false,
    }));
  }
  if (options.pvc_mounts?.length) fields.pvcMount = options.pvc_mounts.map(pvcMountEntry);
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
      typeof name === 'string' ? { secretName: name, secretNameParameter: constantParameter(name) } : { secretNameParameter: { componentInputParameter: name.parameter } },
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
 * mount_pvc: a pipeline parameter is the root DAG's input of that name, a
 * create_pvc task's output its taskOutputParameter (the checker keeps both to
 * root tasks), each also in the deprecated oneof as kfp-kubernetes writes it.
 */
function pvcMountEntry(mount: PvcMount): Record<string, unknown> {
  const { pvc_name: pvc } = mount;
  const name =
    pvc.kind === 'constant'
      ? { constant: pvc.name, pvcNameParameter: constantParameter(pvc.name) }
      : pvc.kind === 'parameter'
        ? { componentInputParameter: pvc.parameter, pvcNameParameter: { componentInputParameter: pvc.parameter } }
        : (() => {
            const output = { outputParameterKey: pvc.output, producerTask: k8sName(pvc.task) };
            return { taskOutputParameter: output, pvcNameParameter: { taskOutputParameter: { ...output } } };
          })();
  return { ...name, mountPath: mount.mount_path, ...(mount.sub_path ? { subPath: mount.sub_path } : {}) };
}
