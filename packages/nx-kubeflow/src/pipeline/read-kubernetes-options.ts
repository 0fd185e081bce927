/**
 * A task's kfp-kubernetes options in pipeline.yaml, read into
 * KubernetesTaskOptions (and secrets, which pipeline.yaml had before: as env
 * and now as files). Each option is one kfp.kubernetes function; the shapes
 * are in README.md ("Kubernetes options"). Values Kubernetes would refuse
 * when the pod is created are refused here (kubernetes-names.ts); what needs
 * the whole task or the parameters (two volumes on one path, a PVC named by
 * an unknown parameter) is in check-kubernetes-options.ts.
 */
import { closestName } from '../kfp/type-suggestions';
import { namedRecord } from '../kfp/named-records';
import type { ConfigMapAsEnv, CreatePvcSpec, EmptyDirMount, KubernetesTaskOptions, NodeAffinityTerm, NodeSelectorRequirement, ObjectAsVolume, PvcDataSource, PvcMount, SecretAsEnv } from '../kfp/pipeline-model';
import {
  EMPTY_DIR_MEDIUM,
  envVarNameProblem,
  FIELD_PATH,
  IMAGE_PULL_POLICIES,
  labelValueProblem,
  mountPathProblem,
  OBJECT_NAME,
  objectNameProblem,
  QUANTITY,
  qualifiedNameProblem,
  SUB_PATH,
  VOLUME_NAME,
} from './kubernetes-names';
import { secretKeyProblem } from './pipeline-names';
import type { YamlPath } from './yaml-source';

/** Task keys this module reads (besides secrets, which read-pipeline.ts hands to readObjectReferences). */
export const KUBERNETES_TASK_KEYS = [
  'config_maps',
  'volumes',
  'node_selector',
  'node_affinity',
  'image_pull_secrets',
  'image_pull_policy',
  'pod_labels',
  'pod_annotations',
  'field_path_env',
] as const;

const SECRET_ENTRY_KEYS = ['secret_name', 'keys', 'mount_path', 'optional'] as const;
const CONFIG_MAP_ENTRY_KEYS = ['config_map_name', 'keys', 'mount_path', 'optional'] as const;
const PVC_KEYS = ['pvc', 'mount_path', 'sub_path'] as const;
const EMPTY_DIR_KEYS = ['empty_dir', 'mount_path', 'medium', 'size_limit'] as const;

/** Reports a problem at a path of the file; the field is worked out from the path. */
export type Report = (path: YamlPath, message: string, of?: 'key' | 'value') => void;

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A Report that counts what it reported: a reader of one part returns nothing when that part had a problem. */
function countingReport(report: Report): { problem: Report; problems: () => number } {
  let count = 0;
  return {
    problem: (at, message, of) => {
      count += 1;
      report(at, message, of);
    },
    problems: () => count,
  };
}

export function unknownKeys(raw: Dict, path: YamlPath, allowed: readonly string[], what: string, report: Report): void {
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    const suggestion = closestName(key, allowed);
    report([...path, key], `unknown key "${key}" in ${what}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${allowed.join(', ')}.`, 'key');
  }
}

/**
 * `secrets:` or `config_maps:`: a list of {secret_name | config_map_name,
 * keys, mount_path, optional}. An entry with keys is use_*_as_env, one with
 * mount_path use_*_as_volume; one with both is both calls.
 */
