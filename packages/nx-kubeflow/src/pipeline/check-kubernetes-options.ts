/**
 * The checks of a task's Kubernetes options that need more than one value:
 * what Kubernetes refuses when it creates the pod (two volumes on one mount
 * path, two emptyDir volumes of one name), environment variables set twice
 * (Kubernetes would keep the last silently), and a PVC named by a pipeline
 * parameter, which must be a declared String parameter of a task at the top
 * level (inside a condition kfp reaches it through the group's
 * pipelinechannel input, which this compiler does not write yet).
 */
import { posix } from 'node:path';
import type { PipelineDefinition, PipelineTask, SourcePath } from '../kfp/pipeline-model';

export type TaskReport = (task: PipelineTask, path: SourcePath, message: string, of?: 'key' | 'value') => void;

export function checkKubernetesOptions(definition: PipelineDefinition, report: TaskReport): void {
  for (const task of definition.tasks) {
    checkMountPaths(task, report);
    checkEnvNames(task, report);
    checkPvcParameters(task, definition, report);
  }
}

function checkMountPaths(task: PipelineTask, report: TaskReport): void {
  const options = task.kubernetes ?? {};
  const mounts = [
    ...(options.secret_volumes ?? []).map((volume) => ({ path: volume.mount_path, at: volume.at, what: `secret ${volume.name}` })),
    ...(options.config_map_volumes ?? []).map((volume) => ({ path: volume.mount_path, at: volume.at, what: `config map ${volume.name}` })),
    ...(options.pvc_mounts ?? []).map((mount) => ({
      path: mount.mount_path,
      at: mount.at,
      what: mount.pvc_name.kind === 'constant' ? `PVC ${mount.pvc_name.name}` : `the PVC of parameter ${mount.pvc_name.parameter}`,
    })),
    ...(options.empty_dirs ?? []).map((mount) => ({ path: mount.mount_path, at: mount.at, what: `emptyDir ${mount.volume_name}` })),
  ];
  const seen = new Map<string, { at?: SourcePath; what: string }>();
  for (const mount of mounts) {
    // /data and /data/ are one folder to the container runtime
    const key = posix.normalize(mount.path).replace(/(.)\/$/, '$1');
    const earlier = seen.get(key);
    if (earlier) {
      report(task, [...(mount.at ?? []), 'mount_path'], `${mount.path} is already the mount path of ${earlier.what} (${fieldText(earlier.at)}): Kubernetes refuses two volumes on one path; give each its own folder.`);
    } else {
      seen.set(key, mount);
    }
  }
  const names = new Map<string, SourcePath | undefined>();
  for (const mount of options.empty_dirs ?? []) {
    if (names.has(mount.volume_name)) {
      report(task, [...(mount.at ?? []), 'empty_dir'], `"${mount.volume_name}" is already the name of an emptyDir volume of this task (${fieldText(names.get(mount.volume_name))}): a pod's volumes need distinct names.`);
    } else {
      names.set(mount.volume_name, mount.at);
    }
  }
}

function checkEnvNames(task: PipelineTask, report: TaskReport): void {
  const sources: { name: string; path: SourcePath; of: 'key' | 'value' }[] = [
    ...Object.keys(task.env ?? {}).map((name) => ({ name, path: ['env', name], of: 'key' as const })),
    ...(task.secrets ?? []).flatMap((secret) => Object.entries(secret.keys).map(([key, name]) => ({ name, path: [...(secret.at ?? ['secrets']), 'keys', key], of: 'value' as const }))),
    ...(task.kubernetes?.config_maps_as_env ?? []).flatMap((configMap) =>
      Object.entries(configMap.keys).map(([key, name]) => ({ name, path: [...(configMap.at ?? ['config_maps']), 'keys', key], of: 'value' as const })),
    ),
    ...Object.keys(task.kubernetes?.field_path_env ?? {}).map((name) => ({ name, path: ['field_path_env', name], of: 'key' as const })),
  ];
  const seen = new Map<string, SourcePath>();
  for (const source of sources) {
    const earlier = seen.get(source.name);
    if (earlier) report(task, source.path, `environment variable ${source.name} is already set by ${fieldText(earlier)}: Kubernetes would keep only the last one; remove one of them.`, source.of);
    else seen.set(source.name, source.path);
  }
}

function checkPvcParameters(task: PipelineTask, definition: PipelineDefinition, report: TaskReport): void {
  const nested = (task.yamlPath?.length ?? 2) > 2;
  for (const mount of task.kubernetes?.pvc_mounts ?? []) {
    if (mount.pvc_name.kind !== 'parameter') continue;
    const path = [...(mount.at ?? ['volumes']), 'pvc', 'parameter'];
    const parameter = definition.parameters.find((candidate) => candidate.name === (mount.pvc_name as { parameter: string }).parameter);
    if (!parameter) {
      const known = definition.parameters.map((candidate) => candidate.name);
      report(task, path, `unknown pipeline parameter "${mount.pvc_name.parameter}"; declared parameters: ${known.join(', ') || '(none: add it under parameters:)'}.`);
    } else if (parameter.type !== 'String') {
      report(task, path, `pipeline parameter "${parameter.name}" is ${parameter.type}: a claim name is a String parameter.`);
    } else if (nested) {
      report(task, path, 'a PVC named by a pipeline parameter works for tasks outside conditions only, for now: give the claim name here, or move the task out of the condition.');
    }
  }
}

function fieldText(path: SourcePath | undefined): string {
  return (path ?? []).reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
