/**
 * The IR read back by the readers that read it for real: PyYAML (kfp.Client,
 * load_component_from_file, a pipeline used as a component; YAML 1.1) and Go's
 * yaml.v3 (the KFP API server). A corpus of scalars either reader could take
 * for something else goes into every string and number position the compiler
 * writes (parameter names and defaults, literal constants, env names and
 * values, command and args), and each reader must get back exactly the value
 * and type the pipeline meant. A naive YAML 1.2 writing of the same documents
 * must fail PyYAML's check, and a YAML 1.1 writing yaml.v3's, so each check
 * is known to bite.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { compilePipeline, type CompilePipelineOptions } from './ir-compiler';
import type { ComponentSpec, PipelineDefinition } from './pipeline-model';
import { kfpPython, readWithPyYaml, readWithYamlV3, WORKSPACE_ROOT, yamlV3Reader, type TypedRead } from './__fixtures__/conformance-env';
import { requireOrSkip } from '../testing/suite-requirements';
import { pyYamlFloat } from './ir-yaml';

/** Strings a YAML 1.1 reader (PyYAML) or a 1.2 reader (yaml.v3) could take for something else. */
export const TRICKY_STRINGS = [
  ...['yes', 'No', 'ON', 'off', 'Off', 'y', 'n', 'true', 'False', 'null', 'Null', 'NULL', '~', ''],
  ...['2024-02-29', '2024-02-29T10:11:12Z', '2024-2-9 1:02:03.5 +01:00', '1:30', '-1:30', '1:30.5'],
  ...['1_000', '0b101', '0x1F', '0o17', '017', '08', '+1', '-0', '1e3', '1e-8', '1.0', '.5', '1.', '.inf', '-.Inf', '.NaN', '0'],
  ...['=', '<<', '- x', '-', '? x', ': x', 'a: b', 'a #b', '#x', '[a]', '{a}', '@x', '`x', '%x', '!x', '&x', '*x', '|', '>'],
  ...["'", '"', '\\', "it's", '---', '...', ' lead', 'trail ', 'a\tb', '\ttab', 'a\nb', 'a\n', '\n', 'a\r\nb', 'a  b'],
  `${'x'.repeat(30)} ${'y'.repeat(30)}  ${'z'.repeat(30)} ${'w'.repeat(10)}`,
  ...['é', '日本語', '😀', 'a\u2028b', '\u2029', 'x\u0085y', 'del\u007f', 'c1\u0080', 'bom\ufeffx'],
  ...["{{$.inputs.parameters['x']}}", '{{$}}', 'a,b', 'key=value', '+', '.'],
];

/** Floats whose shortest form has no dot, an unsigned exponent, or many digits. */
export const TRICKY_FLOATS = [1e-8, 3.0e-7, 2.0e21, 1e16, 1e15, 0.1, 1e-5, 0.0001, 123.456, 5e-324, 1.7976931348623157e308, -2.5e-10, 3, 0];

/** Parameter and env names that are words to YAML 1.1. */
const TRICKY_NAMES = ['yes', 'on', 'off', 'no', 'y', 'n', 'null', 'true'];

const s = (i: number) => `s${i}`;
const f = (i: number) => `f${i}`;

function corpusOptions(): CompilePipelineOptions {
  const component: ComponentSpec = {
    name: 'echo',
    inputs: [
      ...TRICKY_STRINGS.map((_, i) => ({ name: s(i), type: 'String' })),
      ...TRICKY_FLOATS.map((_, i) => ({ name: f(i), type: 'Float' })),
      ...TRICKY_NAMES.map((name) => ({ name, type: 'String' })),
    ],
    outputs: [],
    implementation: {
      container: {
        image: 'python:3.11',
        command: ['echo', ...TRICKY_STRINGS],
        args: [...TRICKY_STRINGS.map((_, i) => ({ inputValue: s(i) })), ...TRICKY_NAMES.map((name) => ({ inputValue: name }))],
        env: Object.fromEntries(TRICKY_NAMES.map((name, i) => [name, TRICKY_STRINGS[i]])),
      },
    },
  };
  const pipeline: PipelineDefinition = {
    file: 'pipelines/corpus/pipeline.yaml',
    name: 'yaml-corpus',
    parameters: [
      ...TRICKY_STRINGS.map((value, i) => ({ name: s(i), type: 'String' as const, default: value })),
      ...TRICKY_FLOATS.map((value, i) => ({ name: f(i), type: 'Float' as const, default: value })),
      ...TRICKY_NAMES.map((name) => ({ name, type: 'String' as const, default: name })),
    ],
    tasks: [
      {
        name: 'literals',
        component: 'echo',
        after: [],
        arguments: Object.fromEntries([
          ...TRICKY_STRINGS.map((value, i) => [s(i), { kind: 'literal' as const, value }]),
          ...TRICKY_FLOATS.map((value, i) => [f(i), { kind: 'literal' as const, value }]),
          ...TRICKY_NAMES.map((name) => [name, { kind: 'literal' as const, value: name }]),
        ]),
        env: Object.fromEntries(TRICKY_STRINGS.filter((value) => value !== '').map((value, i) => [`E${i}`, value])),
      },
      {
        name: 'wired',
        component: 'echo',
        after: [],
        arguments: Object.fromEntries(
          [...TRICKY_STRINGS.map((_, i) => s(i)), ...TRICKY_FLOATS.map((_, i) => f(i)), ...TRICKY_NAMES].map((name) => [
            name,
            { kind: 'parameter' as const, parameter: name },
          ]),
        ),
      },
    ],
  };
  return { pipeline, components: new Map([['echo', { project: 'echo', spec: component, image: 'python:3.11', usesComponentRuntime: false }]]) };
}

