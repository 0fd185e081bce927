/**
 * Differential conformance: each fixture under __fixtures__/differential is
 * compiled by the plugin and, as the equivalent Python DSL pipeline, by the
 * real kfp SDK (tools/kfp-reference/compile_reference.py); both files are
 * read back with PyYAML, as kfp reads IR (YAML 1.1: kfp writes `1e3` plain
 * because to PyYAML that is text), and the documents must be equal, values
 * and their types, sdkVersion aside. The plugin's file must also mean to
 * PyYAML what the compiler meant, and every plugin IR whose inputs all have
 * defaults must load as a component of an outer pipeline that kfp compiles
 * (tools/kfp-reference/use_ir_as_component.py), as a team reuses a pipeline.
 * Needs PyPI (once, for the venv).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePipeline } from './ir-compiler';
import { Fixture, loadFixtures } from './__fixtures__/fixture-loader';
import { kfpPython, normalizedTyped, readWithPyYaml, runTool, untyped, WORKSPACE_ROOT, type TypedRead } from './__fixtures__/conformance-env';
import { requireOrSkip } from '../testing/suite-requirements';

const OUT = join(WORKSPACE_ROOT, 'tmp/kfp-conformance/differential');

function withoutSdkVersion(docs: unknown[]): unknown[] {
  return docs.map((doc) => {
    const { sdkVersion: _ignored, ...rest } = doc as Record<string, unknown>;
    return rest;
  });
}

/** What compile_reference.py generates a DSL pipeline from; pipelines run as tasks are jobs of their own under `pipelines`. */
function pipelineJob(fixture: Fixture, options: Fixture['options']): Record<string, unknown> {
  const entries = [...options.components];
  return {
    pipeline: options.pipeline,
    components: Object.fromEntries(
      entries
        .filter(([, c]) => !c.nested)
        .map(([project, c]) => [project, { file: fixture.componentFiles[project], image: c.image, usesComponentRuntime: c.usesComponentRuntime }]),
    ),
    pipelines: Object.fromEntries(entries.filter(([, c]) => c.nested).map(([project, c]) => [project, pipelineJob(fixture, c.nested!)])),
    parameterDefaults: options.parameterDefaults,
    settingsEnv: options.settingsEnv ?? 'development',
    pipelineSettingsToml: options.pipelineSettingsToml ?? '',
  };
}

function referenceJob(fixture: Fixture) {
  return { out: join(OUT, `${fixture.name}.kfp.yaml`), ...pipelineJob(fixture, fixture.options) };
}

const fixtures = loadFixtures('differential');

/** An outer pipeline can call the compiled pipeline with no arguments: no artifact inputs, every parameter defaulted. */
function callableWithDefaults(fixture: Fixture): boolean {
  const { parameters } = fixture.options.pipeline;
  return parameters.length > 0 && parameters.every((parameter) => parameter.default !== undefined);
}
const python = kfpPython();
requireOrSkip('differential IR conformance', 'pypi', python.ok ? undefined : python.reason);

describe('IR compiler against the kfp SDK', () => {
  const results = new Map<string, Record<string, unknown>>();
  const pluginFile = (fixture: Fixture) => join(OUT, `${fixture.name}.plugin.yaml`);
  let pyyaml = new Map<string, TypedRead>();
  const usedAsComponent = new Map<string, Record<string, unknown>>();

  beforeAll(() => {
    if (!python.ok) return;
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const jobsFile = join(OUT, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(fixtures.map(referenceJob), null, 2));
    for (const result of runTool(python.python, 'compile_reference.py', [jobsFile])) results.set(result.out as string, result);
    for (const fixture of fixtures) writeFileSync(pluginFile(fixture), compilePipeline(fixture.options).yaml);
    pyyaml = readWithPyYaml(python.python, [...fixtures.map(pluginFile), ...fixtures.map((fixture) => referenceJob(fixture).out)]);
    const reusable = fixtures.filter(callableWithDefaults).map(pluginFile);
    for (const result of runTool(python.python, 'use_ir_as_component.py', reusable)) usedAsComponent.set(result.file as string, result);
  }, 600_000);

  it('has fixtures that can be reused as components (all inputs defaulted)', () => {
    expect(fixtures.filter(callableWithDefaults).map((fixture) => fixture.name)).toEqual(expect.arrayContaining(['yaml_1_1_scalars']));
  });

  for (const fixture of fixtures.filter(callableWithDefaults)) {
    (python.ok ? it : it.skip)(`${fixture.name} loads in kfp as a component of an outer pipeline`, () => {
      const result = usedAsComponent.get(pluginFile(fixture));
      expect(result?.error ?? null).toBeNull();
      expect(result?.ok).toBe(true);
    });
  }

  it('has at least 15 differential fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  for (const fixture of fixtures) {
    (python.ok ? it : it.skip)(`${fixture.name} matches kfp`, () => {
      const job = referenceJob(fixture);
      const result = results.get(job.out);
      if (!result?.ok) throw new Error(`kfp could not compile ${fixture.name}: ${result?.error ?? 'no result'}`);
      const compiled = compilePipeline(fixture.options);
      const referenceText = readFileSync(job.out, 'utf8');
      const ours = pyyaml.get(pluginFile(fixture));
      const theirs = pyyaml.get(job.out);
      expect(ours?.error ?? null).toBeNull();
      expect(theirs?.error ?? null).toBeNull();
      expect(withoutSdkVersion(normalizedTyped(ours!.documents) as unknown[])).toEqual(withoutSdkVersion(normalizedTyped(theirs!.documents) as unknown[]));
      expect(untyped(ours!.documents)).toEqual(compiled.documents);
      // The header comment is no part of the IR, but kfp's is reproduced too - except the key
      // order of a default holding a mapping (a dict, or a list of dicts), which kfp prints in
      // protobuf's (unordered) map order.
      const header = (text: string) =>
        text.split('\n').filter((line) => line.startsWith('#') && !/: (dict|list) \[Default: .*\{/.test(line)).join('\n');
      expect(header(compiled.yaml)).toEqual(header(referenceText));
    });
  }
});
