/**
 * The container task mode on real engines: the same fixture tasks run in an
 * image (docker run, buildah run) and as subprocesses must end the same way,
 * with the same outputs. Needs an engine and the base image, probed before
 * the tests are declared: without them its tests show as skipped, saying why,
 * unless NX_KUBEFLOW_REQUIRE_ENGINES=1 or NX_KUBEFLOW_REQUIRE_ALL=1 (CI) makes
 * that a failing test (src/testing/suite-requirements.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { runProcess } from '../process/run-process';
import { requireOrSkip } from '../testing/suite-requirements';
import { BuildahLauncher, DockerLauncher, type ContainerLauncher } from './container-launch';
import { commandModes, fixtureIr, fixtureRoot, FIXTURES_DIR, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import type { IrDocuments } from './ir-reader';
import { runPipeline } from './run-pipeline';
import type { TaskMode } from './task-environment';

jest.setTimeout(300_000);

const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';
const IMAGE = 'localhost/nx-kubeflow-fixture-echo:1';
/** Where buildah keeps its images: as the plugin reads it (CI sets STORAGE_DRIVER=vfs). */
const buildahStorage = process.env.STORAGE_DRIVER ? ['--storage-driver', process.env.STORAGE_DRIVER] : [];

const tasks: FixtureTask[] = [
  {
    name: 'first',
    component: 'echo-params',
    arguments: {
      s: { kind: 'literal', value: 'hello world' },
      i: { kind: 'literal', value: 7 },
      f: { kind: 'literal', value: 0.5 },
      b: { kind: 'literal', value: true },
      o: { kind: 'literal', value: { z: 1 } },
      a: { kind: 'literal', value: [1, 'two'] },
    },
    env: { GREETING: 'from the IR' },
  },
  {
    name: 'second',
    component: 'echo-params',
    arguments: Object.fromEntries(['s', 'i', 'f', 'b', 'o', 'a'].map((name) => [name, { kind: 'task-output' as const, task: 'first', output: `out_${name}` }])),
  },
];

