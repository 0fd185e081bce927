/**
 * The GitOps output validated against the upstream CRD schemas
 * (../shared/kfp/crds) with ajv, as strictly as the API server's strict
 * field validation: an object schema with properties admits no other
 * fields unless it says x-kubernetes-preserve-unknown-fields. Inputs are
 * IR files the real kfp SDK compiled (../shared/kfp/golden), one of them
 * with a platform spec document.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse, parseAllDocuments } from 'yaml';
import { SHARED_KFP, sharedKfpMissing } from '../../kfp/__fixtures__/conformance-env';
import { GitOpsBackend } from './gitops-backend';
import { kubeflowResources, kubeflowResourcesYaml, type KubernetesResource } from './kubeflow-resources';
import { isDns1123Label, pipelineResourceName, versionResourceName } from './kubernetes-names';
import { requireOrSkip } from '../../testing/suite-requirements';

type Schema = Record<string, unknown>;

/** Strict where the CRD is: properties listed and no preserve-unknown-fields -> nothing else allowed. */
function strict(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  if (copy['properties'] && typeof copy['properties'] === 'object') {
    copy['properties'] = Object.fromEntries(Object.entries(copy['properties'] as Record<string, Schema>).map(([key, value]) => [key, strict(value)]));
    if (!copy['x-kubernetes-preserve-unknown-fields'] && copy['additionalProperties'] === undefined) copy['additionalProperties'] = false;
  }
  if (copy['items'] && typeof copy['items'] === 'object') copy['items'] = strict(copy['items'] as Schema);
  if (copy['additionalProperties'] && typeof copy['additionalProperties'] === 'object') copy['additionalProperties'] = strict(copy['additionalProperties'] as Schema);
  return copy;
}

function crdValidators(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource', 'x-kubernetes-list-type', 'x-kubernetes-map-type']) {
    ajv.addKeyword(keyword);
  }
  const validators: Record<string, ValidateFunction> = {};
  for (const file of readdirSync(join(SHARED_KFP, 'crds')).filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readFileSync(join(SHARED_KFP, 'crds', file), 'utf8'))) {
      const crd = document.toJS() as { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
      for (const version of crd.spec.versions) {
        validators[`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`] = ajv.compile(strict(version.schema.openAPIV3Schema));
      }
    }
  }
  return validators;
}

function problemsOf(validators: Record<string, ValidateFunction>, resource: KubernetesResource): string[] {
  const validate = validators[`${resource.apiVersion} ${resource.kind}`];
  if (!validate) return [`no CRD for ${resource.apiVersion} ${resource.kind}`];
  const problems = validate(JSON.parse(JSON.stringify(resource))) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  if (!isDns1123Label(resource.metadata.name)) problems.push(`metadata.name "${resource.metadata.name}" is not a DNS-1123 label`);
  return problems;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Kubernetes names', () => {
  it('follow kfp k8s renaming, keep 63 characters, and name versions by content hash', () => {
    expect(pipelineResourceName('Training_Pipeline')).toBe('training-pipeline');
    expect(versionResourceName('training-pipeline', 'ab'.repeat(32))).toBe('training-pipeline-abababababab');
    const long = versionResourceName('x'.repeat(80), 'c'.repeat(64));
    expect(long).toHaveLength(63);
    expect(isDns1123Label(long)).toBe(true);
    expect(() => pipelineResourceName('___')).toThrow(/no valid Kubernetes name/);
  });
});

const missing = sharedKfpMissing();
const suite = requireOrSkip('CRD validation of the GitOps output', 'upstream-kfp', missing) ? describe : describe.skip;

suite('GitOps output against the upstream CRD schemas', () => {
  const validators = missing ? {} : crdValidators();
  const golden = (name: string) => readFileSync(join(SHARED_KFP, 'golden', `${name}.yaml`), 'utf8');

  it.each(['hello_world', 'nvidia_gpu_scheduling_check', 'two_step_pipeline_containerized'])('%s gives valid Pipeline and PipelineVersion resources', (name) => {
    const irYaml = golden(name);
    const resources = kubeflowResources({ pipelineName: 'training-pipeline', namespace: 'team-a', irYaml, contentHash: sha(irYaml), description: 'Trains', tags: { 'git-sha': 'abc123', branch: 'main' } });
    expect(resources.map((r) => r.kind)).toEqual(['Pipeline', 'PipelineVersion']);
    for (const resource of resources) expect(problemsOf(validators, resource)).toEqual([]);
    const [pipelineSpec, platformSpec] = parseAllDocuments(irYaml).map((d) => d.toJS());
    expect(resources[1].spec['pipelineSpec']).toEqual(pipelineSpec);
    expect(resources[1].spec['platformSpec']).toEqual(platformSpec ?? undefined);
    expect(resources[1].spec['pipelineName']).toBe(resources[0].metadata.name);
  });

  it('the YAML stream parses back to the same resources', () => {
    const irYaml = golden('nvidia_gpu_scheduling_check');
    const request = { pipelineName: 'training-pipeline', irYaml, contentHash: sha(irYaml) };
    const parsed = parseAllDocuments(kubeflowResourcesYaml(request)).map((d) => d.toJS());
    expect(parsed).toEqual(JSON.parse(JSON.stringify(kubeflowResources(request))));
    expect(parsed[1].spec.platformSpec.platforms.kubernetes).toBeDefined();
  });

  it('the validation is strict where the CRD is: an unknown spec field or a missing pipelineSpec fails', () => {
    const irYaml = golden('hello_world');
    const [pipeline, version] = kubeflowResources({ pipelineName: 'p', irYaml, contentHash: sha(irYaml) });
    expect(problemsOf(validators, { ...pipeline, spec: { ...pipeline.spec, pipelineSpec: {} } })).toEqual([expect.stringContaining('must NOT have additional properties')]);
    const { pipelineSpec: _dropped, ...withoutSpec } = version.spec;
    expect(problemsOf(validators, { ...version, spec: withoutSpec })).toEqual([expect.stringContaining("must have required property 'pipelineSpec'")]);
  });

  it('the backend writes dist/pipelines/<name>/kubeflow-resources.yaml, and nothing new when unchanged', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-gitops-'));
    try {
      const outputFile = join(root, 'dist/pipelines/training-pipeline/kubeflow-resources.yaml');
      const lines: string[] = [];
      const backend = new GitOpsBackend({ outputFile, namespace: 'team-a', log: (line) => lines.push(line) });
      const irYaml = golden('hello_world');
      const first = await backend.publish({ pipelineName: 'training-pipeline', irYaml, contentHash: sha(irYaml) });
      expect(first).toMatchObject({ created: true, location: outputFile, pipelineId: 'training-pipeline', versionName: sha(irYaml).slice(0, 12) });
      expect(parse(readFileSync(outputFile, 'utf8').split('---\n')[1])).toMatchObject({ kind: 'Pipeline', metadata: { namespace: 'team-a' } });
      expect((await backend.publish({ pipelineName: 'training-pipeline', irYaml, contentHash: sha(irYaml) })).created).toBe(false);
      await expect(backend.startRun()).rejects.toThrow(/only writes resources/);
      const dry = new GitOpsBackend({ outputFile: join(root, 'other.yaml'), dryRun: true, log: (line) => lines.push(line) });
      expect(await dry.publish({ pipelineName: 'training-pipeline', irYaml, contentHash: sha(irYaml) })).toMatchObject({ dryRun: true, created: true });
      expect(readdirSync(root)).toEqual(['dist']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
