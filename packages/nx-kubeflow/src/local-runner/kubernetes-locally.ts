/**
 * What a task's Kubernetes options mean on this machine, where there is no
 * cluster. Each is given a local meaning or a note, never dropped unsaid:
 *
 * - a Secret or ConfigMap key as an environment variable takes its value from
 *   the env given to the runner, else this shell's environment, else the
 *   git-ignored LOCAL_OBJECTS_FILE at the workspace root; a warning names
 *   where it came from, or says it is not set;
 * - a PersistentVolumeClaim is the folder dist/kfp-local/volumes/<claim>,
 *   shared by every task and run that mounts it (one a CreatePVC task made
 *   is named by that task's output, pvc-task.ts); an emptyDir is a fresh
 *   folder of the task in the run; a Secret or ConfigMap volume is its keys
 *   from LOCAL_OBJECTS_FILE written as files into a private temporary folder,
 *   removed when the task ends. In a container (--mode container) each is
 *   mounted at its mount path; a local process cannot be given an absolute
 *   path of its own, so there the note says where the folder is instead;
 * - a pod field as an environment variable gets this machine's stand-in
 *   (its host name for spec.nodeName, 127.0.0.1 for the IPs, the task's own
 *   labels and annotations), and nothing where there is none (namespace,
 *   service account);
 * - scheduling, pulling and pod metadata (node selector and affinity,
 *   tolerations, image pull secrets and policy, labels, annotations) mean
 *   nothing here: one note lists them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { IrKubernetesConfig, IrObjectName } from './ir-kubernetes';

/** Git-ignored in every workspace (`.secrets.*`), never staged into an image: the Secrets and ConfigMaps of local runs. */
export const LOCAL_OBJECTS_FILE = '.secrets.kubernetes.yaml';
/** Where PVCs live locally, under the workspace root. */
export const LOCAL_VOLUMES_DIR = 'dist/kfp-local/volumes';

type ObjectKind = 'secret' | 'config map';

export interface LocalObjects {
  secrets: Record<string, Record<string, string>>;
  configMaps: Record<string, Record<string, string>>;
  /** Why the file could not be used, when it exists and is not {secrets: {name: {key: value}}, config_maps: ...}. */
  problem?: string;
}

/** LOCAL_OBJECTS_FILE: secrets: {<name>: {<key>: <value>}}, config_maps: {<name>: {<key>: <value>}}. */
export function readLocalObjects(workspaceRoot: string): LocalObjects {
  const file = join(workspaceRoot, LOCAL_OBJECTS_FILE);
  const empty: LocalObjects = { secrets: {}, configMaps: {} };
  if (!existsSync(file)) return empty;
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ...empty, problem: `${LOCAL_OBJECTS_FILE} is not valid YAML (${(error as Error).message.split('\n')[0]}), so no value comes from it` };
  }
  const objects = (value: unknown, key: string): Record<string, Record<string, string>> | string => {
    if (value === undefined || value === null) return {};
    const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (!isMap(value) || !Object.values(value).every((keys) => isMap(keys) && Object.values(keys).every((text) => ['string', 'number', 'boolean'].includes(typeof text)))) {
      return `${LOCAL_OBJECTS_FILE}: ${key} must map each name to {key: value}, e.g. ${key}: {warehouse: {password: local-password}}`;
    }
    return Object.fromEntries(Object.entries(value).map(([name, keys]) => [name, Object.fromEntries(Object.entries(keys as Record<string, unknown>).map(([k, v]) => [k, String(v)]))]));
  };
  const top = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const secrets = objects(top.secrets, 'secrets');
  const configMaps = objects(top.config_maps, 'config_maps');
  const problem = typeof secrets === 'string' ? secrets : typeof configMaps === 'string' ? configMaps : undefined;
  return { secrets: typeof secrets === 'string' ? {} : secrets, configMaps: typeof configMaps === 'string' ? {} : configMaps, ...(problem ? { problem } : {}) };
}

export interface LocalKubernetesOptions {
  config: IrKubernetesConfig;
  task: string;
  workspaceRoot: string;
  /** The task's own folder in the run (emptyDir volumes go under it). */
  taskDir: string;
  inContainer: boolean;
  /** The run's root parameter values, for names given as {parameter: p}. */
  rootParameters: Record<string, unknown>;
  /** Upstream tasks' output parameters, for a claim a CreatePVC task made (pvc-task.ts); absent: such names are unknown. */
  outputParametersOf?: (task: string) => Record<string, unknown> | undefined;
  /** The env given to the runner, then this machine's: where object values may come from. */
  given: Record<string, string>;
  environ: NodeJS.ProcessEnv;
  objects: LocalObjects;
  /** What metadata.name reads as: this execution's name. */
  podName: string;
}

