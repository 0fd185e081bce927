/**
 * Loads a component.yaml (KFP v1 component format) into a ComponentSpec and
 * checks it the way kfp's load_component_from_file does, so a file the plugin
 * accepts is one the kfp SDK loads too. Every problem is reported, each with
 * its file and field, instead of stopping at the first.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { CommandLineItem, ComponentInputSpec, ComponentOutputSpec, ComponentSpec } from './pipeline-model';
import { checkDefault } from './component-defaults';
import { checkCommandLine } from './component-placeholders';

export interface SpecProblem {
  file: string;
  field: string;
  message: string;
}

export class ComponentSpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n'));
    this.name = 'ComponentSpecError';
  }
}

type Report = (field: string, message: string) => void;
type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);

export function loadComponentSpec(path: string): ComponentSpec {
  return parseComponentSpecOrThrow(readFileSync(path, 'utf8'), path);
}

export function parseComponentSpecOrThrow(text: string, file: string): ComponentSpec {
  const { spec, problems } = parseComponentSpec(text, file);
  if (!spec || problems.length > 0) throw new ComponentSpecError(problems);
  return spec;
}

export function parseComponentSpec(text: string, file: string): { spec?: ComponentSpec; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const report: Report = (field, message) => problems.push({ file, field, message });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    report('(file)', `not valid YAML: ${(error as Error).message}`);
    return { problems };
  }
  if (!isDict(raw)) {
    report('(file)', 'must be a mapping with name, inputs, outputs and implementation');
    return { problems };
  }
  const spec = readSpec(raw, report);
  if (spec) checkCommandLine(spec, report);
  return { spec, problems };
}

function readSpec(raw: Dict, report: Report): ComponentSpec | undefined {
  if (typeof raw.name !== 'string' || raw.name.trim() === '') report('name', 'is required and must be a non-empty string');
  if (raw.description !== undefined && typeof raw.description !== 'string') report('description', 'must be a string');
  const inputs = readIoList(raw.inputs, 'inputs', report).map((item, i) => readInput(item, `inputs[${i}]`, report));
  const outputs = readIoList(raw.outputs, 'outputs', report).map((item, i) => readOutput(item, `outputs[${i}]`, report));
  checkUniqueNames([...inputs, ...outputs], report);
  const container = readContainer(raw.implementation, report);
  if (!container) return undefined;
  // returned even when the name is missing, so the placeholders are checked too
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    inputs,
    outputs,
    implementation: { container },
  };
}

function readIoList(value: unknown, field: string, report: Report): Dict[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(field, 'must be a list');
    return [];
  }
  return value.filter((item, i) => {
    if (isDict(item) && typeof item.name === 'string' && item.name !== '') return true;
    report(`${field}[${i}]`, 'must be a mapping with a non-empty name');
    return false;
  });
}

/** Types are written as a name, or as a structure such as {GcsPath: {data_type: TSV}} (kept as JSON text). */
function readType(value: unknown, field: string, report: Report): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isDict(value) && Object.keys(value).length === 1) return JSON.stringify(value);
  report(`${field}.type`, 'must be a type name or a one-key mapping');
  return undefined;
}

function readInput(item: Dict, field: string, report: Report): ComponentInputSpec {
  const input: ComponentInputSpec = { name: item.name as string };
  const type = readType(item.type, field, report);
  if (type !== undefined) input.type = type;
  if (typeof item.description === 'string') input.description = item.description;
  if (item.default !== undefined && item.default !== null) {
    if (typeof item.default === 'object') report(`${field}.default`, 'must be written as text (a YAML scalar)');
    else {
      input.default = String(item.default);
      checkDefault(input, `${field}.default`, report);
    }
  }
  if (item.optional !== undefined) {
    if (typeof item.optional !== 'boolean') report(`${field}.optional`, 'must be true or false');
    else input.optional = item.optional;
  }
  return input;
}

function readOutput(item: Dict, field: string, report: Report): ComponentOutputSpec {
  const output: ComponentOutputSpec = { name: item.name as string };
  const type = readType(item.type, field, report);
  if (type !== undefined) output.type = type;
  if (typeof item.description === 'string') output.description = item.description;
  return output;
}

function checkUniqueNames(items: { name: string }[], report: Report): void {
  const seen = new Set<string>();
  for (const { name } of items) {
    if (seen.has(name)) report('inputs/outputs', `name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
  }
}

function readContainer(implementation: unknown, report: Report): ComponentSpec['implementation']['container'] | undefined {
  if (!isDict(implementation) || !isDict(implementation.container)) {
    report('implementation.container', 'is required (only container components are supported, as kfp loads them)');
    return undefined;
  }
  const raw = implementation.container;
  if (typeof raw.image !== 'string' || raw.image === '') report('implementation.container.image', 'is required');
  const container: ComponentSpec['implementation']['container'] = { image: String(raw.image ?? '') };
  for (const key of ['command', 'args'] as const) {
    if (raw[key] === undefined || raw[key] === null) continue;
    if (!Array.isArray(raw[key])) report(`implementation.container.${key}`, 'must be a list');
    else container[key] = (raw[key] as unknown[]).map((item) => (typeof item === 'number' || typeof item === 'boolean' ? String(item) : item)) as CommandLineItem[];
  }
  if (raw.env !== undefined && raw.env !== null) {
    if (!isDict(raw.env) || Object.values(raw.env).some((v) => typeof v !== 'string')) {
      report('implementation.container.env', 'must map names to strings');
    } else container.env = raw.env as Record<string, string>;
  }
  return container;
}
