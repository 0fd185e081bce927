/**
 * The parts of a task's KubernetesExecutorConfig (the IR's platform spec)
 * beyond secretAsEnv and activeDeadlineSeconds (ir-reader.ts reads those),
 * as the local runner needs them to say, or do, what each means on this
 * machine (kubernetes-locally.ts). A name given as a parameter is read as
 * the input it names (ir-reader.ts follows a group's pipelinechannel input
 * back to the root parameter or task output feeding it), one a CreatePVC
 * task made as that task's output; any other source is kept as unknown, and
 * the local meaning says so.
 */
type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});
const list = (value: unknown): Dict[] => (Array.isArray(value) ? value.map(dict) : []);

/** A Secret, ConfigMap or PVC name: a constant, a root parameter's value, or something only the cluster knows. */
export type IrObjectName =
  | { kind: 'constant'; name: string }
  | { kind: 'parameter'; parameter: string }
  /** A claim a CreatePVC task made: its name output. */
  | { kind: 'task-output'; task: string; output: string }
  | { kind: 'unknown'; text: string };

export interface IrObjectEnv {
  kind: 'secret' | 'config map';
  name: IrObjectName;
  key: string;
  envVar: string;
  optional: boolean;
}

export interface IrObjectVolume {
  kind: 'secret' | 'config map';
  name: IrObjectName;
  mountPath: string;
  optional: boolean;
}

export interface IrKubernetesConfig {
  /** secretAsEnv and configMapAsEnv, one entry a key. */
  objectEnv: IrObjectEnv[];
  objectVolumes: IrObjectVolume[];
  pvcMounts: { name: IrObjectName; mountPath: string; subPath?: string }[];
  emptyDirs: { volumeName: string; mountPath: string; medium?: string; sizeLimit?: string }[];
  fieldPathEnv: { name: string; fieldPath: string }[];
  /** What has no meaning on one machine, in words, for the task's note (node selector, labels, pull policy, ...). */
  clusterOnly: string[];
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
}

function objectName(entry: Dict, nameField: string, parameterField: string): IrObjectName {
  const parameter = dict(entry[parameterField]);
  const constant = dict(parameter.runtimeValue).constant;
  if (typeof constant === 'string') return { kind: 'constant', name: constant };
  if (typeof parameter.componentInputParameter === 'string') return { kind: 'parameter', parameter: parameter.componentInputParameter };
  const output = dict(parameter.taskOutputParameter);
  if (typeof output.producerTask === 'string' && typeof output.outputParameterKey === 'string') return { kind: 'task-output', task: output.producerTask, output: output.outputParameterKey };
  if (typeof entry[nameField] === 'string' && entry[nameField] !== '') return { kind: 'constant', name: entry[nameField] as string };
  if (typeof entry.componentInputParameter === 'string') return { kind: 'parameter', parameter: entry.componentInputParameter };
  return { kind: 'unknown', text: JSON.stringify(entry[parameterField] ?? entry) };
}

const strings = (value: unknown): Record<string, string> => Object.fromEntries(Object.entries(dict(value)).map(([key, text]) => [key, String(text)]));

export function readKubernetesConfig(platformExecutor: Dict): IrKubernetesConfig {
  const objectEnv: IrObjectEnv[] = [];
  for (const [kind, field, nameField, keyField] of [
    ['secret', 'secretAsEnv', 'secretName', 'secretKey'],
    ['config map', 'configMapAsEnv', 'configMapName', 'configMapKey'],
  ] as const) {
    for (const entry of list(platformExecutor[field])) {
      const name = objectName(entry, nameField, `${nameField}Parameter`);
      for (const keyToEnv of list(entry.keyToEnv)) {
        objectEnv.push({ kind, name, key: String(keyToEnv[keyField] ?? ''), envVar: String(keyToEnv.envVar ?? ''), optional: entry.optional === true });
      }
    }
  }
  const objectVolumes: IrObjectVolume[] = [];
  for (const [kind, field, nameField] of [
    ['secret', 'secretAsVolume', 'secretName'],
    ['config map', 'configMapAsVolume', 'configMapName'],
  ] as const) {
    for (const entry of list(platformExecutor[field])) {
      objectVolumes.push({ kind, name: objectName(entry, nameField, `${nameField}Parameter`), mountPath: String(entry.mountPath ?? ''), optional: entry.optional === true });
    }
  }
  const pvcMounts = list(platformExecutor.pvcMount).map((entry) => ({
    name: objectName(entry, 'constant', 'pvcNameParameter'),
    mountPath: String(entry.mountPath ?? ''),
    ...(typeof entry.subPath === 'string' && entry.subPath !== '' ? { subPath: entry.subPath } : {}),
  }));
  const emptyDirs = list(platformExecutor.emptyDirMounts).map((entry) => ({
    volumeName: String(entry.volumeName ?? ''),
    mountPath: String(entry.mountPath ?? ''),
    ...(typeof entry.medium === 'string' ? { medium: entry.medium } : {}),
    ...(typeof entry.sizeLimit === 'string' ? { sizeLimit: entry.sizeLimit } : {}),
  }));
  const fieldPathEnv = list(platformExecutor.fieldPathAsEnv).map((entry) => ({ name: String(entry.name ?? ''), fieldPath: String(entry.fieldPath ?? '') }));
  const podMetadata = dict(platformExecutor.podMetadata);
  const podLabels = strings(podMetadata.labels);
  const podAnnotations = strings(podMetadata.annotations);
  const clusterOnly: string[] = [];
  const pairs = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => `${key}=${value}`).join(', ');
  const nodeSelector = strings(dict(platformExecutor.nodeSelector).labels);
  if (Object.keys(nodeSelector).length > 0) clusterOnly.push(`node selector ${pairs(nodeSelector)}`);
  if (list(platformExecutor.nodeAffinity).length > 0) clusterOnly.push('node affinity');
  const tolerations = list(platformExecutor.tolerations);
  if (tolerations.length > 0) clusterOnly.push(`${tolerations.length} toleration${tolerations.length > 1 ? 's' : ''}`);
  const pullSecrets = list(platformExecutor.imagePullSecret).map((entry) => objectName(entry, 'secretName', 'secretNameParameter'));
  if (pullSecrets.length > 0) clusterOnly.push(`image pull secrets ${pullSecrets.map((name) => (name.kind === 'constant' ? name.name : name.kind === 'parameter' ? `{parameter: ${name.parameter}}` : name.kind === 'task-output' ? `{task: ${name.task}, output: ${name.output}}` : name.text)).join(', ')}`);
  if (typeof platformExecutor.imagePullPolicy === 'string' && platformExecutor.imagePullPolicy !== '') clusterOnly.push(`image pull policy ${platformExecutor.imagePullPolicy}`);
  if (Object.keys(podLabels).length > 0) clusterOnly.push(`pod labels ${pairs(podLabels)}`);
  if (Object.keys(podAnnotations).length > 0) clusterOnly.push(`pod annotations ${pairs(podAnnotations)}`);
  return { objectEnv, objectVolumes, pvcMounts, emptyDirs, fieldPathEnv, clusterOnly, podLabels, podAnnotations };
}

/** Whether the task has any option kubernetes-locally.ts gives a meaning or a note. */
export function hasKubernetesConfig(config: IrKubernetesConfig): boolean {
  return (
    config.objectEnv.length + config.objectVolumes.length + config.pvcMounts.length + config.emptyDirs.length + config.fieldPathEnv.length + config.clusterOnly.length > 0
  );
}