export function readObjectReferences(
  kind: 'secret' | 'config map',
  raw: unknown,
  path: YamlPath,
  report: Report,
): { env: (SecretAsEnv | ConfigMapAsEnv)[]; volumes: ObjectAsVolume[] } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const nameKey = kind === 'secret' ? 'secret_name' : 'config_map_name';
  const example = kind === 'secret' ? '[{secret_name: warehouse, keys: {password: WAREHOUSE_PASSWORD}}]' : '[{config_map_name: app-config, keys: {log_level: LOG_LEVEL}}]';
  if (!Array.isArray(raw)) {
    report(path, `must be a list such as ${example}.`);
    return undefined;
  }
  const env: (SecretAsEnv | ConfigMapAsEnv)[] = [];
  const volumes: ObjectAsVolume[] = [];
  raw.forEach((item, index) => {
    const itemPath = [...path, index];
    if (!isDict(item)) {
      report(itemPath, `must be a mapping {${nameKey}, keys and/or mount_path, optional}.`);
      return;
    }
    let problems = 0;
    const problem: Report = (at, message, of) => {
      problems += 1;
      report(at, message, of);
    };
    unknownKeys(item, itemPath, kind === 'secret' ? SECRET_ENTRY_KEYS : CONFIG_MAP_ENTRY_KEYS, `a ${kind}`, problem);
    const name = item[nameKey];
    let nameParameter: string | undefined;
    if (isDict(name) && 'parameter' in name) {
      unknownKeys(name, [...itemPath, nameKey], ['parameter'], 'a parameter reference', problem);
      if (typeof name.parameter === 'string' && name.parameter !== '') nameParameter = name.parameter;
      else problem([...itemPath, nameKey, 'parameter'], `must name a pipeline parameter (of type String) that holds the ${kind}'s name.`);
    } else if (typeof name !== 'string' || name === '') {
      problem(name === undefined ? itemPath : [...itemPath, nameKey], `needs ${nameKey}: the Kubernetes ${kind}'s name, or {parameter: p} for a pipeline parameter that holds it.`);
    } else {
      const nameProblem = objectNameProblem(name, kind);
      if (nameProblem) problem([...itemPath, nameKey], nameProblem);
    }
    if (item.keys === undefined && item.mount_path === undefined) {
      problem(itemPath, `needs keys (${kind} key -> environment variable name) or mount_path (to mount the ${kind} as files), or both.`);
    }
    if (item.keys !== undefined) {
      if (!isDict(item.keys) || Object.keys(item.keys).length === 0) {
        problem([...itemPath, 'keys'], `must be a mapping of ${kind} key to environment variable name.`);
      } else {
        for (const [key, variable] of Object.entries(item.keys)) {
          const keyProblem = secretKeyProblem(key);
          if (keyProblem) problem([...itemPath, 'keys', key], kind === 'secret' ? keyProblem : keyProblem.replace('secret key', 'config map key'), 'key');
          const variableProblem = envVarNameProblem(variable);
          if (variableProblem) problem([...itemPath, 'keys', key], variableProblem);
        }
      }
    }
    if (item.mount_path !== undefined) {
      const pathProblem = mountPathProblem(item.mount_path);
      if (pathProblem) problem([...itemPath, 'mount_path'], pathProblem);
    }
    if (item.optional !== undefined && typeof item.optional !== 'boolean') problem([...itemPath, 'optional'], 'must be true or false.');
    if (problems > 0) return;
    const optional = item.optional === undefined ? {} : { optional: item.optional as boolean };
    const at = [path[path.length - 1], index];
    const constantName = nameParameter === undefined ? (name as string) : '';
    const fromParameter = nameParameter === undefined ? {} : { name_parameter: nameParameter };
    if (item.keys !== undefined) {
      const keys = namedRecord(Object.entries(item.keys as Record<string, string>));
      env.push(kind === 'secret' ? { secret_name: constantName, keys, ...optional, at, ...fromParameter } : { config_map_name: constantName, keys, ...optional, at, ...fromParameter });
    }
    if (item.mount_path !== undefined) volumes.push({ name: constantName, mount_path: item.mount_path as string, ...optional, at, ...fromParameter });
  });
  return { env, volumes };
}

