import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocalDependencies, readPyproject, uvSourcesTable } from './pyproject';

// ejs (what generateFiles renders with) ships no types
const { render } = require('ejs') as { render: (template: string, data: Record<string, unknown>) => string };

/** The pyproject.toml `nx g component` writes (its template, rendered as the generator does with a path runtime). */
const GENERATED = render(readFileSync(join(__dirname, '../generators/component/files/pyproject.toml__tmpl__'), 'utf8'), {
  name: 'c',
  description: 'A component',
  py: (text: string) => JSON.stringify(text),
  runtimeRequirement: 'component-runtime',
  runtime: { kind: 'path', path: '../../packages/component-runtime' },
  runtimeRoot: 'packages/component-runtime',
});

describe('readLocalDependencies (the project graph reads only [tool.uv.sources])', () => {
  let workspaceRoot: string;
  const FILE = 'components/c/pyproject.toml';
  const write = (text: string) => {
    mkdirSync(join(workspaceRoot, 'components/c'), { recursive: true });
    writeFileSync(join(workspaceRoot, FILE), text);
  };
  beforeEach(() => (workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-pyproject-'))));
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  const runtime = '{ path = "../../packages/component-runtime", editable = true }';
  // Each: the file, and whether the sources table alone is parsed (else the whole file)
  const cases: Array<[string, string, boolean]> = [
    ['the generated component', GENERATED, true],
    ['sources as the last table', `[project]\nname = "c"\n\n[tool.uv.sources]\ncomponent-runtime = ${runtime}\nlib = { path = "../lib" }\n`, true],
    ['CRLF line ends and a comment on the header', `[project]\r\nname = "c"\r\n[tool.uv.sources]  # local\r\ncomponent-runtime = ${runtime}\r\n[tool.x]\r\ny = 1\r\n`, true],
    ['a spaced header', `[ tool . uv . sources ]\ncomponent-runtime = ${runtime}\n`, true],
    ['a multi-line array of sources', `[tool.uv.sources]\ntorch = [\n  { index = "cpu", marker = "sys_platform == 'linux'" },\n]\ncomponent-runtime = ${runtime}\n[build-system]\nrequires = []\n`, true],
    ['no sources at all', `[project]\nname = "c"\ndependencies = ["dynaconf"]\n`, true],
    ['sources under [tool.uv]', `[tool.uv]\nsources = { component-runtime = ${runtime} }\n`, false],
    ['dotted keys', `[tool]\nuv.sources.component-runtime = ${runtime}\n`, false],
    ['a sub-table per source', `[tool.uv.sources]\na = { path = "../a" }\n[tool.uv.sources.component-runtime]\npath = "../../packages/component-runtime"\n`, false],
    ['a path that says sources', `[tool.uv.sources]\nlib = { path = "../sources" }\n`, false],
    ['a multi-line string whose line opens with [', `[tool.uv.sources]\nnote = """\n[not a header]\n"""\ncomponent-runtime = ${runtime}\n`, false],
    ['a unicode escape that spells a key', `[tool.uv."\\u0073ources"]\ncomponent-runtime = ${runtime}\n`, false],
  ];

  it.each(cases)('%s: the same answer as parsing the whole file', (_name, text, sliced) => {
    write(text);
    const dependencies = readLocalDependencies(workspaceRoot, FILE);
    expect(dependencies).toEqual(readPyproject(workspaceRoot, FILE).localDependencies);
    expect(uvSourcesTable(text) !== undefined).toBe(sliced);
    // not two empty answers: every case that names the runtime finds it
    expect(dependencies.includes('packages/component-runtime')).toBe(text.includes('component-runtime'));
  });

  it('finds the runtime in the generated component, read from the sources table alone', () => {
    write(GENERATED);
    expect(uvSourcesTable(readFileSync(join(workspaceRoot, FILE), 'utf8'))).toEqual({
      'component-runtime': { path: expect.stringContaining('component-runtime'), editable: true },
    });
    expect(readLocalDependencies(workspaceRoot, FILE)).toEqual([expect.stringMatching(/component-runtime$/)]);
  });

  it('reports a broken sources table as readPyproject does, with file:line:column', () => {
    write('[tool.uv.sources]\ncomponent-runtime = { path = \n');
    expect(() => readLocalDependencies(workspaceRoot, FILE)).toThrow(/components\/c\/pyproject\.toml:\d+:\d+: invalid TOML/);
  });
});
