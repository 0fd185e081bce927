/**
 * Loads a component.yaml (KFP v1 component format) into a ComponentSpec and
 * checks it the way kfp's load_component_from_file does, so a file the plugin
 * accepts is one the kfp SDK loads too, with the same values: the file is read
 * with PyYAML's YAML 1.1 rules, as kfp reads it (`yes` is True, `1:30` is 90,
 * `017` is 15, `1e3` is text). A plain scalar that YAML 1.1 and 1.2 read
 * differently gets a warning naming its line: quoting it says what was meant
 * to every reader. Every problem is reported, each with its file and field,
 * instead of stopping at the first.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isScalar, visit, parse as parseYaml12, Scalar } from 'yaml';
import type { CommandLineItem, ComponentInputSpec, ComponentOutputSpec, ComponentSpec } from './pipeline-model';
import { checkDefault } from './component-defaults';
import { checkCommandLine } from './component-placeholders';
import { PYYAML_SCALAR_TAGS, PyTimestamp, PyUnloadable, pyStr } from './pyyaml-schema';
import { suggestKnownType } from './type-suggestions';
import { aliasBombOffset } from './yaml-aliases';

export interface SpecProblem {
  file: string;
  field: string;
  message: string;
  line?: number;
  column?: number;
}

/** Something kfp reads fine but perhaps not as the author meant. */
export interface SpecWarning {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class ComponentSpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatSpecProblem).join('\n'));
    this.name = 'ComponentSpecError';
  }
}

export function formatSpecProblem(problem: SpecProblem): string {
  const where = problem.line !== undefined ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where}: ${problem.field}: ${problem.message}`;
}

type Report = (field: string, message: string) => void;
type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof PyTimestamp) && !(value instanceof PyUnloadable);

/**
 * PyYAML's resolvers on a failsafe base. `<<` as a key merges, as PyYAML's
 * SafeLoader does, so the merge resolver is the `yaml` package's own here.
 */
const PYYAML_READ_OPTIONS = {
  version: '1.1',
  schema: 'failsafe',
  customTags: PYYAML_SCALAR_TAGS.filter((tag) => tag.tag !== 'tag:yaml.org,2002:merge'),
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
} as const;

export function loadComponentSpec(path: string): ComponentSpec {
  return parseComponentSpecOrThrow(readFileSync(path, 'utf8'), path);
}

export function parseComponentSpecOrThrow(text: string, file: string): ComponentSpec {
  const { spec, problems } = parseComponentSpec(text, file);
  if (!spec || problems.length > 0) throw new ComponentSpecError(problems);
  return spec;
}

export function parseComponentSpec(
  text: string,
  file: string,
): { spec?: ComponentSpec; problems: SpecProblem[]; warnings: SpecWarning[] } {
  const problems: SpecProblem[] = [];
  const report: Report = (field, message) => problems.push({ file, field, message });
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...PYYAML_READ_OPTIONS, lineCounter });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const [position] = error.linePos ?? [lineCounter.linePos(error.pos[0])];
      problems.push({ file, field: '(file)', line: position.line, column: position.col, message: `not valid YAML: ${error.message.split('\n')[0]}` });
    }
    return { problems, warnings: [] };
  }
  const warnings = [...yamlVersionWarnings(document, lineCounter, file), ...typeTypoWarnings(document, lineCounter, file)];
  const unloadable = unloadableScalars(document, lineCounter, file);
  if (unloadable.length > 0) return { problems: unloadable, warnings };
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // too many aliases (an alias bomb): named at the alias that starts it
    const { line, col } = lineCounter.linePos(aliasBombOffset(document));
    problems.push({ file, field: '(file)', line, column: col, message: `not valid YAML: ${(error as Error).message}` });
    return { problems, warnings };
  }
  if (!isDict(raw)) {
    report('(file)', 'must be a mapping with name, inputs, outputs and implementation');
    return { problems, warnings };
  }
  const spec = readSpec(raw, report);
  if (spec) checkCommandLine(spec, report);
  for (const problem of problems) Object.assign(problem, positionOfField(document, lineCounter, problem.field));
  return { spec, problems, warnings };
}

/**
 * Where a field such as `inputs[1].default` or `implementation.container.command[3].inputValue`
 * is in the file: its node, or the deepest part of the path that exists (a missing key
 * lands on the mapping that lacks it). `(file)` and `inputs/outputs` name no node: line 1.
 */
function positionOfField(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, field: string): { line: number; column: number } {
  const path = field
    .split(/\.|(?=\[)/)
    .filter(Boolean)
    .map((segment) => (/^\[\d+\]$/.test(segment) ? Number(segment.slice(1, -1)) : segment));
  let offset = 0;
  for (let depth = path.length; depth > 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      offset = node.range[0];
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** How a plain scalar reads under YAML 1.2's core schema (yaml.v3, the `yaml` package's default). */
function yaml12Value(source: string): unknown {
  try {
    return parseYaml12(source);
  } catch {
    return source;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'bigint') return `the integer ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (value === null) return 'null';
  if (value instanceof PyTimestamp) return 'a date';
  return 'something PyYAML cannot load';
}