/** The options under KUBERNETES_TASK_KEYS; undefined when the task has none. */
export function readKubernetesOptions(raw: Dict, taskPath: YamlPath, report: Report): KubernetesTaskOptions | undefined {
  const options: KubernetesTaskOptions = {};
  const configMaps = readObjectReferences('config map', raw.config_maps, [...taskPath, 'config_maps'], report);
  if (configMaps?.env.length) options.config_maps_as_env = configMaps.env as ConfigMapAsEnv[];
  if (configMaps?.volumes.length) options.config_map_volumes = configMaps.volumes;
  const volumes = readVolumes(raw.volumes, [...taskPath, 'volumes'], report);
  if (volumes?.pvc.length) options.pvc_mounts = volumes.pvc;
  if (volumes?.emptyDir.length) options.empty_dirs = volumes.emptyDir;
  const nodeSelector = readStringMap(raw.node_selector, [...taskPath, 'node_selector'], report, 'node label key', 'node label value', '{cloud.google.com/gke-nodepool: gpu-pool}');
  if (nodeSelector && Object.keys(nodeSelector).length > 0) options.node_selector = nodeSelector;
  const affinity = readNodeAffinity(raw.node_affinity, [...taskPath, 'node_affinity'], report);
  if (affinity && affinity.length > 0) options.node_affinity = affinity;
  const labels = readStringMap(raw.pod_labels, [...taskPath, 'pod_labels'], report, 'label key', 'label value', '{team: forecasting}');
  if (labels && Object.keys(labels).length > 0) options.pod_labels = labels;
  const annotations = readStringMap(raw.pod_annotations, [...taskPath, 'pod_annotations'], report, 'annotation key', undefined, '{owner: data-team@example.com}');
  if (annotations && Object.keys(annotations).length > 0) options.pod_annotations = annotations;
  const pullSecrets = readPullSecrets(raw.image_pull_secrets, [...taskPath, 'image_pull_secrets'], report);
  if (pullSecrets && pullSecrets.length > 0) options.image_pull_secrets = pullSecrets;
  if (raw.image_pull_policy !== undefined && raw.image_pull_policy !== null) {
    if (typeof raw.image_pull_policy !== 'string' || !(IMAGE_PULL_POLICIES as readonly string[]).includes(raw.image_pull_policy)) {
      report([...taskPath, 'image_pull_policy'], `must be ${IMAGE_PULL_POLICIES.join(', ')} (got ${JSON.stringify(raw.image_pull_policy)}).`);
    } else {
      options.image_pull_policy = raw.image_pull_policy;
    }
  }
  const fieldPathEnv = readFieldPathEnv(raw.field_path_env, [...taskPath, 'field_path_env'], report);
  if (fieldPathEnv && Object.keys(fieldPathEnv).length > 0) options.field_path_env = fieldPathEnv;
  return Object.keys(options).length > 0 ? options : undefined;
}

/** volumes: [{pvc: name | {parameter: p}, mount_path, sub_path}, {empty_dir: name, mount_path, medium, size_limit}]. */
function readVolumes(raw: unknown, path: YamlPath, report: Report): { pvc: PvcMount[]; emptyDir: EmptyDirMount[] } | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    report(path, 'must be a list such as [{pvc: shared-data, mount_path: /data}, {empty_dir: scratch, mount_path: /scratch}].');
    return undefined;
  }
  const pvc: PvcMount[] = [];
  const emptyDir: EmptyDirMount[] = [];
  raw.forEach((item, index) => {
    const itemPath = [...path, index];
    if (!isDict(item) || ('pvc' in item) === ('empty_dir' in item)) {
      report(itemPath, 'must be a mapping with either pvc (an existing PersistentVolumeClaim) or empty_dir (a scratch volume), and mount_path.');
      return;
    }
    let problems = 0;
    const problem: Report = (at, message, of) => {
      problems += 1;
      report(at, message, of);
    };
    const isPvc = 'pvc' in item;
    unknownKeys(item, itemPath, isPvc ? PVC_KEYS : EMPTY_DIR_KEYS, isPvc ? 'a pvc volume' : 'an empty_dir volume', problem);
    const mountProblem = item.mount_path === undefined ? 'needs mount_path: where the volume appears in the container, e.g. /data.' : mountPathProblem(item.mount_path);
    if (mountProblem) problem(item.mount_path === undefined ? itemPath : [...itemPath, 'mount_path'], mountProblem);
    if (isPvc) {
      const name = readPvcName(item.pvc, [...itemPath, 'pvc'], problem);
      if (item.sub_path !== undefined && (typeof item.sub_path !== 'string' || !SUB_PATH.test(item.sub_path))) {
        problem([...itemPath, 'sub_path'], `must be a relative path inside the volume without "..", e.g. run-1 (got ${JSON.stringify(item.sub_path)}).`);
      }
      if (problems === 0 && name) pvc.push({ pvc_name: name, mount_path: item.mount_path as string, ...(item.sub_path !== undefined ? { sub_path: item.sub_path as string } : {}), at: ['volumes', index] });
      return;
    }
    if (typeof item.empty_dir !== 'string' || !VOLUME_NAME.test(item.empty_dir)) {
      problem([...itemPath, 'empty_dir'], `must be the volume's name, a DNS-1123 label (a-z, 0-9 and "-", at most 63 characters), e.g. scratch (got ${JSON.stringify(item.empty_dir)}).`);
    }
    if (item.medium !== undefined && (typeof item.medium !== 'string' || !EMPTY_DIR_MEDIUM.test(item.medium))) {
      problem([...itemPath, 'medium'], `must be Memory or HugePages (or HugePages-2Mi, ...); leave it out for the node's disk (got ${JSON.stringify(item.medium)}).`);
    }
    const size = item.size_limit;
    if (size !== undefined && (typeof size !== 'string' || !QUANTITY.test(size))) {
      problem([...itemPath, 'size_limit'], `must be a Kubernetes quantity such as 1Gi or 500Mi${typeof size === 'number' ? `, quoted: '${size}'` : ''} (got ${JSON.stringify(size)}).`);
    }
    if (problems > 0) return;
    emptyDir.push({
      volume_name: item.empty_dir as string,
      mount_path: item.mount_path as string,
      ...(item.medium !== undefined ? { medium: item.medium as string } : {}),
      ...(size !== undefined ? { size_limit: size as string } : {}),
      at: ['volumes', index],
    });
  });
  return { pvc, emptyDir };
}