export interface LocalKubernetes {
  /** Variables to set; undefined: to remove (a shell variable must not pass for a missing secret unsaid). */
  env: Record<string, string | undefined>;
  /** Host folder -> container path (container mode only). */
  volumes: { host: string; path: string }[];
  warnings: string[];
  /** Values the task reads that the IR does not hold, digested (never written) for the cache key; undefined when there are none. */
  digest?: string;
  /** Secret values, to be redacted wherever output is shown. */
  secretValues: string[];
  /** Removes the temporary folders of Secret and ConfigMap volumes; never throws. */
  cleanup: () => void;
}

export function localKubernetes(options: LocalKubernetesOptions): LocalKubernetes {
  const { config } = options;
  const env: Record<string, string | undefined> = {};
  const warnings: string[] = [];
  const volumes: { host: string; path: string }[] = [];
  const secretValues: string[] = [];
  const digested: unknown[] = [];
  const temporary: string[] = [];
  if (options.objects.problem && (config.objectEnv.length > 0 || config.objectVolumes.length > 0)) warnings.push(options.objects.problem);

  for (const entry of config.objectEnv) {
    const name = resolveName(entry.name, options.rootParameters);
    const what = `${entry.kind} ${describe(entry.name, name)} (key "${entry.key}") sets ${entry.envVar} on Kubeflow`;
    const fromFile = name === undefined ? undefined : objectsOf(options.objects, entry.kind)[name]?.[entry.key];
    const [value, source] =
      entry.envVar in options.given
        ? [options.given[entry.envVar], 'the env given to the runner']
        : options.environ[entry.envVar] !== undefined
          ? [options.environ[entry.envVar], "this shell's environment"]
          : fromFile !== undefined
            ? [fromFile, LOCAL_OBJECTS_FILE]
            : [undefined, undefined];
    env[entry.envVar] = value;
    if (value !== undefined) {
      if (entry.kind === 'secret') secretValues.push(value);
      digested.push([entry.envVar, value]);
      warnings.push(`${what}; locally it comes from ${source}`);
      continue;
    }
    const hint = `export ${entry.envVar} or give ${entry.kind === 'secret' ? 'secrets' : 'config_maps'}: {${name ?? '<name>'}: {${entry.key}: ...}} in ${LOCAL_OBJECTS_FILE}`;
    const lacking = entry.kind === 'secret' ? 'local runs have no cluster secrets' : 'local runs have no cluster config maps';
    warnings.push(`${what}; ${lacking}, so ${entry.envVar} is not set${entry.optional ? ' (optional, so the task runs without it)' : ''}; ${hint}`);
  }

  for (const mount of config.pvcMounts) {
    const name = resolveName(mount.name, options.rootParameters, options.outputParametersOf);
    if (name === undefined || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      warnings.push(`PVC ${describe(mount.name, name)} is mounted at ${mount.mountPath} on Kubeflow; its name is not known here, so nothing is mounted`);
      continue;
    }
    const host = join(options.workspaceRoot, LOCAL_VOLUMES_DIR, name, mount.subPath ?? '');
    mkdirSync(host, { recursive: true });
    const folder = relative(options.workspaceRoot, host);
    if (options.inContainer) {
      volumes.push({ host, path: mount.mountPath });
      warnings.push(`PVC ${name} is the folder ${folder} locally, shared by every task and run that mounts it; mounted at ${mount.mountPath}`);
    } else {
      warnings.push(`PVC ${name} is mounted at ${mount.mountPath} on Kubeflow; locally the claim is the folder ${folder}, which a local process cannot have at ${mount.mountPath} (--mode container mounts it there)`);
    }
  }

  for (const mount of config.emptyDirs) {
    const host = join(options.taskDir, 'volumes', mount.volumeName);
    rmSync(host, { recursive: true, force: true });
    mkdirSync(host, { recursive: true });
    const folder = relative(options.workspaceRoot, host);
    const limits = [mount.medium ? `medium ${mount.medium}` : '', mount.sizeLimit ? `size limit ${mount.sizeLimit}` : ''].filter(Boolean).join(', ');
    const ignored = limits ? ` (${limits}: not applied locally)` : '';
    if (options.inContainer) {
      volumes.push({ host, path: mount.mountPath });
      warnings.push(`emptyDir ${mount.volumeName} is the fresh folder ${folder} locally, mounted at ${mount.mountPath}${ignored}`);
    } else {
      warnings.push(`emptyDir ${mount.volumeName} is mounted at ${mount.mountPath} on Kubeflow; a local process cannot have ${mount.mountPath} (--mode container mounts the fresh folder ${folder} there)${ignored}`);
    }
  }

  for (const mount of config.objectVolumes) {
    const name = resolveName(mount.name, options.rootParameters);
    const keys = name === undefined ? undefined : objectsOf(options.objects, mount.kind)[name];
    const what = `${mount.kind} ${describe(mount.name, name)} is mounted as files at ${mount.mountPath} on Kubeflow`;
    if (!options.inContainer) {
      warnings.push(`${what}; a local process cannot have ${mount.mountPath} (--mode container mounts its keys from ${LOCAL_OBJECTS_FILE} there)`);
      continue;
    }
    if (!keys) {
      warnings.push(`${what}; ${LOCAL_OBJECTS_FILE} does not give it, so nothing is mounted${mount.optional ? ' (optional, so the task runs without it)' : ''}`);
      continue;
    }
    // private to this user, removed when the task ends: the values are not left in the run folder
    const host = mkdtempSync(join(tmpdir(), 'nx-kubeflow-volume-'));
    temporary.push(host);
    for (const [key, value] of Object.entries(keys)) {
      writeFileSync(join(host, key), value, { mode: 0o600 });
      if (mount.kind === 'secret') secretValues.push(value);
      digested.push([mount.mountPath, key, value]);
    }
    volumes.push({ host, path: mount.mountPath });
    warnings.push(`${what}; locally its keys come from ${LOCAL_OBJECTS_FILE}, mounted there`);
  }

  if (config.fieldPathEnv.length > 0) {
    const given: string[] = [];
    for (const { name, fieldPath } of config.fieldPathEnv) {
      const value = fieldValue(fieldPath, options, config);
      env[name] = value;
      given.push(value === undefined ? `${name} (${fieldPath}) is not set, there is no such thing here` : `${name}=${value} (${fieldPath})`);
    }
    warnings.push(`pod fields as environment variables get this machine's stand-ins: ${given.join('; ')}`);
  }

  if (config.clusterOnly.length > 0) warnings.push(`on Kubeflow only, not applied locally: ${config.clusterOnly.join('; ')}`);

  return {
    env,
    volumes,
    warnings,
    ...(digested.length > 0 ? { digest: createHash('sha256').update(JSON.stringify(digested)).digest('hex') } : {}),
    secretValues,
    cleanup: () => {
      for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
    },
  };
}