function sameMeaning(yaml11: unknown, yaml12: unknown): boolean {
  if (typeof yaml11 === 'bigint') return typeof yaml12 === 'number' && Number(yaml11) === yaml12;
  if (typeof yaml11 === 'number' && typeof yaml12 === 'number') return Object.is(yaml11, yaml12) || yaml11 === yaml12;
  if (yaml11 instanceof PyTimestamp || yaml11 instanceof PyUnloadable) return false;
  return yaml11 === yaml12;
}

/** Plain scalars whose value under YAML 1.1 (what kfp reads) differs from YAML 1.2's. */
function yamlVersionWarnings(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, file: string): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  visit(document, {
    Scalar(_key, node) {
      if (node.type !== Scalar.PLAIN || typeof node.source !== 'string') return;
      const yaml12 = yaml12Value(node.source);
      if (sameMeaning(node.value, yaml12)) return;
      const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
      warnings.push({
        file,
        line,
        column: col,
        message:
          `${node.source} is ${describeValue(node.value)} to YAML 1.1 readers (kfp, PyYAML) ` +
          `but ${describeValue(yaml12)} to YAML 1.2 readers: quote it ('${node.source}') or write the value you mean`,
      });
    },
  });
  return warnings;
}

/** An input or output type one or two edits from a kfp type: kfp would make it a generic system.Artifact. */
function typeTypoWarnings(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, file: string): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  for (const list of ['inputs', 'outputs']) {
    const items = document.getIn([list], true);
    if (!items || typeof items !== 'object' || !('items' in items) || !Array.isArray(items.items)) continue;
    items.items.forEach((_item: unknown, index: number) => {
      const type = document.getIn([list, index, 'type'], true);
      if (!isScalar(type) || typeof type.value !== 'string') return;
      const suggestion = suggestKnownType(type.value);
      if (!suggestion) return;
      const { line, col } = lineCounter.linePos(type.range?.[0] ?? 0);
      warnings.push({
        file,
        line,
        column: col,
        message: `${list}[${index}] has type ${type.value}, which kfp does not know and types as a generic system.Artifact: did you mean ${suggestion}?`,
      });
    });
  }
  return warnings;
}

/** Plain `=` (and `<<` outside a key): PyYAML resolves tags its SafeLoader cannot build, so kfp cannot load the file. */
function unloadableScalars(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const refuse = (node: Scalar, text: string, tag: string) => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    problems.push({ file, field: '(file)', line, column: col, message: `a plain ${text} is ${tag} to PyYAML, which kfp cannot load: quote it ('${text}')` });
  };
  visit(document, {
    Scalar(key, node) {
      if (node.value instanceof PyUnloadable) refuse(node, node.value.text, node.value.tag);
      // `<<` merges as a key; anywhere else PyYAML resolves it all the same and fails
      else if (node.type === Scalar.PLAIN && node.source === '<<' && key !== 'key') refuse(node, '<<', 'tag:yaml.org,2002:merge');
    },
  });
  return problems;
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
    if (item.default instanceof PyTimestamp) {
      report(`${field}.default`, `${item.default.text} is a date to YAML 1.1 (kfp cannot take a date as a default): quote it ('${item.default.text}')`);
    } else if (typeof item.default === 'object') report(`${field}.default`, 'must be written as text (a YAML scalar)');
    else {
      // kfp keeps str() of what PyYAML built: 1.0 -> '1.0', yes -> 'True'
      input.default = pyStr(item.default);
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
    else container[key] = readCommandLine(raw[key] as unknown[], `implementation.container.${key}`, report);
  }
  if (raw.env !== undefined && raw.env !== null) {
    if (!isDict(raw.env)) report('implementation.container.env', 'must map names to strings');
    else {
      const bad = Object.entries(raw.env).filter(([, v]) => typeof v !== 'string');
      for (const [name, value] of bad) {
        report(`implementation.container.env.${name}`, `must be a string, not ${describeValue(value)}: quote it`);
      }
      if (bad.length === 0) container.env = raw.env as Record<string, string>;
    }
  }
  return container;
}

/**
 * kfp refuses a command or args item that is not a string or a placeholder
 * (`[sleep, 5]`, `true`): a container's argv is text, and guessing the text of
 * a YAML 1.1 number or boolean is how `yes` becomes `True`.
 */
function readCommandLine(items: unknown[], field: string, report: Report): CommandLineItem[] {
  return items.map((item, index) => {
    if (typeof item === 'string' || isDict(item)) return item;
    report(`${field}[${index}]`, `must be a string or a placeholder, not ${describeValue(item)}: quote it`);
    return ''; // reported here; kept in place so later items keep their index in messages
  }) as CommandLineItem[];
}