function readPvcName(raw: unknown, path: YamlPath, report: Report): PvcMount['pvc_name'] | undefined {
  if (isDict(raw) && 'task' in raw) {
    // the claim a create_pvc task makes: check-kubernetes-options.ts checks that the task is one
    unknownKeys(raw, path, ['task', 'output'], 'a task output reference', report);
    if (typeof raw.task !== 'string' || raw.task === '' || typeof raw.output !== 'string' || raw.output === '') {
      report(path, 'must be {task: t, output: name}: the name output of a create_pvc task.');
      return undefined;
    }
    return { kind: 'task-output', task: raw.task, output: raw.output };
  }
  if (isDict(raw) && 'parameter' in raw) {
    unknownKeys(raw, path, ['parameter'], 'a parameter reference', report);
    if (typeof raw.parameter === 'string' && raw.parameter !== '') return { kind: 'parameter', parameter: raw.parameter };
    report([...path, 'parameter'], 'must name a pipeline parameter (of type String) that holds the claim name.');
    return undefined;
  }
  if (typeof raw !== 'string' || raw === '') {
    report(path, 'must be the name of an existing PersistentVolumeClaim, {parameter: p} for a pipeline parameter that holds it, or {task: t, output: name} for the claim a create_pvc task makes.');
    return undefined;
  }
  const problem = objectNameProblem(raw, 'persistent volume claim');
  if (problem) {
    report(path, problem);
    return undefined;
  }
  return { kind: 'constant', name: raw };
}

/** A mapping of qualified-name keys to strings (label values when valueWhat is given, any text otherwise). */
function readStringMap(raw: unknown, path: YamlPath, report: Report, keyWhat: string, valueWhat: string | undefined, example: string): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isDict(raw)) {
    report(path, `must be a mapping such as ${example}.`);
    return undefined;
  }
  const map = namedRecord<string>();
  for (const [key, value] of Object.entries(raw)) {
    const keyProblem = qualifiedNameProblem(key, keyWhat);
    if (keyProblem) report([...path, key], keyProblem, 'key');
    const valueProblem = valueWhat ? labelValueProblem(value, valueWhat) : typeof value === 'string' ? undefined : labelValueProblem(value, '');
    if (valueProblem) report([...path, key], valueProblem);
    if (!keyProblem && !valueProblem) map[key] = value as string;
  }
  return map;
}

function readPullSecrets(raw: unknown, path: YamlPath, report: Report): (string | { parameter: string })[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    report(path, 'must be a list of Kubernetes secret names, e.g. [registry-credentials].');
    return undefined;
  }
  const names: (string | { parameter: string })[] = [];
  raw.forEach((item, index) => {
    if (isDict(item) && 'parameter' in item) {
      let problems = 0;
      unknownKeys(item, [...path, index], ['parameter'], 'a parameter reference', (at, message, of) => {
        problems += 1;
        report(at, message, of);
      });
      if (typeof item.parameter !== 'string' || item.parameter === '') report([...path, index, 'parameter'], 'must name a pipeline parameter (of type String) that holds the secret name.');
      else if (problems === 0) names.push({ parameter: item.parameter });
      return;
    }
    const problem = typeof item === 'string' ? objectNameProblem(item, 'image pull secret') : 'must be the name of a Kubernetes secret of type kubernetes.io/dockerconfigjson, or {parameter: p}.';
    if (problem) report([...path, index], problem);
    else names.push(item as string);
  });
  return names;
}

const AFFINITY_TERM_KEYS = ['match_expressions', 'match_fields', 'weight'] as const;
const REQUIREMENT_KEYS = ['key', 'operator', 'values'] as const;
const AFFINITY_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

