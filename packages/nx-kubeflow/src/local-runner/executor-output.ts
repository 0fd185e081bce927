/**
 * Reads the executor output file a task may write where its executor input
 * said (outputs.outputFile), as kfp.local reads it
 * (kfp/local/executor_output_utils.py): no file is no executor output; the
 * artifacts' metadata comes from it; output parameters come from it unless the
 * parameter's own file exists, which wins (merge_dsl_output_file_parameters_to_executor_output).
 * Protobuf JSON: `parameterValues` (or `parameter_values`) and
 * `artifacts.<name>.artifacts[0].metadata`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IrParameterType, IrTask } from './ir-reader';

export interface ExecutorOutput {
  /** Output parameter values, checked against their types. */
  parameters: Record<string, unknown>;
  /** Metadata by output artifact name, for the artifacts it lists. */
  artifactMetadata: Record<string, Record<string, unknown>>;
  /** Names it gave that the component does not declare (kfp.local keeps them; nothing reads them). */
  ignored: string[];
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

/** undefined when there is no file; throws an Error naming the file and the field for anything unusable. */
export function readExecutorOutput(file: string, task: Pick<IrTask, 'outputParameters' | 'outputArtifacts'>): ExecutorOutput | undefined {
  if (!existsSync(file)) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`the executor output ${file} is not JSON: ${(error as Error).message}`);
  }
  if (!isDict(document)) throw new Error(`the executor output ${file} is not a JSON object`);
  const output: ExecutorOutput = { parameters: {}, artifactMetadata: {}, ignored: [] };

  const values = document.parameterValues ?? document.parameter_values ?? {};
  if (!isDict(values)) throw new Error(`the executor output ${file}: parameterValues is not an object`);
  for (const [name, value] of Object.entries(values)) {
    const type = task.outputParameters[name];
    if (type === undefined) {
      output.ignored.push(`parameter "${name}"`);
      continue;
    }
    const problem = typeProblem(value, type);
    if (problem) throw new Error(`the executor output ${file}: output parameter "${name}" (${type}) ${problem}`);
    output.parameters[name] = value;
  }

  const artifacts = document.artifacts ?? {};
  if (!isDict(artifacts)) throw new Error(`the executor output ${file}: artifacts is not an object`);
  for (const [name, listing] of Object.entries(artifacts)) {
    if (!task.outputArtifacts.includes(name)) {
      // kfp.local fails on it (the executor input has no such artifact to take its type from)
      throw new Error(`the executor output ${file} names output artifact "${name}", which the component does not declare (it declares: ${task.outputArtifacts.join(', ') || 'none'})`);
    }
    const first = isDict(listing) && Array.isArray(listing.artifacts) ? listing.artifacts[0] : undefined;
    if (!isDict(first)) throw new Error(`the executor output ${file}: artifacts.${name} lists no artifact`);
    const metadata = first.metadata ?? {};
    if (!isDict(metadata)) throw new Error(`the executor output ${file}: the metadata of artifact "${name}" is not an object`);
    output.artifactMetadata[name] = metadata;
  }
  return output;
}

/** What is wrong with a JSON value for a parameter of this type (kfp.local casts NUMBER_INTEGER with int()). */
function typeProblem(value: unknown, type: IrParameterType): string | undefined {
  const ok =
    type === 'STRING' ? typeof value === 'string'
    : type === 'NUMBER_INTEGER' ? Number.isInteger(value)
    : type === 'NUMBER_DOUBLE' ? typeof value === 'number'
    : type === 'BOOLEAN' ? typeof value === 'boolean'
    : type === 'LIST' ? Array.isArray(value)
    : isDict(value);
  return ok ? undefined : `is ${JSON.stringify(value)}, not ${type === 'NUMBER_INTEGER' ? 'a whole number' : `a ${type}`}`;
}
