import { readFileSync, writeFileSync, appendFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startKfpTestServer, type KfpTestServer } from '../../../packages/nx-kubeflow/src/backends/kfp-rest/testing/kfp-test-server';
import { WorkspaceCopy } from './workspace-copy';
import { removeImagesUnder } from '../../../packages/nx-kubeflow/src/testing/test-images';

/**
 * Issues 5 and 6 end to end, on a fresh copy with the real nx CLI, real
 * images and a local registry, against the stateful KFP test server (no
 * Kubeflow cluster runs here): `-c production` builds and pushes the images,
 * publishes by content hash; after one component changes, `nx affected -t
 * deploy -c production` rebuilds that image only and deploys only the
 * pipelines that use it. Then the example runs in container mode, locally,
 * with the same results as in subprocess mode.
 *
 * Needs docker, the base image and the registry (tools/ci/container-engines.sh);
 * without them it skips, saying so, unless NX_KUBEFLOW_REQUIRE_ENGINES=1 or NX_KUBEFLOW_REQUIRE_ALL=1 (CI).
 */
const REGISTRY = process.env.NX_KUBEFLOW_TEST_REGISTRY ?? '';
const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';
const REQUIRED = process.env.NX_KUBEFLOW_REQUIRE_ENGINES === '1' || process.env.NX_KUBEFLOW_REQUIRE_ALL === '1';

function enginesAvailable(): string | undefined {
  if (!REGISTRY) return 'NX_KUBEFLOW_TEST_REGISTRY is not set';
  const image = spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { encoding: 'utf8' });
  if (image.status !== 0) return `docker has no ${BASE_IMAGE}`;
  const registry = spawnSync('curl', ['-fsS', `http://${REGISTRY}/v2/`], { encoding: 'utf8' });
  if (registry.status !== 0) return `no registry answers at ${REGISTRY}`;
  return undefined;
}

const missing = enginesAvailable();
if (missing && REQUIRED) throw new Error(`the image e2e suite needs docker, ${BASE_IMAGE} and a registry: ${missing}`);
if (missing) console.warn(`skipping the Kubeflow deploy e2e suite: ${missing} (see tools/ci/container-engines.sh)`);
const describeWithEngines = missing ? describe.skip : describe;