/**
 * node_affinity: [{match_expressions, match_fields, weight}], one term an
 * add_node_affinity call. Kubernetes' rules (ValidateNodeSelectorRequirement,
 * validateNodeFieldSelectorRequirement): In and NotIn need values, Exists and
 * DoesNotExist take none, Gt and Lt one whole number; a field is only
 * metadata.name, with In or NotIn and one value; a weight is 1 to 100.
 */
function readNodeAffinity(raw: unknown, path: YamlPath, report: Report): NodeAffinityTerm[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    report(path, "must be a list of terms such as [{match_expressions: [{key: topology.kubernetes.io/zone, operator: In, values: [europe-west1-b]}], weight: 50}].");
    return undefined;
  }
  const terms: NodeAffinityTerm[] = [];
  raw.forEach((item, index) => {
    const termPath = [...path, index];
    if (!isDict(item)) {
      report(termPath, 'must be a mapping {match_expressions, match_fields, weight}.');
      return;
    }
    let problems = 0;
    const problem: Report = (at, message, of) => {
      problems += 1;
      report(at, message, of);
    };
    unknownKeys(item, termPath, AFFINITY_TERM_KEYS, 'a node affinity term', problem);
    const term: NodeAffinityTerm = {};
    for (const key of ['match_expressions', 'match_fields'] as const) {
      if (item[key] === undefined) continue;
      const requirements = readRequirements(item[key], [...termPath, key], key === 'match_fields', problem);
      if (requirements && requirements.length > 0) term[key] = requirements;
    }
    if (item.weight !== undefined) {
      if (!Number.isInteger(item.weight) || (item.weight as number) < 1 || (item.weight as number) > 100) problem([...termPath, 'weight'], `must be a whole number from 1 to 100 (a preference; leave it out for a requirement) (got ${JSON.stringify(item.weight)}).`);
      else term.weight = item.weight as number;
    }
    if (problems === 0 && !term.match_expressions && !term.match_fields) problem(termPath, 'needs match_expressions or match_fields: a term without either matches no node.');
    if (problems === 0) terms.push(term);
  });
  return terms;
}

function readRequirements(raw: unknown, path: YamlPath, fields: boolean, report: Report): NodeSelectorRequirement[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    report(path, `must be a list of at least one {key, operator, values}${fields ? ' on metadata.name' : ''}.`);
    return undefined;
  }
  const requirements: NodeSelectorRequirement[] = [];
  raw.forEach((item, index) => {
    const itemPath = [...path, index];
    if (!isDict(item)) {
      report(itemPath, 'must be a mapping {key, operator, values}.');
      return;
    }
    let problems = 0;
    const problem: Report = (at, message, of) => {
      problems += 1;
      report(at, message, of);
    };
    unknownKeys(item, itemPath, REQUIREMENT_KEYS, 'a node selector requirement', problem);
    if (typeof item.key !== 'string') problem(item.key === undefined ? itemPath : [...itemPath, 'key'], fields ? 'needs key: metadata.name, the only node field Kubernetes selects on.' : 'needs key: a node label key.');
    else if (fields && item.key !== 'metadata.name') problem([...itemPath, 'key'], `must be metadata.name, the only node field Kubernetes selects on (got ${JSON.stringify(item.key)}).`);
    else if (!fields) {
      const keyProblem = qualifiedNameProblem(item.key, 'node label key');
      if (keyProblem) problem([...itemPath, 'key'], keyProblem);
    }
    const operators = fields ? ['In', 'NotIn'] : AFFINITY_OPERATORS;
    const operator = typeof item.operator === 'string' && operators.includes(item.operator) ? item.operator : undefined;
    if (!operator) problem(item.operator === undefined ? itemPath : [...itemPath, 'operator'], `needs operator: ${operators.join(', ')}${item.operator === undefined ? '' : ` (got ${JSON.stringify(item.operator)})`}.`);
    const values = item.values;
    if (values !== undefined && (!Array.isArray(values) || !values.every((value) => typeof value === 'string'))) {
      problem([...itemPath, 'values'], 'must be a list of strings (quote numbers: [\'4\']).');
    } else if (operator) {
      const count = (values as string[] | undefined)?.length ?? 0;
      const rule =
        fields ? (count === 1 ? undefined : 'needs exactly one value, the node name')
        : operator === 'In' || operator === 'NotIn' ? (count > 0 ? undefined : `needs values: ${operator} compares the label with a list`)
        : operator === 'Exists' || operator === 'DoesNotExist' ? (count === 0 ? undefined : `takes no values: ${operator} only looks at the key`)
        : count === 1 && /^-?[0-9]+$/.test((values as string[])[0]) ? undefined : `needs exactly one value, a whole number as text (${operator} compares numbers)`;
      if (rule) problem(values === undefined ? itemPath : [...itemPath, 'values'], `${rule}.`);
    }
    if (problems === 0) requirements.push({ key: item.key as string, operator: operator!, ...(values !== undefined && (values as string[]).length > 0 ? { values: values as string[] } : {}) });
  });
  return requirements;
}

