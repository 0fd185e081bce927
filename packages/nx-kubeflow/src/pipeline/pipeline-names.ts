/**
 * Name rules for pipeline.yaml. Pipeline and task names end up in Kubernetes
 * and KFP names, which kfp lower-cases and dashes (k8sName); we accept only
 * names that are already in that form, so what the user writes is what the
 * IR and the UI show. Parameter names are Python identifiers, as in the DSL,
 * that start with a letter, as kfp requires of every pipeline parameter.
 */
import { KFP_CHANNEL_NAME } from '../kfp/kfp-names';

/** kfp's pipeline name rule (compiler: ^[a-z0-9][a-z0-9-]{0,127}$). */
const PIPELINE_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;
/** A DNS-1123 label: a-z, 0-9 and '-', starting and ending with a letter or digit, at most 63 characters. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global ' +
    'if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

export function pipelineNameProblem(name: string): string | undefined {
  return PIPELINE_NAME.test(name)
    ? undefined
    : `"${name}" is not a valid pipeline name: use lowercase letters, digits and "-", starting with a letter or digit (at most 128 characters), e.g. training-pipeline.`;
}

export function taskNameProblem(name: string): string | undefined {
  return DNS_1123_LABEL.test(name)
    ? undefined
    : `"${name}" is not a valid task name: use a lowercase DNS-1123 label (a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters), e.g. train-model.`;
}

export function parameterNameProblem(name: string): string | undefined {
  if (!PYTHON_IDENTIFIER.test(name) || PYTHON_KEYWORDS.has(name)) {
    return `"${name}" is not a valid parameter name: use a Python identifier (letters, digits and "_", not starting with a digit, not a keyword), e.g. learning_rate.`;
  }
  // kfp's PipelineChannel refuses the name when the pipeline is compiled, though Python allows it
  if (!KFP_CHANNEL_NAME.test(name)) {
    return `"${name}" is not a valid parameter name: kfp requires a pipeline parameter to start with a letter; rename it, e.g. ${identifierFrom(name)}.`;
  }
  return undefined;
}

/**
 * A name into a parameter name or a fragment of one: train-model -> train_model,
 * _seed -> seed (kfp's own name for such an input), 2nd -> p_2nd (kfp wants a letter first).
 */
export function identifierFrom(name: string): string {
  let identifier = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
  if (!/^[A-Za-z]/.test(identifier)) identifier = identifier === '' ? 'p' : `p_${identifier}`;
  return PYTHON_KEYWORDS.has(identifier) ? `${identifier}_` : identifier;
}

/** A DNS-1123 subdomain, what Kubernetes requires of a Secret's name: dot-separated labels, at most 253 characters. */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A key of a Secret's data (Kubernetes' IsConfigMapKey): also a file name when the secret is mounted. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const KUBERNETES_NAME_MAX = 253;

/**
 * The secret is looked up by this name when the pod starts: a name Kubernetes
 * cannot hold (`Bad_Name!`, `../../etc`) would only fail there, after the
 * pipeline was published, so it is refused here.
 */
export function secretNameProblem(name: string): string | undefined {
  return DNS_1123_SUBDOMAIN.test(name) && name.length <= KUBERNETES_NAME_MAX
    ? undefined
    : `"${name}" is not a valid Kubernetes secret name: use a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit, at most 253 characters), e.g. warehouse-credentials.`;
}

/** A Secret data key: letters, digits, "-", "_" and ".", not "." or ".." (it becomes a file name when mounted). */
export function secretKeyProblem(key: string): string | undefined {
  return SECRET_KEY.test(key) && key !== '.' && key !== '..' && key.length <= KUBERNETES_NAME_MAX
    ? undefined
    : `"${key}" is not a valid Kubernetes secret key: use letters, digits, "-", "_" and "." (not "." or "..", at most 253 characters), e.g. password.`;
}