/** A fixture image: the base image with echo-params' run.py in /app, its WORKDIR. */
async function buildFixtureImage(engine: 'docker' | 'buildah'): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'nx-kubeflow-fixture-image-'));
  try {
    copyFileSync(join(FIXTURES_DIR, 'echo-params', 'run.py'), join(context, 'run.py'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY run.py /app/run.py\nWORKDIR /app\n`);
    const result =
      engine === 'docker'
        ? await runProcess('docker', ['build', '--network', 'host', '-t', IMAGE, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } })
        : await runProcess('buildah', [...buildahStorage, 'bud', '--isolation', 'chroot', '--pull-never', '-t', IMAGE, context]);
    if (result.exitCode !== 0) throw new Error(`${engine} could not build the fixture image:\n${result.tail.join('\n')}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function withImage(ir: IrDocuments, image: string): IrDocuments {
  const spec = structuredClone(ir.pipelineSpec) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const executor of Object.values(spec.deploymentSpec.executors) as Array<{ container: { image: string } }>) executor.container.image = image;
  return { ...ir, pipelineSpec: spec };
}

const engines: Array<{ name: 'docker' | 'buildah'; launcher: () => ContainerLauncher }> = [
  { name: 'docker', launcher: () => new DockerLauncher() },
  { name: 'buildah', launcher: () => new BuildahLauncher() },
];
/** Engine -> why it cannot run the fixture image here (not usable, or no base image), or undefined. */
const UNAVAILABLE = probeEnginesSync(engines.map((engine) => engine.name));

describe.each(engines)('the container task mode with $name', ({ name, launcher }) => {
  const available = requireOrSkip(`the container task mode with ${name}`, 'engines', UNAVAILABLE[name] && `${UNAVAILABLE[name]} (see tools/ci/container-engines.sh)`);
  const test = available ? it : it.skip;
  let scratch: string;
  beforeAll(async () => {
    if (!available) return;
    await buildFixtureImage(name);
    scratch = mkdtempSync(join(tmpdir(), `nx-kubeflow-container-mode-${name}-`));
  });
  afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  test('runs the tasks in the image with the same outcome and outputs as subprocesses', async () => {
    const ir = fixtureIr(tasks);
    const run = (runId: string, documents: IrDocuments, modes: Record<string, TaskMode>) =>
      runPipeline({ ir: documents, runDir: join(scratch, 'runs', runId), runId, pipelineName: 'fixture', tasks: modes, workspaceRoot: WORKSPACE_ROOT, cacheDir: join(scratch, `cache-${runId}`), parallel: 2, env: { EXTRA: 'extra' } });
    const inProcesses = await run('processes', ir, commandModes(tasks));
    const inContainers = await run('containers', withImage(ir, IMAGE), Object.fromEntries(tasks.map((task) => [task.name, { mode: 'container' as const, launcher: launcher(), projectRoot: fixtureRoot(task.component) }])));

    expect(inProcesses.state).toBe('SUCCEEDED');
    expect(inContainers.error).toBeUndefined();
    expect(inContainers.state).toBe('SUCCEEDED');
    expect(inContainers.tasks.map((task) => [task.name, task.state])).toEqual(inProcesses.tasks.map((task) => [task.name, task.state]));
    for (const task of ['first', 'second']) {
      const of = (result: typeof inProcesses) => result.tasks.find((candidate) => candidate.name === task)!;
      expect(of(inContainers).outputs.parameters).toEqual(of(inProcesses).outputs.parameters);
      const received = (result: typeof inProcesses) => JSON.parse(readFileSync(of(result).outputs.artifacts.received.path, 'utf8'));
      // the same argv and environment seen from inside; only the run id differs
      expect(received(inContainers)).toEqual({ ...received(inProcesses), run_id: 'containers' });
    }
  });

  test("runs a task in the image its pipeline.yaml image: names (set_container_image), not its component's", async () => {
    // compiled as is: only the task's image: points at the fixture image; the component's python:3.11-slim has no /app/run.py
    const ir = fixtureIr([{ ...tasks[0], image: IMAGE }]);
    const executors = (ir.pipelineSpec as { deploymentSpec: { executors: Record<string, { container: { image: string } }> } }).deploymentSpec.executors;
    expect(Object.values(executors).map((executor) => executor.container.image)).toEqual([IMAGE]);
    const result = await runPipeline({
      ir,
      runDir: join(scratch, 'runs', 'own-image'),
      runId: 'own-image',
      pipelineName: 'fixture',
      tasks: { first: { mode: 'container', launcher: launcher() } },
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache-own-image'),
    });
    expect(result.error).toBeUndefined();
    expect(result.state).toBe('SUCCEEDED');
    expect(result.tasks[0].warnings).not.toContainEqual(expect.stringContaining('is not used here'));
    expect(JSON.parse(readFileSync(result.tasks[0].outputs.artifacts.received.path, 'utf8')).greeting).toBe('from the IR');
  });

  test('keeps this machine\'s environment out of the container', async () => {
    // run.py records API_TOKEN; a subprocess would inherit this one, a container must not.
    process.env.API_TOKEN = 'from this machine';
    try {
      const result = await runPipeline({
        ir: withImage(fixtureIr([tasks[0]]), IMAGE),
        runDir: join(scratch, 'runs', 'env'),
        runId: 'env',
        pipelineName: 'fixture',
        tasks: { first: { mode: 'container', launcher: launcher() } },
        workspaceRoot: WORKSPACE_ROOT,
        cacheDir: join(scratch, 'cache-env'),
      });
      expect(result.state).toBe('SUCCEEDED');
      const received = JSON.parse(readFileSync(result.tasks[0].outputs.artifacts.received.path, 'utf8'));
      expect(received.token).toBeNull();
      expect(received.greeting).toBe('from the IR');
    } finally {
      delete process.env.API_TOKEN;
    }
  });
});