/** field_path_env: {POD_NAME: metadata.name}: environment variable -> pod field (use_field_path_as_env). */
function readFieldPathEnv(raw: unknown, path: YamlPath, report: Report): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isDict(raw)) {
    report(path, 'must be a mapping of environment variable name to pod field, e.g. {POD_NAME: metadata.name}.');
    return undefined;
  }
  const env = namedRecord<string>();
  for (const [name, fieldPath] of Object.entries(raw)) {
    const nameProblem = envVarNameProblem(name);
    if (nameProblem) report([...path, name], nameProblem, 'key');
    const fieldProblem =
      typeof fieldPath === 'string' && FIELD_PATH.test(fieldPath)
        ? undefined
        : `${JSON.stringify(fieldPath)} is not a pod field Kubernetes can put in an environment variable: use metadata.name, metadata.namespace, metadata.uid, metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs.`;
    if (fieldProblem) report([...path, name], fieldProblem);
    if (!nameProblem && !fieldProblem) env[name] = fieldPath as string;
  }
  return env;
}

export const CREATE_PVC_KEYS = ['access_modes', 'size', 'name', 'name_suffix', 'storage_class_name', 'volume_name', 'annotations', 'data_source'] as const;
/**
 * The keys of data_source: what the KFP driver reads it into (Kubernetes' TypedLocalObjectReference, by
 * Go's json.Unmarshal, which drops any other key without a word: `api_group` would be lost).
 */
export const PVC_DATA_SOURCE_KEYS = ['apiGroup', 'kind', 'name'] as const;
/** The kind of a claim to clone: in Kubernetes' core group (apiGroup '' or absent), the only kind that group may name. */
export const CLAIM_KIND = 'PersistentVolumeClaim';
/** What Kubernetes takes in PersistentVolumeClaim.spec.accessModes. */
export const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;
/** A suffix of a claim name: what may end a DNS-1123 subdomain (the run's name comes first). */
export const PVC_NAME_SUFFIX = /^[-a-z0-9.]*[a-z0-9]$/;

/**
 * create_pvc: {access_modes, size, name | name_suffix, storage_class_name,
 * volume_name, annotations, data_source}, kubernetes.CreatePVC's arguments.
 * kfp requires access_modes and size (no defaults); the KFP driver needs
 * exactly one of pvc_name and pvc_name_suffix to name the claim. name may be
 * {parameter: p} or {task: t, output: o} (CreatePVC is a component and
 * pvc_name one of its inputs); the checker checks what they name.
 */
