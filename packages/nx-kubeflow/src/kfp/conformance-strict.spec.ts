/**
 * Strict conformance: every IR the plugin compiles from the golden and
 * differential fixtures parses with the upstream protos under a parser that
 * rejects unknown fields and wrong types (tools/kfp-reference/validate_ir.py,
 * protoc-generated classes + json_format.ParseDict), as the KFP API server's
 * protojson does. A deliberately broken IR must be rejected, so the check is
 * known to bite.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { compilePipeline } from './ir-compiler';
import { loadFixtures } from './__fixtures__/fixture-loader';
import { readWithPyYaml, readWithYamlV3, runTool, SHARED_KFP, strictValidator, untyped, WORKSPACE_ROOT, yamlV3Reader, type TypedRead } from './__fixtures__/conformance-env';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { requireOrSkip } from '../testing/suite-requirements';

const OUT = join(WORKSPACE_ROOT, 'tmp/kfp-conformance/strict');
const fixtures = [...loadFixtures('golden'), ...loadFixtures('differential')];
const validator = strictValidator();
requireOrSkip('strict IR proto check', validator.ok ? 'protoc' : validator.requirement, validator.ok ? undefined : validator.reason);

const files = new Map<string, string>();
/** What the compiler meant each file to hold, by the same keys as `files`. */
const meant = new Map<string, unknown[]>();
const goReader = yamlV3Reader();
requireOrSkip('IR read back by yaml.v3', 'go', goReader.ok ? undefined : goReader.reason);

/** The workspace's own pipelines (the examples under pipelines/), compiled as `nx run <p>:compile` does. */
function workspaceProjects(): Record<string, { root: string }> {
  const projects: Record<string, { root: string }> = {};
  for (const folder of ['components', 'pipelines', 'packages']) {
    const dir = join(WORKSPACE_ROOT, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) projects[name] = { root: `${folder}/${name}` };
  }
  return projects;
}
const projects = workspaceProjects();
const workspacePipelines = Object.keys(projects).filter((name) =>
  existsSync(join(WORKSPACE_ROOT, projects[name].root, 'pipeline.yaml')),
);
const broken = {
  unknownField: join(OUT, 'negative-unknown-field.yaml'),
  unknownPlatformField: join(OUT, 'negative-unknown-platform-field.yaml'),
};

describe('compiled IR parses with the upstream protos, unknown fields rejected', () => {
  const results = new Map<string, Record<string, unknown>>();

  beforeAll(() => {
    if (!validator.ok) return;
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const fixture of fixtures) {
      const file = join(OUT, `${fixture.name}.yaml`);
      const compiled = compilePipeline(fixture.options);
      writeFileSync(file, compiled.yaml);
      files.set(fixture.name, file);
      meant.set(fixture.name, compiled.documents);
    }
    for (const pipeline of workspacePipelines) {
      for (const env of ['development', 'production']) {
        const outputPath = `tmp/kfp-conformance/strict/workspace/${pipeline}-${env}`;
        const { yaml } = compilePipelineProject({ workspaceRoot: WORKSPACE_ROOT, projectName: pipeline, projects, env, outputPath });
        files.set(`workspace:${pipeline}:${env}`, join(WORKSPACE_ROOT, outputPath, 'pipeline.yaml'));
        // its own YAML 1.2 reading; the fixtures check the writer against the compiler's documents
        meant.set(`workspace:${pipeline}:${env}`, parseAllDocuments(yaml).map((document) => document.toJS()));
      }
    }
    const withSecrets = compilePipeline(fixtures.find((f) => f.name === 'secrets_as_env')!.options).documents;
    const [spec, platform] = withSecrets as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    writeFileSync(broken.unknownField, stringify({ ...spec, pipelineInfo: { ...spec.pipelineInfo, displayNam: 'typo' } }));
    const executors = platform.platforms.kubernetes.deploymentSpec.executors;
    const label = Object.keys(executors)[0];
    const badPlatform = { platforms: { kubernetes: { deploymentSpec: { executors: { [label]: { ...executors[label], secretAsEnvs: [] } } } } } };
    writeFileSync(broken.unknownPlatformField, stringify(spec) + '---\n' + stringify(badPlatform));
    const all = [...files.values(), broken.unknownField, broken.unknownPlatformField];
    for (const result of runTool(validator.python, 'validate_ir.py', [join(SHARED_KFP, 'proto'), ...all])) {
      results.set(result.file as string, result);
    }
    pyyaml = readWithPyYaml(validator.python, [...files.values()]);
    if (goReader.ok) yamlv3 = readWithYamlV3(goReader.binary, [...files.values()]);
  }, 600_000);

  let pyyaml = new Map<string, TypedRead>();
  let yamlv3 = new Map<string, TypedRead>();
  const readsAsMeant = (reads: Map<string, TypedRead>, key: string) => {
    const read = reads.get(files.get(key) as string);
    expect(read?.error ?? null).toBeNull();
    expect(untyped(read?.documents)).toEqual(meant.get(key));
  };

  for (const key of [...fixtures.map((fixture) => fixture.name), ...workspacePipelines.flatMap((p) => [`workspace:${p}:development`, `workspace:${p}:production`])]) {
    (validator.ok ? it : it.skip)(`${key} reads back with PyYAML as the compiler meant it`, () => readsAsMeant(pyyaml, key));
    (validator.ok && goReader.ok ? it : it.skip)(`${key} reads back with yaml.v3 as the compiler meant it`, () => readsAsMeant(yamlv3, key));
  }

  for (const fixture of fixtures) {
    (validator.ok ? it : it.skip)(`${fixture.name} is a valid PipelineSpec (and PlatformSpec)`, () => {
      const result = results.get(files.get(fixture.name) as string);
      expect(result?.error ?? null).toBeNull();
      expect(result?.ok).toBe(true);
    });
  }

  it('finds the example pipeline among the workspace pipelines', () => {
    expect(workspacePipelines.length).toBeGreaterThanOrEqual(1);
  });

  for (const pipeline of workspacePipelines) {
    for (const env of ['development', 'production']) {
      (validator.ok ? it : it.skip)(`the workspace pipeline ${pipeline} (${env}) is a valid PipelineSpec`, () => {
        const result = results.get(files.get(`workspace:${pipeline}:${env}`) as string);
        expect(result?.error ?? null).toBeNull();
        expect(result?.ok).toBe(true);
      });
    }
  }

  (validator.ok ? it : it.skip)('rejects an unknown field in the PipelineSpec', () => {
    expect(results.get(broken.unknownField)?.ok).toBe(false);
    expect(String(results.get(broken.unknownField)?.error)).toMatch(/displayNam/);
  });

  (validator.ok ? it : it.skip)('rejects an unknown field in a Kubernetes executor config', () => {
    expect(results.get(broken.unknownPlatformField)?.ok).toBe(false);
    expect(String(results.get(broken.unknownPlatformField)?.error)).toMatch(/secretAsEnvs/);
  });
});