describeWithEngines('affected deploys to Kubeflow (the KFP test server) with real images', () => {
  let workspace: WorkspaceCopy;
  let server: KfpTestServer;
  // Where this copy's images go: its own repository path, so reruns never find another copy's tags.
  const registry = `${REGISTRY}/e2e-${Date.now().toString(36)}`;
  const env = { DYNACONF_IMAGE__BASE: BASE_IMAGE };
  const nx = (...args: string[]) => workspace.nxAsync([...args, '--outputStyle=static'], env);
  const productionSettings = () =>
    `[production]\nkfp = { dynaconf_merge = true, host = "${server.url}", poll_interval_seconds = 0.1 }\n` +
    `image = { dynaconf_merge = true, registry = "${registry}" }\n`;
  const commit = (message: string) => {
    workspace.git('add', '-A');
    workspace.git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', message);
  };

  beforeAll(async () => {
    server = await startKfpTestServer();
    workspace = new WorkspaceCopy();
    // a second pipeline that does not use the trainer
    const generated = await workspace.nxAsync(['g', 'pipeline', 'loader-only', '--components', 'data-loader']);
    expect(generated.status).toBe(0);
    for (const pipeline of ['training-pipeline', 'loader-only']) {
      // a personal override, as a user pointing at a dev cluster would write: git ignores it
      writeFileSync(join(workspace.root, 'pipelines', pipeline, 'config/settings.local.toml'), productionSettings());
    }
    commit('a second pipeline');
  });
  afterAll(async () => {
    workspace?.remove();
    await server?.close();
    removeImagesUnder(`${registry}/`);
  });

  it('first deploy: builds and pushes both images, publishes one version of each pipeline, pinned by digest', async () => {
    const result = await nx('run-many', '-t', 'deploy', '-c', 'production');
    expect(result.output).not.toMatch(/cannot deploy/);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/\[data-loader\] /);
    expect(result.output).toMatch(/\[trainer\] /);
    expect(server.state.versionsOf('training-pipeline')).toHaveLength(1);
    expect(server.state.versionsOf('loader-only')).toHaveLength(1);
    const ir = readFileSync(join(workspace.root, 'dist/pipelines/training-pipeline/production/pipeline.yaml'), 'utf8');
    expect(ir).toContain(`image: ${registry}/trainer@sha256:`);
    expect(ir).toContain(`image: ${registry}/data-loader@sha256:`);
  });

  it('deploying again with nothing changed builds nothing and publishes nothing', async () => {
    const writes = server.writes().length;
    const result = await nx('run', 'training-pipeline:deploy', '-c', 'production');
    expect(result.status).toBe(0);
    expect(result.output).toContain('Unchanged: version');
    expect(server.writes()).toHaveLength(writes);
    expect(server.state.pipelines.filter((pipeline) => pipeline.name === 'training-pipeline')).toHaveLength(1);
    expect(server.state.versionsOf('training-pipeline')).toHaveLength(1);
    for (const component of ['data-loader', 'trainer']) {
      const record = JSON.parse(readFileSync(join(workspace.root, 'dist/components', component, 'image.json'), 'utf8'));
      expect({ component, skipped: record.skipped }).toEqual({ component, skipped: true });
    }
  });

  it('GitOps output survives compile cache restores (compile caches its IR file, not the folder)', async () => {
    const folder = join(workspace.root, 'dist/pipelines/training-pipeline');
    const resources = join(folder, 'production', 'kubeflow-resources.yaml');
    const deployCrd = async () => {
      const result = await nx('run', 'training-pipeline:deploy', '-c', 'production', '--output', 'crd');
      expect(result.status === 0 ? '' : result.output).toBe('');
    };
    const compile = async () => {
      const result = await nx('run', 'training-pipeline:compile', '-c', 'production');
      expect(result.status === 0 ? '' : result.output).toBe('');
      return result.output;
    };
    await deployCrd(); // images up to date, so compile's inputs (their image.json) stay put from here on
    rmSync(folder, { recursive: true, force: true });
    await compile(); // the cache entry is made with no GitOps file beside the IR
    await deployCrd();
    expect(readFileSync(resources, 'utf8')).toContain('kind: PipelineVersion');
    // a cache hit with the IR missing on disk makes Nx restore the compile outputs (one IR per environment)
    const ir = join(folder, 'production', 'pipeline.yaml');
    rmSync(ir);
    expect(await compile()).toContain('[local cache]');
    expect(existsSync(ir)).toBe(true);
    expect(readFileSync(resources, 'utf8')).toContain('kind: PipelineVersion');
  });

  it('after a change to the trainer, affected deploy rebuilds that image only and deploys only the pipeline that uses it', async () => {
    appendFileSync(join(workspace.root, 'components/trainer/src/run.py'), '\n# a change\n');
    const result = await nx('affected', '-t', 'deploy', '-c', 'production', '--base=HEAD');
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/training-pipeline:deploy/);
    expect(result.output).not.toMatch(/loader-only:deploy/);
    expect(server.state.versionsOf('training-pipeline')).toHaveLength(2);
    expect(server.state.versionsOf('loader-only')).toHaveLength(1);
    const images = (name: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/components', name, 'image.json'), 'utf8'));
    expect(images('data-loader').skipped).toBe(true);
    expect(images('trainer').skipped).toBeFalsy();
  });

  it('runs the example locally in its images with the results of subprocess mode', async () => {
    const latestRun = () => {
      const runsDir = join(workspace.root, 'dist/runs/training-pipeline');
      const { readdirSync } = jest.requireActual('node:fs') as typeof import('node:fs');
      const runs = readdirSync(runsDir).sort();
      return JSON.parse(readFileSync(join(runsDir, runs[runs.length - 1], 'run.json'), 'utf8'));
    };
    const inProcesses = await nx('run', 'training-pipeline:run');
    expect(inProcesses.status).toBe(0);
    const processRun = latestRun();
    const inContainers = await nx('run', 'training-pipeline:run', '--mode', 'container', '--engine', 'docker');
    expect(inContainers.output).not.toMatch(/cannot deploy/);
    expect(inContainers.status).toBe(0);
    const containerRun = latestRun();
    expect(containerRun.runId).not.toBe(processRun.runId);
    expect(containerRun.tasks.map((task: { state: string }) => task.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const trainer = (run: { tasks: Array<{ name: string; outputs: { parameters: Record<string, unknown>; artifacts: Record<string, { path: string }> } }> }) =>
      run.tasks.find((task) => task.name === 'trainer')!;
    expect(trainer(containerRun).outputs.parameters).toEqual(trainer(processRun).outputs.parameters);
    const model = (run: Parameters<typeof trainer>[0]) => JSON.parse(readFileSync(trainer(run).outputs.artifacts.model.path, 'utf8'));
    expect(model(containerRun)).toEqual(model(processRun));
    expect(existsSync(trainer(containerRun).outputs.artifacts.model.path)).toBe(true);
  });
});