export function readCreatePvc(raw: unknown, path: YamlPath, report: Report): CreatePvcSpec | undefined {
  if (!isDict(raw)) {
    report(path, "must be a mapping such as {name_suffix: '-scratch', access_modes: [ReadWriteOnce], size: 5Gi}.");
    return undefined;
  }
  const { problem, problems } = countingReport(report);
  unknownKeys(raw, path, CREATE_PVC_KEYS, 'create_pvc', problem);
  const modes = raw.access_modes;
  if (modes === undefined) problem(path, `needs access_modes: a list of ${ACCESS_MODES.join(', ')} (kfp's CreatePVC has no default).`);
  else if (!Array.isArray(modes) || modes.length === 0) problem([...path, 'access_modes'], `must be a list of at least one of ${ACCESS_MODES.join(', ')}, e.g. [ReadWriteOnce].`);
  else {
    modes.forEach((mode, index) => {
      if (typeof mode !== 'string' || !(ACCESS_MODES as readonly string[]).includes(mode)) problem([...path, 'access_modes', index], `${JSON.stringify(mode)} is not an access mode: use ${ACCESS_MODES.join(', ')}.`);
    });
  }
  const size = raw.size;
  if (size === undefined) problem(path, "needs size: the storage the claim requests, a Kubernetes quantity such as 5Gi (kfp's CreatePVC has no default).");
  else if (typeof size !== 'string' || !QUANTITY.test(size)) {
    problem([...path, 'size'], `must be a Kubernetes quantity such as 5Gi or 500Mi${typeof size === 'number' ? `, quoted: '${size}'` : ''} (got ${JSON.stringify(size)}).`);
  }
  if ((raw.name === undefined) === (raw.name_suffix === undefined)) {
    problem(raw.name === undefined ? path : [...path, 'name_suffix'], "needs one of name (the claim's whole name) and name_suffix (added to the run's name, so each run has its own claim), not both: the KFP driver takes one.");
  }
  const name = raw.name === undefined ? undefined : readClaimName(raw.name, [...path, 'name'], problem);
  if (raw.name_suffix !== undefined && (typeof raw.name_suffix !== 'string' || !PVC_NAME_SUFFIX.test(raw.name_suffix) || raw.name_suffix.length > 200)) {
    problem([...path, 'name_suffix'], `must be lower-case letters, digits, "-" and ".", ending in a letter or digit (the claim's name is the run's name followed by it), e.g. -scratch (got ${JSON.stringify(raw.name_suffix)}).`);
  }
  if (raw.storage_class_name !== undefined && typeof raw.storage_class_name !== 'string') problem([...path, 'storage_class_name'], `must be a StorageClass name, or '' for a statically provisioned volume (got ${JSON.stringify(raw.storage_class_name)}).`);
  if (raw.volume_name !== undefined) {
    const volumeProblem = typeof raw.volume_name === 'string' && raw.volume_name !== '' ? objectNameProblem(raw.volume_name, 'persistent volume claim')?.replace('persistent volume claim', 'persistent volume') : 'must be the name of an existing PersistentVolume.';
    if (volumeProblem) problem([...path, 'volume_name'], volumeProblem);
  }
  const annotations = raw.annotations === undefined ? undefined : readStringMap(raw.annotations, [...path, 'annotations'], problem, 'annotation key', undefined, '{owner: data-team@example.com}');
  const dataSource = raw.data_source === undefined ? undefined : readPvcDataSource(raw.data_source, [...path, 'data_source'], problem);
  if (problems() > 0) return undefined;
  return {
    access_modes: modes as string[],
    size: size as string,
    ...(name !== undefined ? { name } : {}),
    ...(raw.name_suffix !== undefined ? { name_suffix: raw.name_suffix as string } : {}),
    ...(raw.storage_class_name !== undefined ? { storage_class_name: raw.storage_class_name as string } : {}),
    ...(raw.volume_name !== undefined ? { volume_name: raw.volume_name as string } : {}),
    ...(annotations !== undefined ? { annotations: { ...annotations } } : {}),
    ...(dataSource !== undefined ? { data_source: dataSource } : {}),
  };
}

/** create_pvc's name: the claim's name, {parameter: p} or {task: t, output: o} (a String that holds it at run time). */
function readClaimName(raw: unknown, path: YamlPath, report: Report): NonNullable<CreatePvcSpec['name']> | undefined {
  const example = "must be the claim's name (e.g. shared-data), {parameter: p} for a String pipeline parameter that holds it, or {task: t, output: o} for an upstream task's String output.";
  if (typeof raw === 'string') {
    const nameProblem = raw === '' ? example : objectNameProblem(raw, 'persistent volume claim');
    if (nameProblem) report(path, nameProblem);
    return nameProblem ? undefined : raw;
  }
  if (!isDict(raw) || !('parameter' in raw || 'task' in raw || 'output' in raw)) {
    report(path, example);
    return undefined;
  }
  const { problem, problems } = countingReport(report);
  const keys = 'parameter' in raw ? ['parameter'] : ['task', 'output'];
  unknownKeys(raw, path, keys, 'parameter' in raw ? 'a parameter reference' : 'an output reference', problem);
  for (const key of keys) {
    if (typeof raw[key] !== 'string' || raw[key] === '') problem(key in raw ? [...path, key] : path, `needs ${key}: ${key === 'parameter' ? 'the name of a String pipeline parameter' : key === 'task' ? 'an upstream task name' : 'the name of its String output'}.`);
  }
  if (problems() > 0) return undefined;
  return 'parameter' in raw ? { parameter: raw.parameter as string } : { task: raw.task as string, output: raw.output as string };
}

/**
 * data_source: {apiGroup, kind, name}, the claim's spec.dataSource. What the
 * API server refuses when the driver creates the claim is refused here
 * (validateDataSource: name and kind required, a kind other than
 * PersistentVolumeClaim needs its apiGroup, an apiGroup is a DNS-1123
 * subdomain), and what would leave the claim Pending for ever: a name no
 * object can have, a PersistentVolumeClaim given an apiGroup (it is in the
 * core group; any other group makes it a volume populator's reference).
 */
