/**
 * The Kubernetes rules of kubernetes-names.ts: what the cluster takes and
 * refuses, and the same expressions in pipeline.schema.json (the editor's
 * verdict must be the compiler's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VAR_NAME, FIELD_PATH, LABEL_VALUE, MOUNT_PATH, OBJECT_NAME, QUALIFIED_NAME, QUANTITY, SUB_PATH, VOLUME_NAME, EMPTY_DIR_MEDIUM, IMAGE_REFERENCE } from './kubernetes-names';

const schema = JSON.parse(readFileSync(join(__dirname, 'pipeline.schema.json'), 'utf8'));
const task = schema.definitions.task.properties;

describe('Kubernetes name rules', () => {
  it.each([
    ['qualified name', QUALIFIED_NAME, ['team', 'app.kubernetes.io/part-of', 'A_b.c-9', `${'a'.repeat(253)}/x`, 'x'.repeat(63)], ['', '-a', 'a-', 'a/b/c', 'Example.com/x', `${'a'.repeat(254)}/x`, 'x'.repeat(64), '/x', 'a b']],
    ['label value', LABEL_VALUE, ['', 'ml', 'v1.2_3-x', 'x'.repeat(63)], ['-a', 'a-', 'a b', 'x'.repeat(64), 'a/b']],
    ['env var name', ENV_VAR_NAME, ['A', '_A', 'my.setting-1', '-x', '.x', 'a1'], ['', '1A', 'A B', 'A=B', 'é']],
    ['object name', OBJECT_NAME, ['a', 'a.b-c', 'x'.repeat(253)], ['', 'A', 'a_b', '-a', 'a..b', 'x'.repeat(254)]],
    ['volume name', VOLUME_NAME, ['scratch', 'a-1', 'x'.repeat(63)], ['', 'a.b', 'A', 'x'.repeat(64)]],
    ['mount path', MOUNT_PATH, ['/', '/data', '/mnt/a b'], ['', 'data', './data', '/a:b']],
    ['sub path', SUB_PATH, ['a', 'runs/one', 'a..b', '.x'], ['', '/a', '..', '../a', 'a/../b', 'a/..']],
    ['quantity', QUANTITY, ['1Gi', '500Mi', '1', '0.5G', '1e3', '.5'], ['', 'Gi', '1GB', '1gi', '-1Gi', '1 Gi']],
    ['field path', FIELD_PATH, ['metadata.name', 'spec.nodeName', "metadata.labels['team']", "metadata.annotations['example.com/x']", 'status.podIPs'], ['metadata.labels', 'metadata.labels[team]', 'spec.containers', 'status.phase', '']],
    [
      'image reference',
      IMAGE_REFERENCE,
      ['python', 'python:3.12-slim', 'library/python:3', 'ghcr.io/acme/ml/trainer:1.4', 'localhost/x', 'localhost:5000/x:T_1', 'registry:5000/a/b', 'my-registry.local:443/a__b/c--d', `a@sha256:${'0'.repeat(64)}`, `a:t@sha256:${'F'.repeat(64)}`, `x:${'t'.repeat(128)}`],
      ['', 'Python', 'a/B', 'a:', 'a:-t', `x:${'t'.repeat(129)}`, 'a@sha256:abc', 'docker://a', 'a b', '/a', 'a/', 'a//b', 'a..b', 'a_-b', 'Registry/a', 'a:1:2', 'http://r.io/a'],
    ],
    ['emptyDir medium', EMPTY_DIR_MEDIUM, ['Memory', 'HugePages', 'HugePages-2Mi'], ['memory', '', 'Disk']],
  ])('%s', (_what, rule, good, bad) => {
    expect(good.filter((value) => !rule.test(value))).toEqual([]);
    expect(bad.filter((value) => rule.test(value))).toEqual([]);
  });

  it('are the patterns pipeline.schema.json gives the same fields', () => {
    const volume = (title: string) => task.volumes.items.oneOf.find((entry: { title: string }) => entry.title === title).properties;
    expect({
      env: task.env.propertyNames.pattern,
      secretKeyEnv: task.secrets.items.properties.keys.additionalProperties.pattern,
      mountPath: task.secrets.items.properties.mount_path.pattern,
      configMapName: task.config_maps.items.properties.config_map_name.anyOf[0].pattern,
      configMapMount: task.config_maps.items.properties.mount_path.pattern,
      pvcName: volume('pvc').pvc.anyOf.find((branch: { pattern?: string }) => branch.pattern).pattern,
      pvcMount: volume('pvc').mount_path.pattern,
      subPath: volume('pvc').sub_path.pattern,
      emptyDir: volume('empty_dir').empty_dir.pattern,
      emptyDirMount: volume('empty_dir').mount_path.pattern,
      medium: volume('empty_dir').medium.pattern,
      sizeLimit: volume('empty_dir').size_limit.pattern,
      nodeSelectorKey: task.node_selector.propertyNames.pattern,
      affinityKey: schema.definitions.nodeSelectorRequirement.properties.key.pattern,
      nodeSelectorValue: task.node_selector.additionalProperties.pattern,
      pullSecret: task.image_pull_secrets.items.anyOf[0].pattern,
      labelKey: task.pod_labels.propertyNames.pattern,
      labelValue: task.pod_labels.additionalProperties.pattern,
      annotationKey: task.pod_annotations.propertyNames.pattern,
      fieldPathEnv: task.field_path_env.propertyNames.pattern,
      fieldPath: task.field_path_env.additionalProperties.pattern,
      image: task.image.anyOf[0].pattern,
    }).toEqual({
      env: ENV_VAR_NAME.source,
      secretKeyEnv: ENV_VAR_NAME.source,
      mountPath: MOUNT_PATH.source,
      configMapName: OBJECT_NAME.source,
      configMapMount: MOUNT_PATH.source,
      pvcName: OBJECT_NAME.source,
      pvcMount: MOUNT_PATH.source,
      subPath: SUB_PATH.source,
      emptyDir: VOLUME_NAME.source,
      emptyDirMount: MOUNT_PATH.source,
      medium: EMPTY_DIR_MEDIUM.source,
      sizeLimit: QUANTITY.source,
      nodeSelectorKey: QUALIFIED_NAME.source,
      affinityKey: QUALIFIED_NAME.source,
      nodeSelectorValue: LABEL_VALUE.source,
      pullSecret: OBJECT_NAME.source,
      labelKey: QUALIFIED_NAME.source,
      labelValue: LABEL_VALUE.source,
      annotationKey: QUALIFIED_NAME.source,
      fieldPathEnv: ENV_VAR_NAME.source,
      fieldPath: FIELD_PATH.source,
      image: IMAGE_REFERENCE.source,
    });
  });
});
