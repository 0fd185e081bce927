/**
 * The checks of a task's Kubernetes options that need more than one value:
 * what Kubernetes refuses when it creates the pod (two volumes on one mount
 * path, two emptyDir volumes of one name), environment variables set twice
 * (Kubernetes would keep the last silently), a Secret, ConfigMap or PVC named
 * by a pipeline parameter, which must be a declared String parameter (inside
 * a group the compiler passes it through the group's pipelinechannel input,
 * as kfp does), and a claim a create_pvc task makes (or clones from itself).
 */
import { posix } from 'node:path';
import type { PipelineDefinition, PipelineTask, SourcePath } from '../kfp/pipeline-model';
import { CLAIM_KIND } from './read-kubernetes-options';

/**
 * What KFP's own pod already mounts (the Argo compiler of KFP 2.x: the launcher
 * binary and the artifact scratch folders), by path and volume name: a second
 * volume there, or of that name, makes Kubernetes refuse the pod.
 */
export const KFP_MOUNTS: Readonly<Record<string, string>> = {
  '/kfp-launcher': 'kfp-launcher',
  '/gcs': 'gcs-scratch',
  '/s3': 's3-scratch',
  '/minio': 'minio-scratch',
  '/.local': 'dot-local-scratch',
  '/.cache': 'dot-cache-scratch',
  '/.config': 'dot-config-scratch',
};

export type TaskReport = (task: PipelineTask, path: SourcePath, message: string, of?: 'key' | 'value') => void;

export function checkKubernetesOptions(definition: PipelineDefinition, report: TaskReport): void {
  for (const task of definition.tasks) {
    checkMountPaths(task, report);
    checkEnvNames(task, report);
    checkNameParameters(task, definition, report);
    checkCreatedPvcs(task, definition, report);
  }
}

/**
 * A claim named {task: t, output: name} (a mount, or what delete_pvc deletes)
 * is the name output of a create_pvc task. Where the two tasks sit is checked
 * as any dependency is (a mount waits for the creator, as mount_pvc's .after):
 * inside groups the name travels through the groups' pipelinechannel inputs.
 */
function checkCreatedPvcs(task: PipelineTask, definition: PipelineDefinition, report: TaskReport): void {
  const source = task.create_pvc?.data_source;
  if (source?.kind === CLAIM_KIND && source.name === task.create_pvc!.name) {
    report(task, ['create_pvc', 'data_source', 'name'], `"${source.name}" is the claim this task creates: a claim cannot be cloned from itself (Kubernetes would keep it Pending); name the claim to copy.`);
  }
  const refs: { ref: { task: string; output: string }; path: SourcePath; mount: boolean }[] = [
    ...(task.kubernetes?.pvc_mounts ?? []).flatMap((mount) =>
      mount.pvc_name.kind === 'task-output' ? [{ ref: mount.pvc_name, path: [...(mount.at ?? ['volumes']), 'pvc'], mount: true }] : [],
    ),
    ...(task.delete_pvc ? [{ ref: task.delete_pvc.pvc, path: ['delete_pvc', 'pvc'], mount: false }] : []),
  ];
  for (const { ref, path, mount } of refs) {
    const creator = definition.tasks.find((candidate) => candidate.name === ref.task);
    if (!creator || !creator.create_pvc) {
      const creators = definition.tasks.filter((candidate) => candidate.create_pvc).map((candidate) => candidate.name);
      const what = creator ? `task "${ref.task}" runs ${creator.importer ? 'an importer' : creator.delete_pvc ? 'delete_pvc' : `component "${creator.component}"`}, it creates no PVC` : `no task "${ref.task}" in this pipeline`;
      report(task, [...path, 'task'], `${what}: ${mount ? 'a claim mounted from a task' : 'delete_pvc deletes a claim that'} is the name output of a create_pvc task (${creators.length > 0 ? `here: ${creators.join(', ')}` : 'there is none; add one, or name an existing claim'}).`);
      continue;
    }
    if (ref.output !== 'name') {
      report(task, [...path, 'output'], `create_pvc task "${ref.task}" has one output, name (the claim's name), not ${JSON.stringify(ref.output)}.`);
    }
  }
}