type Dict = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What must hold of one reader's view of the corpus IR; every mismatch, not the first. */
function mismatches(spec: Dict): string[] {
  const found: string[] = [];
  const expectValue = (where: string, actual: unknown, meant: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(meant)) found.push(`${where}: read ${JSON.stringify(actual)}, meant ${JSON.stringify(meant)}`);
  };
  const rootParameters = spec.root?.inputDefinitions?.parameters ?? {};
  const constants = spec.root?.dag?.tasks?.literals?.inputs?.parameters ?? {};
  const container = spec.deploymentSpec?.executors?.['exec-literals']?.container ?? {};
  TRICKY_STRINGS.forEach((value, i) => {
    expectValue(`root parameter ${s(i)} default`, rootParameters[s(i)]?.defaultValue, value);
    expectValue(`constant ${s(i)}`, constants[s(i)]?.runtimeValue?.constant, value);
    expectValue(`command[${i + 1}]`, container.command?.[i + 1], value);
  });
  TRICKY_FLOATS.forEach((value, i) => {
    const meant = { float: value };
    const asFloat = (read: unknown) => (read && typeof read === 'object' && 'float' in read ? { float: Number((read as { float: string }).float) } : read);
    expectValue(`root parameter ${f(i)} default`, asFloat(rootParameters[f(i)]?.defaultValue), meant);
    expectValue(`constant ${f(i)}`, asFloat(constants[f(i)]?.runtimeValue?.constant), meant);
  });
  for (const name of TRICKY_NAMES) {
    expectValue(`root parameter named ${name}`, rootParameters[name]?.defaultValue, name);
    expectValue(`constant named ${name}`, constants[name]?.runtimeValue?.constant, name);
  }
  const env = new Map<string, unknown>((container.env ?? []).map((entry: Dict) => [entry.name, entry.value]));
  TRICKY_STRINGS.filter((value) => value !== '').forEach((value, i) => expectValue(`env E${i}`, env.get(`E${i}`), value));
  TRICKY_NAMES.forEach((name, i) => expectValue(`env named ${name}`, env.get(name), TRICKY_STRINGS[i] === '' ? undefined : TRICKY_STRINGS[i]));
  return found;
}

const OUT = join(WORKSPACE_ROOT, 'tmp/kfp-conformance/readers');
const python = kfpPython();
const goReader = yamlV3Reader();
requireOrSkip('IR read back by PyYAML', python.ok ? 'pypi' : python.requirement, python.ok ? undefined : python.reason);
requireOrSkip('IR read back by yaml.v3', 'go', goReader.ok ? undefined : goReader.reason);

describe('the IR means the same to PyYAML and yaml.v3', () => {
  const compiledFile = join(OUT, 'corpus.yaml');
  /** Written for the other reader: what each check must catch. */
  const naiveFiles = { pyyaml: join(OUT, 'corpus-naive-yaml12.yaml'), yamlv3: join(OUT, 'corpus-naive-yaml11.yaml') };
  const reads: { pyyaml?: Map<string, TypedRead>; yamlv3?: Map<string, TypedRead> } = {};

  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const compiled = compilePipeline(corpusOptions());
    writeFileSync(compiledFile, compiled.yaml);
    // the same documents as a YAML 1.2 writer with no thought for 1.1 puts them, and the reverse
    writeFileSync(naiveFiles.pyyaml, compiled.documents.map((document) => stringify(document)).join('---\n'));
    writeFileSync(naiveFiles.yamlv3, compiled.documents.map((document) => stringify(document, { version: '1.1' })).join('---\n'));
    const files = [compiledFile, naiveFiles.pyyaml, naiveFiles.yamlv3];
    if (python.ok) reads.pyyaml = readWithPyYaml(python.python, files);
    if (goReader.ok) reads.yamlv3 = readWithYamlV3(goReader.binary, files);
  }, 600_000);

  it('writes floats as PyYAML does (a dot and a signed exponent)', () => {
    expect([1e-8, 3e-7, 2e21, 1e16, 0.1, 3, 1e-5].map(pyYamlFloat)).toEqual(['1.0e-08', '3.0e-07', '2.0e+21', '1.0e+16', '0.1', '3.0', '1.0e-05']);
  });

  for (const reader of ['pyyaml', 'yamlv3'] as const) {
    const available = reader === 'pyyaml' ? python.ok : goReader.ok;
    (available ? it : it.skip)(`${reader} reads every string, name and float of the corpus as meant`, () => {
      const read = reads[reader]!.get(compiledFile)!;
      expect(read.error ?? null).toBeNull();
      expect(mismatches(read.documents![0] as Dict)).toEqual([]);
    });

    (available ? it : it.skip)(`${reader} check bites: the same IR written for the other YAML version is misread or refused`, () => {
      const read = reads[reader]!.get(naiveFiles[reader])!;
      const misread = read.ok ? mismatches(read.documents![0] as Dict) : [read.error];
      expect(misread.length).toBeGreaterThan(0);
    });
  }
});