function readPvcDataSource(raw: unknown, path: YamlPath, report: Report): PvcDataSource | undefined {
  const example = "must be a mapping such as {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: my-snapshot} (restore a snapshot) or {kind: PersistentVolumeClaim, name: source-claim} (clone a claim).";
  if (!isDict(raw)) {
    report(path, example);
    return undefined;
  }
  const { problem, problems } = countingReport(report);
  unknownKeys(raw, path, PVC_DATA_SOURCE_KEYS, 'data_source (the KFP driver reads apiGroup, kind and name, and would drop any other key)', problem);
  for (const key of PVC_DATA_SOURCE_KEYS) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') problem([...path, key], `must be text (got ${JSON.stringify(raw[key])}): the KFP driver reads data_source as a mapping of strings.`);
  }
  const { apiGroup, kind, name } = raw as { apiGroup?: unknown; kind?: unknown; name?: unknown };
  if (kind === undefined || kind === '') problem(kind === undefined ? path : [...path, 'kind'], `needs kind: what to fill the claim from, e.g. VolumeSnapshot (with apiGroup: snapshot.storage.k8s.io) or ${CLAIM_KIND} (Kubernetes refuses a data source without a kind).`);
  if (name === undefined || name === '') problem(name === undefined ? path : [...path, 'name'], 'needs name: the name of the snapshot or claim to fill the claim from (Kubernetes refuses a data source without a name).');
  else if (typeof name === 'string' && !OBJECT_NAME.test(name)) {
    problem([...path, 'name'], `"${name}" cannot name a Kubernetes object (a lowercase DNS-1123 subdomain: a-z, 0-9, "-" and ".", at most 253 characters), so the claim would stay Pending waiting for it.`);
  }
  const group = typeof apiGroup === 'string' ? apiGroup : undefined;
  if (typeof kind === 'string' && kind !== '') {
    if (!group && kind !== CLAIM_KIND) {
      const known = kind === 'VolumeSnapshot' ? ': snapshot.storage.k8s.io' : ' (the API group of that kind)';
      problem(apiGroup === undefined ? path : [...path, 'apiGroup'], `needs apiGroup for kind ${kind}${known}: without one Kubernetes takes only ${CLAIM_KIND} ("must be 'PersistentVolumeClaim' when referencing the default apiGroup").`);
    }
    if (group && kind === CLAIM_KIND) problem([...path, 'apiGroup'], `must be left out for kind ${CLAIM_KIND}, which is in Kubernetes' core group: with apiGroup "${group}" the claim waits for a volume populator of that group instead of cloning the claim.`);
  }
  if (group && !OBJECT_NAME.test(group)) problem([...path, 'apiGroup'], `"${group}" is not an API group: Kubernetes takes a lowercase DNS-1123 subdomain, e.g. snapshot.storage.k8s.io.`);
  if (problems() > 0) return undefined;
  return { ...(group !== undefined ? { apiGroup: group } : {}), kind: kind as string, name: name as string };
}

/** delete_pvc: {pvc: {task: t, output: name}}, kubernetes.DeletePVC of the claim a create_pvc task made (check-kubernetes-options.ts checks that it is one). */
export function readDeletePvc(raw: unknown, path: YamlPath, report: Report): { pvc: { task: string; output: string } } | undefined {
  const example = 'must be {pvc: {task: t, output: name}}: the name output of the create_pvc task whose claim to delete.';
  if (!isDict(raw)) {
    report(path, example);
    return undefined;
  }
  let problems = 0;
  unknownKeys(raw, path, ['pvc'], 'delete_pvc', (at, message, of) => {
    problems += 1;
    report(at, message, of);
  });
  const pvc = raw.pvc;
  if (!isDict(pvc) || typeof pvc.task !== 'string' || pvc.task === '' || typeof pvc.output !== 'string' || pvc.output === '') {
    report(pvc === undefined ? path : [...path, 'pvc'], pvc === undefined ? `needs pvc: ${example.replace('must be ', '')}` : example);
    return undefined;
  }
  unknownKeys(pvc, [...path, 'pvc'], ['task', 'output'], 'a task output reference', (at, message, of) => {
    problems += 1;
    report(at, message, of);
  });
  return problems > 0 ? undefined : { pvc: { task: pvc.task, output: pvc.output } };
}
