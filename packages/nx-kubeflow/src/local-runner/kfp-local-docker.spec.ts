/**
 * The example pipeline under kfp's own local executor: the IR compile writes,
 * unchanged, run by kfp.local's DockerRunner (kfp >= 2.17 from PyPI, not
 * patched) with the images docker-build's code makes, and by this project's
 * runner in container mode with the same images. kfp.local learns which
 * artifacts a task made only from its executor output, so without the
 * component-runtime's executor output the trainer never gets its dataset.
 * Every output parameter, artifact file, executor output value and metric
 * must be the same; log records must carry the run and task kfp.local named.
 *
 * Needs docker with the base image (NX_KUBEFLOW_TEST_BASE_IMAGE) and PyPI for
 * the venv, both probed before the test is declared: without them it shows as
 * skipped, saying why, unless NX_KUBEFLOW_REQUIRE_ALL=1 (CI), or
 * NX_KUBEFLOW_REQUIRE_ENGINES=1 for docker, NX_KUBEFLOW_REQUIRE=pypi for the
 * venv, makes that a failing test. The images it builds carry a fresh content
 * hash and are removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildComponentImage } from '../images/build-component-image';
import type { ContainerEngine } from '../images/engines/container-engine';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { BASE_IMAGE, engineForTests, TestWorkspace } from '../images/integration/test-workspace';
import { compilePipelineProject } from '../pipeline/compile-pipeline-project';
import { runProcess } from '../process/run-process';
import { requireOrSkip } from '../testing/suite-requirements';
import { WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { kfpLocalPython, RUN_KFP_LOCAL } from './__fixtures__/kfp-local-env';
import { DockerLauncher } from './container-launch';
import { runPipeline, type RunResult } from './run-pipeline';

jest.setTimeout(45 * 60_000);

const COMPONENTS = ['data-loader', 'trainer'];
const PARAMETERS = { rows: 50, epochs: 20, seed: 7 };

interface KfpLocalResult {
  job: string;
  tasks: Record<string, { executor_output: ExecutorOutputDocument | null; files: Record<string, string> }>;
}
interface ExecutorOutputDocument {
  artifacts?: Record<string, { artifacts: Array<{ name: string; uri: string; metadata: Record<string, unknown> }> }>;
  parameterValues?: Record<string, unknown>;
}

let engine: ContainerEngine | undefined;
let python: string | undefined;
let workspace: TestWorkspace | undefined;
let scratch: string;
const images = new Map<string, string>();
const tags: string[] = [];
const buildLog: string[] = [];
let kfpVersion = '';

const SUITE = "the example under kfp.local's DockerRunner";
const withDocker = requireOrSkip(SUITE, 'engines', probeEnginesSync(['docker'])['docker']);
// made (or found) now, so that a package index that cannot be reached shows as a skip, not as a pass
const kfp = withDocker ? kfpLocalPython() : undefined;
const canRun = withDocker && requireOrSkip(SUITE, 'pypi', kfp && !kfp.ok ? kfp.reason : undefined);

beforeAll(async () => {
  if (!canRun || !kfp?.ok) return;
  const found = await engineForTests('docker');
  // The probe found it a moment ago: gone now is a failure, not a skip.
  if (!found.engine) throw new Error(`docker was usable when probed, and is not now: ${found.reason}`);
  engine = found.engine;
  python = kfp.python;
  kfpVersion = kfp.version;
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kfp-local-'));
  workspace = new TestWorkspace();
  for (const name of COMPONENTS) {
    const record = await buildComponentImage({
      workspaceRoot: workspace.root,
      projectName: name,
      projectRoot: `components/${name}`,
      engine: engine!,
      push: false,
      buildArgs: { BASE_IMAGE },
      environ: process.env['PIP_CERT'] ? { PIP_CERT: process.env['PIP_CERT'] } : {},
      log: (line) => buildLog.push(line),
    });
    tags.push(...record.tags);
    images.set(name, record.reference);
  }
});

afterAll(async () => {
  for (const tag of tags) await engine?.removeImage(tag).catch((error) => console.warn(`could not remove ${tag}: ${(error as Error).message}`));
  workspace?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

(canRun ? it : it.skip)('runs the compiled example under kfp.local unpatched, with the same outputs and metrics as this runner', async () => {
  if (!engine || !python) throw new Error('beforeAll found no docker or kfp venv');
  const compiled = compilePipelineProject({
    workspaceRoot: WORKSPACE_ROOT,
    projectName: 'training-pipeline',
    projects: {
      'training-pipeline': { root: 'pipelines/training-pipeline' },
      'data-loader': { root: 'components/data-loader' },
      trainer: { root: 'components/trainer' },
      'component-runtime': { root: 'packages/component-runtime' },
    },
    env: 'development',
    outputPath: relative(WORKSPACE_ROOT, join(scratch, 'pipeline')),
    componentImages: images,
  });

  // kfp.local, as a user would run it
  const root = join(scratch, 'kfp-local-root');
  const resultFile = join(scratch, 'kfp-local.json');
  const stdout: string[] = [];
  const kfpRun = await runProcess(
    python,
    [RUN_KFP_LOCAL, '--runner', 'docker', compiled.outputFile, root, resultFile, ...Object.entries(PARAMETERS).map(([name, value]) => `${name}=${JSON.stringify(value)}`)],
    { tailLines: 60, onLine: (line, stream) => stream === 'stdout' && stdout.push(line) },
  );
  if (kfpRun.exitCode !== 0) throw new Error(`kfp.local failed (exit ${kfpRun.exitCode}):\n${kfpRun.tail.join('\n')}`);
  const kfp = JSON.parse(readFileSync(resultFile, 'utf8')) as KfpLocalResult;

  // this project's runner, in the same images
  const ours: RunResult = await runPipeline({
    ir: { irFile: compiled.outputFile },
    runDir: join(scratch, 'runs', 'ours'),
    runId: 'ours',
    pipelineName: 'training-pipeline',
    parameters: PARAMETERS,
    tasks: Object.fromEntries(COMPONENTS.map((name) => [name, { mode: 'container' as const, launcher: new DockerLauncher(), projectRoot: `components/${name}` }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache'),
  });
  expect(ours.error).toBeUndefined();
  expect(ours.state).toBe('SUCCEEDED');

  expect(Object.keys(kfp.tasks).sort()).toEqual(COMPONENTS);
  const expected = {
    'data-loader': { parameters: ['row_count'], artifacts: ['dataset'] },
    trainer: { parameters: ['rmse'], artifacts: ['model', 'metrics'] },
  } as const;
  for (const name of COMPONENTS as Array<keyof typeof expected>) {
    const theirs = kfp.tasks[name];
    const mine = ours.tasks.find((task) => task.name === name)!;
    const taskRoot = join(root, kfp.job, name);
    expect(theirs.executor_output).not.toBeNull();
    for (const parameter of expected[name].parameters) {
      expect(theirs.files[parameter]).toBe(readFileSync(join(ours.runDir, name, 'outputs', 'parameters', parameter), 'utf8'));
      expect(theirs.executor_output!.parameterValues?.[parameter]).toEqual(mine.outputs.parameters[parameter]);
    }
    for (const artifact of expected[name].artifacts) {
      // byte for byte the same file, and the same metadata, under kfp.local's own URI
      expect(theirs.files[artifact]).toBe(readFileSync(mine.outputs.artifacts[artifact].path, 'utf8'));
      const listed = theirs.executor_output!.artifacts?.[artifact]?.artifacts[0];
      expect(listed).toEqual({ name: artifact, uri: join(taskRoot, artifact), metadata: mine.outputs.artifacts[artifact].metadata ?? {} });
    }
  }
  const metrics = kfp.tasks.trainer.executor_output!.artifacts!.metrics.artifacts[0].metadata;
  expect(Object.keys(metrics).sort()).toEqual(['r2', 'rmse', 'train-rmse']);
  expect(metrics.rmse).toBe(ours.tasks[1].outputs.parameters.rmse);
  expect(kfp.tasks['data-loader'].files.row_count).toBe(String(PARAMETERS.rows));

  // the components' log records, as kfp.local streamed them: the run and task it named
  const records = stdout
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{"timestamp"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const name of COMPONENTS) {
    const mine = records.filter((record) => record.component === name);
    expect(mine.length).toBeGreaterThan(0);
    for (const record of mine) {
      expect(record).toMatchObject({ task: name, run_name: kfp.job });
      expect(record.run_id).toMatch(/^\d+$/); // kfp.local's {{$.pipeline_job_uuid}}: a random number
    }
  }
  console.info(`kfp ${kfpVersion} (kfp.local DockerRunner) ran ${kfp.job} with ${[...images.values()].join(', ')}: the same outputs as this runner; metrics ${JSON.stringify(metrics)}`);
});
