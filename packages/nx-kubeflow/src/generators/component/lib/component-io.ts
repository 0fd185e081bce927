import { isTaskFinalStatusType, TASK_FINAL_STATUS_TYPE } from '../../../kfp/io-types';
import { isParameterType, parameterTypeOf, type ParameterType } from '../../../kfp/parameter-types';
import { suggestKnownType } from '../../../kfp/type-suggestions';

/**
 * How a value reaches run.py: one of KFP's parameter types, or the final status
 * KFP gives an exit task (a JSON object passed by value, as a JsonObject is).
 */
export type IoParameterType = ParameterType | typeof TASK_FINAL_STATUS_TYPE;

/** One input or output of a component, as the templates need it. */
export interface ComponentIo {
  /** snake_case, as in component.yaml and as the Python variable. */
  name: string;
  /** The type as written, e.g. Dataset or Float. */
  type: string;
  /** Canonical parameter type (PipelineTaskFinalStatus included: passed by value), or undefined for an artifact. */
  parameterType?: IoParameterType;
  /**
   * A PipelineTaskFinalStatus input: KFP's driver fills it on an exit task (or an
   * ignore_upstream_failure task) with how the tasks it waited for ended; kfp makes it
   * optional and it takes no argument and no default, so run.py does not require it.
   */
  optional?: boolean;
  /** Command-line flag run.py takes, e.g. --learning-rate. */
  flag: string;
  /** Default as component.yaml writes it (a string), inputs only. */
  default?: string;
}

const IO_NAME = /^[a-z][a-z0-9_]*$/;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;
const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global ' +
    'if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);
/** Names run.py itself uses. */
const RESERVED_NAMES = new Set(['settings', 'args', 'argv', 'logger']);

/**
 * Parses "--inputs dataset:Dataset,learning_rate:Float=0.01". Returns every
 * problem found, not just the first, so one run shows them all.
 */
export function parseComponentIo(
  spec: string | undefined,
  option: '--inputs' | '--outputs',
): { items: ComponentIo[]; errors: string[] } {
  const items: ComponentIo[] = [];
  const errors: string[] = [];
  const entries = (spec ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const match = /^([^:=]+):([^=]+)(?:=(.*))?$/.exec(entry);
    if (!match) {
      errors.push(`${option}: "${entry}" is not name:Type${option === '--inputs' ? '[=default]' : ''} (e.g. dataset:Dataset).`);
      continue;
    }
    const [, rawName, rawType, rawDefault] = match;
    const name = rawName.trim();
    const type = rawType.trim();
    const before = errors.length;
    if (!IO_NAME.test(name) || PYTHON_KEYWORDS.has(name) || RESERVED_NAMES.has(name)) {
      errors.push(
        `${option}: "${name}" is not a valid name: use snake_case starting with a letter (it becomes a Python variable and a KFP input name), not a Python keyword or one of ${[...RESERVED_NAMES].join(', ')}.`,
      );
    }
    const finalStatus = isTaskFinalStatusType(type);
    const suggestion = finalStatus ? undefined : suggestKnownType(type);
    if (!TYPE_NAME.test(type)) {
      errors.push(`${option}: "${name}" has type "${type}", which is not a type name (e.g. String, Float, Dataset, Model).`);
    } else if (!finalStatus && type.toLowerCase() === TASK_FINAL_STATUS_TYPE.toLowerCase()) {
      // kfp recognises this type by its exact name; any other spelling would be a generic artifact
      errors.push(`${option}: "${name}" has type "${type}": did you mean ${TASK_FINAL_STATUS_TYPE}? (kfp knows it only spelt so.)`);
    } else if (suggestion) {
      errors.push(
        `${option}: "${name}" has type "${type}": did you mean ${suggestion}? (kfp takes a type it does not know as a generic Artifact; write Artifact for that.)`,
      );
    }
    const parameterType: IoParameterType | undefined = finalStatus ? TASK_FINAL_STATUS_TYPE : parameterTypeOf(type);
    if (finalStatus && option === '--outputs') {
      errors.push(`--outputs: "${name}" is a ${TASK_FINAL_STATUS_TYPE}, which only KFP gives (to an exit task, as an input); a component cannot output one.`);
    } else if (finalStatus && rawDefault !== undefined) {
      errors.push(`--inputs: "${name}" is a ${TASK_FINAL_STATUS_TYPE}: KFP fills it with the final status of the tasks it waited for, so it takes no default.`);
    } else if (rawDefault !== undefined) {
      if (option === '--outputs') {
        errors.push(`--outputs: "${name}" has a default; outputs cannot have one.`);
      } else if (!parameterType) {
        errors.push(`--inputs: "${name}" is an artifact (${type}); only parameters can have a default.`);
      } else {
        const problem = defaultProblem(rawDefault, parameterType);
        if (problem) errors.push(`--inputs: default of "${name}" ${problem}`);
      }
    }
    if (errors.length === before) {
      items.push({
        name,
        type,
        parameterType,
        ...(finalStatus ? { optional: true } : {}),
        flag: `--${name.replace(/_/g, '-')}`,
        default: rawDefault === undefined ? undefined : rawDefault.trim(),
      });
    }
  }
  return { items, errors };
}

/** Inputs and outputs share one namespace: they become flags of one command line. */
export function duplicateNames(inputs: ComponentIo[], outputs: ComponentIo[]): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const item of [...inputs, ...outputs]) {
    if (seen.has(item.name)) errors.push(`"${item.name}" is used twice across --inputs and --outputs; names must be unique.`);
    seen.add(item.name);
  }
  return errors;
}

function defaultProblem(value: string, type: IoParameterType): string | undefined {
  const text = value.trim();
  switch (type) {
    case 'Integer':
      return /^[-+]?\d+$/.test(text) ? undefined : `"${text}" is not an Integer.`;
    case 'Float':
      return text !== '' && Number.isFinite(Number(text)) ? undefined : `"${text}" is not a Float.`;
    case 'Boolean':
      return /^(true|false)$/i.test(text) ? undefined : `"${text}" is not a Boolean (true or false).`;
    case 'JsonObject':
    case 'JsonArray': {
      try {
        const parsed = JSON.parse(text);
        const isArray = Array.isArray(parsed);
        if (type === 'JsonArray' ? isArray : parsed !== null && typeof parsed === 'object' && !isArray) return undefined;
      } catch {
        /* reported below */
      }
      return `"${text}" is not a JSON ${type === 'JsonArray' ? 'array' : 'object'}.`;
    }
    default:
      return undefined;
  }
}

export { isParameterType };
