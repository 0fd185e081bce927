/**
 * Differential conformance: each fixture under __fixtures__/differential is
 * compiled by the plugin and, as the equivalent Python DSL pipeline, by the
 * real kfp SDK (tools/kfp-reference/compile_reference.py); the parsed
 * documents must be equal, sdkVersion aside. Needs PyPI (once, for the venv).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compilePipeline } from './ir-compiler';
import { Fixture, loadFixtures } from './__fixtures__/fixture-loader';
import { kfpPython, runTool, WORKSPACE_ROOT } from './__fixtures__/conformance-env';

const OUT = join(WORKSPACE_ROOT, 'tmp/kfp-conformance/differential');

function withoutSdkVersion(docs: unknown[]): unknown[] {
  return docs.map((doc) => {
    const { sdkVersion: _ignored, ...rest } = doc as Record<string, unknown>;
    return rest;
  });
}

function referenceJob(fixture: Fixture) {
  const { options } = fixture;
  return {
    out: join(OUT, `${fixture.name}.kfp.yaml`),
    pipeline: options.pipeline,
    components: Object.fromEntries(
      [...options.components].map(([project, c]) => [
        project,
        { file: fixture.componentFiles[project], image: c.image, usesComponentRuntime: c.usesComponentRuntime },
      ]),
    ),
    parameterDefaults: options.parameterDefaults,
    settingsEnv: options.settingsEnv ?? 'development',
    pipelineSettingsToml: options.pipelineSettingsToml ?? '',
  };
}

const fixtures = loadFixtures('differential');
const python = kfpPython();
if (!python.ok) console.warn(`differential IR conformance skipped: ${python.reason}`);

describe('IR compiler against the kfp SDK', () => {
  const results = new Map<string, Record<string, unknown>>();

  beforeAll(() => {
    if (!python.ok) return;
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const jobsFile = join(OUT, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(fixtures.map(referenceJob), null, 2));
    for (const result of runTool(python.python, 'compile_reference.py', [jobsFile])) results.set(result.out as string, result);
  }, 600_000);

  it('has at least 15 differential fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  for (const fixture of fixtures) {
    (python.ok ? it : it.skip)(`${fixture.name} matches kfp`, () => {
      const job = referenceJob(fixture);
      const result = results.get(job.out);
      if (!result?.ok) throw new Error(`kfp could not compile ${fixture.name}: ${result?.error ?? 'no result'}`);
      const compiled = compilePipeline(fixture.options);
      writeFileSync(join(OUT, `${fixture.name}.plugin.yaml`), compiled.yaml);
      const referenceText = readFileSync(job.out, 'utf8');
      const reference = parseAllDocuments(referenceText).map((d) => d.toJS());
      expect(withoutSdkVersion(compiled.documents)).toEqual(withoutSdkVersion(reference));
      // The header comment is no part of the IR, but kfp's is reproduced too - except the key
      // order of a dict default, which kfp prints in protobuf's (unordered) map order.
      const header = (text: string) =>
        text.split('\n').filter((line) => line.startsWith('#') && !/: dict \[Default: \{/.test(line)).join('\n');
      expect(header(compiled.yaml)).toEqual(header(referenceText));
    });
  }
});
