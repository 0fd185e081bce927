/**
 * pipeline.yaml's Kubernetes options through the reader and the checker:
 * what they read into the model, and every refusal at once, each at its
 * line and column (the compiled form is held to kfp-kubernetes' by the
 * kubernetes_options differential fixture).
 */
import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';
const COMPONENTS = new Map<string, ComponentSpec>([['step', { name: 'step', inputs: [], outputs: [], implementation: { container: { image: 'alpine' } } }]]);

function readAndCheck(text: string): { definition: ReturnType<typeof readPipeline>['definition']; messages: string[] } {
  const { definition, source, problems } = readPipeline(text, FILE);
  const checked = problems.length === 0 ? checkPipeline({ definition: definition!, source, components: COMPONENTS }) : [];
  return { definition, messages: [...problems, ...checked].map(formatProblem) };
}

describe('Kubernetes options of a task', () => {
  it('reads each option into the model, in file order', () => {
    const { definition, messages } = readAndCheck(`name: p
display_name: My pipeline
pipeline_root: minio://mlpipeline/v2/artifacts
parameters:
  claim: {type: String, default: shared}
tasks:
  a:
    component: step
    env: {my.setting-1: x}
    secrets:
    - {secret_name: s, keys: {k: K}, optional: true}
    - {secret_name: certs, mount_path: /etc/certs}
    config_maps:
    - {config_map_name: c, keys: {level: LEVEL}, mount_path: /etc/c, optional: true}
    volumes:
    - {pvc: {parameter: claim}, mount_path: /data, sub_path: runs}
    - {empty_dir: scratch, mount_path: /scratch, medium: Memory, size_limit: 1Gi}
    node_selector: {pool: gpu}
    image_pull_secrets: [regcred]
    image_pull_policy: Never
    pod_labels: {team: ml}
    pod_annotations: {note: 'a: b'}
    field_path_env: {POD: metadata.name}
`);
    expect(messages).toEqual([]);
    expect(definition).toMatchObject({ display_name: 'My pipeline', pipeline_root: 'minio://mlpipeline/v2/artifacts' });
    const task = definition!.tasks[0];
    expect(task.env).toEqual({ 'my.setting-1': 'x' });
    expect(task.secrets).toEqual([{ secret_name: 's', keys: { k: 'K' }, optional: true, at: ['secrets', 0] }]);
    expect(task.kubernetes).toEqual({
      secret_volumes: [{ name: 'certs', mount_path: '/etc/certs', at: ['secrets', 1] }],
      config_maps_as_env: [{ config_map_name: 'c', keys: { level: 'LEVEL' }, optional: true, at: ['config_maps', 0] }],
      config_map_volumes: [{ name: 'c', mount_path: '/etc/c', optional: true, at: ['config_maps', 0] }],
      pvc_mounts: [{ pvc_name: { kind: 'parameter', parameter: 'claim' }, mount_path: '/data', sub_path: 'runs', at: ['volumes', 0] }],
      empty_dirs: [{ volume_name: 'scratch', mount_path: '/scratch', medium: 'Memory', size_limit: '1Gi', at: ['volumes', 1] }],
      node_selector: { pool: 'gpu' },
      image_pull_secrets: ['regcred'],
      image_pull_policy: 'Never',
      pod_labels: { team: 'ml' },
      pod_annotations: { note: 'a: b' },
      field_path_env: { POD: 'metadata.name' },
    });
  });

  it('refuses what Kubernetes would refuse, every problem at once at its line and column', () => {
    expect(
      readAndCheck(`name: p
pipeline_root: bucket/root
tasks:
  a:
    component: step
    secrets:
    - {secret_name: Certs, mount_path: etc/certs}
    - {secret_name: s, optional: yes}
    config_maps:
    - {config_map_name: c, keys: {'a b': 1VAR}}
    volumes:
    - {pvc: Data, mount_path: /data, sub_path: ../up}
    - {empty_dir: Scratch, mount_path: /s, medium: disk, size_limit: 1GB}
    - {pvc: d, empty_dir: e, mount_path: /x}
    node_selector: {'a/b/c': v, pool: 'has space'}
    image_pull_secrets: [Regcred]
    image_pull_policy: always
    pod_labels: {team: 1}
    field_path_env: {1POD: metadata.name, NODE: status.phase}
    node_affinity:
    - {match_expressions: [{key: zone, operator: In}], weight: 0}
    - {match_fields: [{key: metadata.labels, operator: In, values: [a]}]}
`).messages,
    ).toMatchInlineSnapshot(`
[
  "pipelines/p/pipeline.yaml:2:16: pipeline_root: must be a URI with a scheme, such as gs://bucket/pipeline-root or minio://mlpipeline/v2/artifacts (got "bucket/root").",
  "pipelines/p/pipeline.yaml:7:21: task "a", secrets[0].secret_name: "Certs" is not a valid Kubernetes secret name: use a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit, at most 253 characters), e.g. warehouse-credentials.",
  "pipelines/p/pipeline.yaml:7:40: task "a", secrets[0].mount_path: must be an absolute path in the container without ":", e.g. /mnt/data (got "etc/certs").",
  "pipelines/p/pipeline.yaml:8:7: task "a", secrets[1]: needs keys (secret key -> environment variable name) or mount_path (to mount the secret as files), or both.",
  "pipelines/p/pipeline.yaml:8:34: task "a", secrets[1].optional: must be true or false.",
  "pipelines/p/pipeline.yaml:10:35: task "a", config_maps[0].keys.a b: "a b" is not a valid Kubernetes config map key: use letters, digits, "-", "_" and "." (not "." or "..", at most 253 characters), e.g. password.",
  "pipelines/p/pipeline.yaml:10:42: task "a", config_maps[0].keys.a b: "1VAR" is not a valid environment variable name: Kubernetes takes letters, digits, "_", "-" and ".", not starting with a digit.",
  "pipelines/p/pipeline.yaml:12:13: task "a", volumes[0].pvc: "Data" is not a valid Kubernetes persistent volume claim name: use a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit, at most 253 characters), e.g. shared-data.",
  "pipelines/p/pipeline.yaml:12:48: task "a", volumes[0].sub_path: must be a relative path inside the volume without "..", e.g. run-1 (got "../up").",
  "pipelines/p/pipeline.yaml:13:19: task "a", volumes[1].empty_dir: must be the volume's name, a DNS-1123 label (a-z, 0-9 and "-", at most 63 characters), e.g. scratch (got "Scratch").",
  "pipelines/p/pipeline.yaml:13:52: task "a", volumes[1].medium: must be Memory or HugePages (or HugePages-2Mi, ...); leave it out for the node's disk (got "disk").",
  "pipelines/p/pipeline.yaml:13:70: task "a", volumes[1].size_limit: must be a Kubernetes quantity such as 1Gi or 500Mi (got "1GB").",
  "pipelines/p/pipeline.yaml:14:7: task "a", volumes[2]: must be a mapping with either pvc (an existing PersistentVolumeClaim) or empty_dir (a scratch volume), and mount_path.",
  "pipelines/p/pipeline.yaml:15:21: task "a", node_selector.a/b/c: "a/b/c" is not a valid node label key: Kubernetes takes an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, e.g. app.kubernetes.io/part-of.",
  "pipelines/p/pipeline.yaml:15:39: task "a", node_selector.pool: "has space" is not a valid node label value: Kubernetes takes at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or nothing).",
  "pipelines/p/pipeline.yaml:21:28: task "a", node_affinity[0].match_expressions[0]: needs values: In compares the label with a list.",
  "pipelines/p/pipeline.yaml:21:64: task "a", node_affinity[0].weight: must be a whole number from 1 to 100 (a preference; leave it out for a requirement) (got 0).",
  "pipelines/p/pipeline.yaml:22:29: task "a", node_affinity[1].match_fields[0].key: must be metadata.name, the only node field Kubernetes selects on (got "metadata.labels").",
  "pipelines/p/pipeline.yaml:18:24: task "a", pod_labels.team: must be a string: quote it ('1').",
  "pipelines/p/pipeline.yaml:16:26: task "a", image_pull_secrets[0]: "Regcred" is not a valid Kubernetes image pull secret name: use a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit, at most 253 characters), e.g. registry-credentials.",
  "pipelines/p/pipeline.yaml:17:24: task "a", image_pull_policy: must be Always, Never, IfNotPresent (got "always").",
  "pipelines/p/pipeline.yaml:19:22: task "a", field_path_env.1POD: "1POD" is not a valid environment variable name: Kubernetes takes letters, digits, "_", "-" and ".", not starting with a digit.",
  "pipelines/p/pipeline.yaml:19:49: task "a", field_path_env.NODE: "status.phase" is not a pod field Kubernetes can put in an environment variable: use metadata.name, metadata.namespace, metadata.uid, metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs.",
]
`);
  });

  it('refuses, after reading, two volumes on one path, a variable set twice and a PVC parameter that cannot name a claim (a String parameter names one inside a condition too)', () => {
    expect(
      readAndCheck(`name: p
parameters:
  claim: {type: Integer, default: 1}
  name: {type: String, default: x}
tasks:
  a:
    component: step
    env: {LEVEL: debug}
    secrets:
    - {secret_name: s, keys: {k: TOKEN}, mount_path: /etc/app}
    config_maps:
    - {config_map_name: c, keys: {level: LEVEL}, mount_path: /etc/app/}
    volumes:
    - {pvc: {parameter: claim}, mount_path: /data}
    - {pvc: {parameter: nothing}, mount_path: /data2}
    - {empty_dir: scratch, mount_path: /s1}
    - {empty_dir: scratch, mount_path: /s2}
    - {empty_dir: kfp-launcher, mount_path: /s3/}
    field_path_env: {TOKEN: metadata.name}
  c:
    component: step
    secrets: [{secret_name: {parameter: claim}, keys: {k: K2}, mount_path: /k}]
    config_maps: [{config_map_name: {parameter: none}, mount_path: /c}]
    image_pull_secrets: [regcred, {parameter: claim}]
  gate:
    if: {left: {parameter: name}, operator: '==', right: x}
    then:
      b:
        component: step
        volumes: [{pvc: {parameter: name}, mount_path: /data}]
        secrets: [{secret_name: {parameter: name}, keys: {k: K3}}]
`).messages,
    ).toMatchInlineSnapshot(`
[
  "pipelines/p/pipeline.yaml:12:62: task "a", config_maps[0].mount_path: /etc/app/ is already the mount path of secret s (secrets[0]): Kubernetes refuses two volumes on one path; give each its own folder.",
  "pipelines/p/pipeline.yaml:18:45: task "a", volumes[4].mount_path: /s3/ is where KFP mounts its own volume s3-scratch in every task's pod: Kubernetes refuses a second volume there; choose another folder.",
  "pipelines/p/pipeline.yaml:17:19: task "a", volumes[3].empty_dir: "scratch" is already the name of an emptyDir volume of this task (volumes[2]): a pod's volumes need distinct names.",
  "pipelines/p/pipeline.yaml:18:19: task "a", volumes[4].empty_dir: "kfp-launcher" is the name of a volume KFP adds to every task's pod: a pod's volumes need distinct names; choose another.",
  "pipelines/p/pipeline.yaml:12:42: task "a", config_maps[0].keys.level: environment variable LEVEL is already set by env.LEVEL: Kubernetes would keep only the last one; remove one of them.",
  "pipelines/p/pipeline.yaml:19:22: task "a", field_path_env.TOKEN: environment variable TOKEN is already set by secrets[0].keys.k: Kubernetes would keep only the last one; remove one of them.",
  "pipelines/p/pipeline.yaml:14:25: task "a", volumes[0].pvc.parameter: pipeline parameter "claim" is Integer: a PVC name is a String parameter.",
  "pipelines/p/pipeline.yaml:15:25: task "a", volumes[1].pvc.parameter: unknown pipeline parameter "nothing"; declared parameters: claim, name.",
  "pipelines/p/pipeline.yaml:22:41: task "c", secrets[0].secret_name.parameter: pipeline parameter "claim" is Integer: a secret name is a String parameter.",
  "pipelines/p/pipeline.yaml:23:49: task "c", config_maps[0].config_map_name.parameter: unknown pipeline parameter "none"; declared parameters: claim, name.",
  "pipelines/p/pipeline.yaml:24:47: task "c", image_pull_secrets[1].parameter: pipeline parameter "claim" is Integer: an image pull secret name is a String parameter.",
]
`);
  });
});