function objectsOf(objects: LocalObjects, kind: ObjectKind): Record<string, Record<string, string>> {
  return kind === 'secret' ? objects.secrets : objects.configMaps;
}

function resolveName(name: IrObjectName, rootParameters: Record<string, unknown>, outputParametersOf?: LocalKubernetesOptions['outputParametersOf']): string | undefined {
  if (name.kind === 'constant') return name.name;
  if (name.kind === 'task-output') {
    const value = outputParametersOf?.(name.task)?.[name.output];
    return typeof value === 'string' ? value : undefined;
  }
  if (name.kind === 'parameter') {
    const value = rootParameters[name.parameter];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function describe(name: IrObjectName, resolved: string | undefined): string {
  if (name.kind === 'constant') return `"${name.name}"`;
  if (name.kind === 'parameter') return resolved === undefined ? `named by parameter ${name.parameter}` : `"${resolved}" (parameter ${name.parameter})`;
  if (name.kind === 'task-output') return resolved === undefined ? `made by task ${name.task}` : `"${resolved}" (made by task ${name.task})`;
  return `named at run time (${name.text})`;
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

function fieldValue(fieldPath: string, options: LocalKubernetesOptions, config: IrKubernetesConfig): string | undefined {
  const subscript = SUBSCRIPT.exec(fieldPath);
  if (subscript) return (subscript[1] === 'labels' ? config.podLabels : config.podAnnotations)[subscript[2]];
  switch (fieldPath) {
    case 'metadata.name':
      return options.podName;
    case 'metadata.uid':
      return randomUUID();
    case 'spec.nodeName':
      return hostname();
    case 'status.hostIP':
    case 'status.hostIPs':
    case 'status.podIP':
    case 'status.podIPs':
      return '127.0.0.1';
    default:
      return undefined;
  }
}
