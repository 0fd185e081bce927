/**
 * The IR file's second document, platforms.kubernetes, as kfp-kubernetes
 * writes it: per executor, one secretAsEnv entry per use_secret_as_env call,
 * with both the current secretNameParameter and the deprecated secretName;
 * one tolerations entry per add_toleration call, with only the fields given
 * (json_format.MessageToDict: camelCase, int64 tolerationSeconds as text);
 * activeDeadlineSeconds from set_timeout, an int64 too, so also text.
 */
import type { SecretAsEnv, Toleration } from './pipeline-model';
import { objectName, rootNameSource, type NameSource } from './platform-kubernetes-options';

export function secretAsEnvEntries(secrets: SecretAsEnv[], source: NameSource = rootNameSource): Record<string, unknown>[] {
  return secrets.map((secret) => ({
    keyToEnv: Object.entries(secret.keys).map(([secretKey, envVar]) => ({ envVar, secretKey })),
    optional: secret.optional ?? false,
    // named by a pipeline parameter: only the parameter, as kfp-kubernetes writes it for a PipelineChannel
    ...objectName('secretName', secret.secret_name, secret.name_parameter, source),
  }));
}

export function tolerationEntries(tolerations: Toleration[]): Record<string, unknown>[] {
  return tolerations.map((toleration) => {
    const entry: Record<string, unknown> = {};
    if (toleration.key !== undefined) entry.key = toleration.key;
    if (toleration.operator !== undefined) entry.operator = toleration.operator;
    if (toleration.value !== undefined) entry.value = toleration.value;
    if (toleration.effect !== undefined) entry.effect = toleration.effect;
    if (toleration.toleration_seconds !== undefined) entry.tolerationSeconds = String(toleration.toleration_seconds);
    return entry;
  });
}

/** set_timeout's field: the pod's deadline in seconds, as text (json_format writes an int64 so). */
export function activeDeadlineSeconds(seconds: number): string {
  return String(seconds);
}

/** Only written when some executor has platform config, as kfp omits the document otherwise. */
export function platformDocument(executors: Record<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  if (Object.keys(executors).length === 0) return undefined;
  return { platforms: { kubernetes: { deploymentSpec: { executors } } } };
}
