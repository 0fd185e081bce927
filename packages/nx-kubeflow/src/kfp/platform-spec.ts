/**
 * The IR file's second document, platforms.kubernetes, as kfp-kubernetes
 * writes it: per executor, one secretAsEnv entry per use_secret_as_env call,
 * with both the current secretNameParameter and the deprecated secretName.
 */
import type { SecretAsEnv } from './pipeline-model';

export function secretAsEnvEntries(secrets: SecretAsEnv[]): Record<string, unknown>[] {
  return secrets.map((secret) => ({
    keyToEnv: Object.entries(secret.keys).map(([secretKey, envVar]) => ({ envVar, secretKey })),
    optional: false,
    secretName: secret.secret_name,
    secretNameParameter: { runtimeValue: { constant: secret.secret_name } },
  }));
}

/** Only written when some executor has platform config, as kfp omits the document otherwise. */
export function platformDocument(executors: Record<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  if (Object.keys(executors).length === 0) return undefined;
  return { platforms: { kubernetes: { deploymentSpec: { executors } } } };
}
