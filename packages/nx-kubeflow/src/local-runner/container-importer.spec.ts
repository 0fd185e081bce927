/**
 * An imported artifact read by a task in a container: the importer takes the
 * file where it is, outside the run folder, so the container gets it mounted
 * at the same path (importedPaths). Needs docker and the base image, as
 * container-mode.spec.ts; without them the real run shows as skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadComponentSpec } from '../kfp/component-spec';
import { compilePipeline } from '../kfp/ir-compiler';
import type { ResolvedComponent } from '../kfp/pipeline-model';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { readPipeline } from '../pipeline/read-pipeline';
import { requireOrSkip } from '../testing/suite-requirements';
import { DockerLauncher } from './container-launch';
import { FIXTURES_DIR, fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { runPipeline } from './run-pipeline';
import { importedPaths } from './task-runner';

jest.setTimeout(300_000);

const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';
const DATA = join(FIXTURES_DIR, 'imported', 'data.txt');

function compiled(image: string) {
  const { definition, problems } = readPipeline(
    `name: imports
tasks:
  data: {importer: {artifact_uri: '${relative(WORKSPACE_ROOT, DATA)}', type: Dataset}}
  read: {component: read-artifact, arguments: {source: {task: data, output: artifact}}}
`,
    'imports/pipeline.yaml',
  );
  if (!definition || problems.length > 0) throw new Error(JSON.stringify(problems));
  const spec = loadComponentSpec(join(FIXTURES_DIR, 'read-artifact', 'component.yaml'));
  const components = new Map<string, ResolvedComponent>([['read-artifact', { project: 'read-artifact', spec, image, usesComponentRuntime: false }]]);
  return { pipelineSpec: compilePipeline({ pipeline: definition, components }).documents[0] };
}

describe('imported artifacts in containers', () => {
  it('mounts input artifacts outside the run folder, once each, and nothing inside it', () => {
    const artifacts = {
      a: { path: '/data/x.csv', uri: '/data/x.csv' },
      b: { path: '/runs/r1/t/outputs/artifacts/o', uri: '/runs/r1/t/outputs/artifacts/o' },
      c: { path: '/data/x.csv', uri: '/data/x.csv' },
      d: { path: '/runs/r10/y', uri: '/runs/r10/y' },
    };
    expect(importedPaths({ artifacts }, '/runs/r1')).toEqual(['/data/x.csv', '/runs/r10/y']);
  });

  const unavailable = probeEnginesSync(['docker']).docker;
  const available = requireOrSkip('an imported artifact read in a docker container', 'engines', unavailable);
  (available ? it : it.skip)('a task in a container reads a file the importer took where it is', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-container-importer-'));
    try {
      const result = await runPipeline({
        ir: compiled(BASE_IMAGE),
        runDir: join(scratch, 'run'),
        runId: 'run',
        pipelineName: 'imports',
        tasks: { read: { mode: 'container', launcher: new DockerLauncher(), projectRoot: fixtureRoot('read-artifact') } },
        workspaceRoot: WORKSPACE_ROOT,
        cacheDir: join(scratch, 'cache'),
      });
      expect(result.error).toBeUndefined();
      expect(result.tasks.find((task) => task.name === 'read')!.outputs.parameters).toEqual({ text: 'imported line\n' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