function checkMountPaths(task: PipelineTask, report: TaskReport): void {
  const options = task.kubernetes ?? {};
  const mounts = [
    ...(options.secret_volumes ?? []).map((volume) => ({ path: volume.mount_path, at: volume.at, what: `secret ${volume.name_parameter ? `of parameter ${volume.name_parameter}` : volume.name}` })),
    ...(options.config_map_volumes ?? []).map((volume) => ({ path: volume.mount_path, at: volume.at, what: `config map ${volume.name_parameter ? `of parameter ${volume.name_parameter}` : volume.name}` })),
    ...(options.pvc_mounts ?? []).map((mount) => ({
      path: mount.mount_path,
      at: mount.at,
      what:
        mount.pvc_name.kind === 'constant'
          ? `PVC ${mount.pvc_name.name}`
          : mount.pvc_name.kind === 'parameter'
            ? `the PVC of parameter ${mount.pvc_name.parameter}`
            : `the PVC task ${mount.pvc_name.task} creates`,
    })),
    ...(options.empty_dirs ?? []).map((mount) => ({ path: mount.mount_path, at: mount.at, what: `emptyDir ${mount.volume_name}` })),
  ];
  const seen = new Map<string, { at?: SourcePath; what: string }>();
  for (const mount of mounts) {
    // /data and /data/ are one folder to the container runtime
    const key = posix.normalize(mount.path).replace(/(.)\/$/, '$1');
    const earlier = seen.get(key);
    if (Object.hasOwn(KFP_MOUNTS, key)) {
      report(task, [...(mount.at ?? []), 'mount_path'], `${mount.path} is where KFP mounts its own volume ${KFP_MOUNTS[key]} in every task's pod: Kubernetes refuses a second volume there; choose another folder.`);
    } else if (earlier) {
      report(task, [...(mount.at ?? []), 'mount_path'], `${mount.path} is already the mount path of ${earlier.what} (${fieldText(earlier.at)}): Kubernetes refuses two volumes on one path; give each its own folder.`);
    } else {
      seen.set(key, mount);
    }
  }
  const names = new Map<string, SourcePath | undefined>();
  const kfpVolumes = new Set(Object.values(KFP_MOUNTS));
  for (const mount of options.empty_dirs ?? []) {
    if (kfpVolumes.has(mount.volume_name)) {
      report(task, [...(mount.at ?? []), 'empty_dir'], `"${mount.volume_name}" is the name of a volume KFP adds to every task's pod: a pod's volumes need distinct names; choose another.`);
    } else if (names.has(mount.volume_name)) {
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

/** Claims, Secrets and ConfigMaps named by a pipeline parameter: a declared String parameter. */
function checkNameParameters(task: PipelineTask, definition: PipelineDefinition, report: TaskReport): void {
  const options = task.kubernetes ?? {};
  const uses: { parameter: string; path: SourcePath; what: string }[] = [
    ...(options.pvc_mounts ?? []).flatMap((mount) =>
      mount.pvc_name.kind === 'parameter' ? [{ parameter: mount.pvc_name.parameter, path: [...(mount.at ?? ['volumes']), 'pvc', 'parameter'], what: 'PVC' }] : [],
    ),
    ...[...(task.secrets ?? []), ...(options.secret_volumes ?? [])].flatMap((secret) =>
      secret.name_parameter ? [{ parameter: secret.name_parameter, path: [...(secret.at ?? ['secrets']), 'secret_name', 'parameter'], what: 'secret' }] : [],
    ),
    ...[...(options.config_maps_as_env ?? []), ...(options.config_map_volumes ?? [])].flatMap((configMap) =>
      configMap.name_parameter ? [{ parameter: configMap.name_parameter, path: [...(configMap.at ?? ['config_maps']), 'config_map_name', 'parameter'], what: 'config map' }] : [],
    ),
    ...(options.image_pull_secrets ?? []).flatMap((name, index) =>
      typeof name === 'string' ? [] : [{ parameter: name.parameter, path: ['image_pull_secrets', index, 'parameter'], what: 'image pull secret' }],
    ),
  ];
  const reported = new Set<string>();
  for (const use of uses) {
    // an entry with keys and mount_path is two uses of one reference: one message
    const key = JSON.stringify(use.path);
    if (reported.has(key)) continue;
    const parameter = definition.parameters.find((candidate) => candidate.name === use.parameter);
    let message: string | undefined;
    if (!parameter) {
      const known = definition.parameters.map((candidate) => candidate.name);
      message = `unknown pipeline parameter "${use.parameter}"; declared parameters: ${known.join(', ') || '(none: add it under parameters:)'}.`;
    } else if (parameter.type !== 'String') {
      message = `pipeline parameter "${parameter.name}" is ${parameter.type}: ${withArticle(use.what)} name is a String parameter.`;
    }
    if (message) {
      reported.add(key);
      report(task, use.path, message);
    }
  }
}

function withArticle(what: string): string {
  return `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`;
}

function fieldText(path: SourcePath | undefined): string {
  return (path ?? []).reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
