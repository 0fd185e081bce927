/**
 * pipeline.yaml's image: (kfp's set_container_image) in local runs. A local
 * process runs in no image, so a task with its own image runs as it would
 * without one, and says so: the warning is on the task, not dropped unsaid.
 * deploy's run modes (localTaskModes) carry the image from pipeline.yaml to
 * the runner. In --mode container the IR's executor image is the task's own:
 * container-mode.spec.ts runs one in it where an engine is up (CI). An image
 * the run gives ({parameter: p}, {task: t, output: o}, {item: x}) is the
 * value of the task input the executor image names, as KFP's driver reads it
 * (resolveContainerImage): here a recording launcher stands in for the engine
 * to show which image each task (each loop iteration) would start from.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { localTaskModes } from '../deploy/task-modes';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { compileYaml } from './__fixtures__/yaml-run';
import { runPipeline } from './run-pipeline';
import { resolveContainerImage, type ContainerLaunchRequest, type ContainerLauncher } from './container-launch';
import type { TaskMode } from './task-environment';

const IMAGE = 'ghcr.io/acme/echo-cuda:0123456789abcdef';
const ARGS = `{s: x, i: 1, f: 0.5, b: true, o: {k: 1}, a: [1]}`;
const TEXT = `name: images
tasks:
  plain: {component: echo-params, arguments: ${ARGS}}
  own-image: {component: echo-params, arguments: ${ARGS}, image: '${IMAGE}'}
`;

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-task-images-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const RUN_TIME = `name: images
parameters:
  trainer_image: {type: String, default: 'ghcr.io/acme/trainer:1.4'}
  other_image: {type: String, default: 'ghcr.io/acme/other:1'}
tasks:
  pick: {component: echo-params, arguments: {s: 'ghcr.io/acme/picked:2', i: 1, f: 0.5, b: true, o: {}, a: []}}
  from-parameter: {component: shell, arguments: {script: 'true'}, image: {parameter: trainer_image}}
  from-output: {component: shell, arguments: {script: 'true'}, image: {task: pick, output: out_s}}
  from-other: {component: shell, arguments: {script: 'true'}, image: {parameter: other_image}}
  per-base:
    for_each: ['python:3.11-slim', 'python:3.12-slim']
    as: base
    tasks:
      from-item: {component: shell, arguments: {script: 'true'}, image: {item: base}}
`;

/** Stands in for an engine: records the image each container would start from, and runs the command here. */
class RecordingLauncher implements ContainerLauncher {
  readonly engine = 'recording';
  readonly images = new Map<string, string>();

  async launch(request: ContainerLaunchRequest) {
    this.images.set(request.name, request.image);
    return { command: request.argv[0], args: request.argv.slice(1), cleanup: async () => undefined };
  }
}

describe('an image the run gives', () => {
  it('is the value of the input the executor image names, whole, as KFP\'s driver takes it; else a problem that keeps the task from starting', () => {
    const placeholder = "{{$.inputs.parameters['pipelinechannel--trainer_image']}}";
    const parameters = { 'pipelinechannel--trainer_image': 'ghcr.io/acme/trainer:1.4', 'pipelinechannel--n': 3, 'pipelinechannel--bad': 'Trainer' };
    expect(resolveContainerImage('python:3.12-slim', parameters)).toEqual({ image: 'python:3.12-slim' });
    expect(resolveContainerImage(placeholder, parameters)).toEqual({ image: 'ghcr.io/acme/trainer:1.4', input: 'pipelinechannel--trainer_image' });
    // the driver takes the whole value and drops text around the placeholder (kfp's f'...:{tag}' would lose its prefix on KFP)
    expect(resolveContainerImage(`ghcr.io/acme/x:${placeholder}`, parameters)).toEqual({ image: 'ghcr.io/acme/trainer:1.4', input: 'pipelinechannel--trainer_image' });
    expect([
      resolveContainerImage("{{$.inputs.parameters['pipelinechannel--gone']}}", parameters),
      resolveContainerImage("{{$.inputs.parameters['pipelinechannel--n']}}", parameters),
      resolveContainerImage("{{$.inputs.parameters['pipelinechannel--bad']}}", parameters),
    ]).toEqual([
      { problem: `its image {{$.inputs.parameters['pipelinechannel--gone']}} names input "pipelinechannel--gone", which the task does not have (KFP's driver: "executorInput did not contain container Image input parameter")` },
      { problem: 'its image is input "pipelinechannel--n", whose value 3 is not text: KFP\'s driver would start the pod with an empty image' },
      { problem: expect.stringMatching(/^its image is input "pipelinechannel--bad": "Trainer" is not an image reference a node can pull: /) },
    ]);
  });

  it('starts each container (each loop iteration) in its value at run time: a run parameter, an upstream output, the item; a value that is no reference fails the task before it starts', async () => {
    const launcher = new RecordingLauncher();
    const container = (project: string): TaskMode => ({ mode: 'container', launcher, projectRoot: fixtureRoot(project) });
    const result = await runPipeline({
      ir: compileYaml(RUN_TIME, ['echo-params', 'shell']),
      runDir: join(scratch, 'runs', 'r1'),
      runId: 'r1',
      pipelineName: 'images',
      parameters: { trainer_image: 'ghcr.io/acme/trainer:2.0', other_image: 'Not An Image' },
      // pick runs here: only the images of the tasks that take one from the run are at stake
      tasks: { pick: { mode: 'command', projectRoot: fixtureRoot('echo-params') }, 'from-parameter': container('shell'), 'from-output': container('shell'), 'from-other': container('shell'), 'from-item': container('shell') },
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache'),
      parallel: 2,
    });
    const state = Object.fromEntries(result.tasks.map((task) => [task.name, task.state]));
    expect(state).toEqual({
      pick: 'SUCCEEDED',
      'from-parameter': 'SUCCEEDED',
      'from-output': 'SUCCEEDED',
      'from-other': 'FAILED',
      'for-loop-2-iteration-0/from-item': 'SUCCEEDED',
      'for-loop-2-iteration-1/from-item': 'SUCCEEDED',
    });
    expect(Object.fromEntries(launcher.images)).toEqual({
      'nx-kubeflow-r1-from-parameter-1': 'ghcr.io/acme/trainer:2.0',
      'nx-kubeflow-r1-from-output-1': 'ghcr.io/acme/picked:2',
      'nx-kubeflow-r1-for-loop-2-iteration-0-from-item-1': 'python:3.11-slim',
      'nx-kubeflow-r1-for-loop-2-iteration-1-from-item-1': 'python:3.12-slim',
    });
    expect(result.tasks.find((task) => task.name === 'from-other')!.error).toMatch(/^task "from-other": its image is input "pipelinechannel--other_image": "Not An Image" is not an image reference a node can pull: /);
  });

  it('is named by its value in the warning of a local process, which runs in no image', async () => {
    writeFileSync(join(scratch, 'pipeline.yaml'), RUN_TIME);
    const modes = localTaskModes({
      workspaceRoot: WORKSPACE_ROOT,
      pipelineRoot: relative(WORKSPACE_ROOT, scratch),
      projects: { 'echo-params': { root: fixtureRoot('echo-params') }, shell: { root: fixtureRoot('shell') } },
    });
    expect(Object.fromEntries(Object.entries(modes).map(([task, mode]) => [task, mode.mode === 'container' ? undefined : mode.imageOverride]))).toEqual({
      pick: undefined,
      'from-parameter': '{parameter: trainer_image}',
      'from-output': '{task: pick, output: out_s}',
      'from-other': '{parameter: other_image}',
      'from-item': '{item: base}',
    });
    const result = await runPipeline({
      ir: compileYaml(RUN_TIME, ['echo-params', 'shell']),
      runDir: join(scratch, 'runs', 'r2'),
      runId: 'r2',
      pipelineName: 'images',
      parameters: { other_image: 'Not An Image' },
      tasks: modes,
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache'),
      parallel: 2,
    });
    expect(result.error).toBeUndefined();
    const local = 'is not used here: the task runs as a local process with its command as it stands; --mode container runs it in that image';
    expect(Object.fromEntries(result.tasks.map((task) => [task.name, task.warnings]))).toEqual({
      pick: [],
      'from-parameter': [`image ghcr.io/acme/trainer:1.4 (pipeline.yaml image: {parameter: trainer_image}, kfp's set_container_image) ${local}`],
      'from-output': [`image ghcr.io/acme/picked:2 (pipeline.yaml image: {task: pick, output: out_s}, kfp's set_container_image) ${local}`],
      'from-other': [expect.stringMatching(/^image \{parameter: other_image\} \(pipeline.yaml image:, kfp's set_container_image; on KFP the task would not start: its image is input "pipelinechannel--other_image": "Not An Image" is not an image reference a node can pull: .*\) is not used here: /)],
      'for-loop-2-iteration-0/from-item': [`image python:3.11-slim (pipeline.yaml image: {item: base}, kfp's set_container_image) ${local}`],
      'for-loop-2-iteration-1/from-item': [`image python:3.12-slim (pipeline.yaml image: {item: base}, kfp's set_container_image) ${local}`],
    });
  });
});

describe("a task's image in local runs", () => {
  it('is the executor image of that task only, and deploy gives it to the run mode of that task only', () => {
    const ir = compileYaml(TEXT, ['echo-params']).pipelineSpec as { deploymentSpec: { executors: Record<string, { container: { image: string } }> } };
    expect(Object.fromEntries(Object.entries(ir.deploymentSpec.executors).map(([name, executor]) => [name, executor.container.image]))).toEqual({
      'exec-plain': 'python:3.11-slim',
      'exec-own-image': IMAGE,
    });
    writeFileSync(join(scratch, 'pipeline.yaml'), TEXT);
    const modes = localTaskModes({ workspaceRoot: WORKSPACE_ROOT, pipelineRoot: relative(WORKSPACE_ROOT, scratch), projects: { 'echo-params': { root: fixtureRoot('echo-params') } } });
    expect(modes).toEqual({
      plain: { mode: 'command', projectRoot: fixtureRoot('echo-params') },
      'own-image': { mode: 'command', projectRoot: fixtureRoot('echo-params'), imageOverride: IMAGE },
    });
  });

  it('runs a local process as without it, and warns that the image is not used', async () => {
    writeFileSync(join(scratch, 'pipeline.yaml'), TEXT);
    const modes = localTaskModes({ workspaceRoot: WORKSPACE_ROOT, pipelineRoot: relative(WORKSPACE_ROOT, scratch), projects: { 'echo-params': { root: fixtureRoot('echo-params') } } });
    const result = await runPipeline({
      ir: compileYaml(TEXT, ['echo-params']),
      runDir: join(scratch, 'runs', 'r1'),
      runId: 'r1',
      pipelineName: 'images',
      tasks: modes,
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache'),
      parallel: 2,
    });
    expect(result.error).toBeUndefined();
    const task = (name: string) => result.tasks.find((candidate) => candidate.name === name)!;
    expect([task('plain').state, task('own-image').state]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(task('own-image').outputs.parameters).toEqual(task('plain').outputs.parameters);
    expect(task('plain').warnings).toEqual([]);
    expect(task('own-image').warnings).toEqual([
      `image ${IMAGE} (pipeline.yaml image:, kfp's set_container_image) is not used here: the task runs as a local process with its command as it stands; --mode container runs it in that image`,
    ]);
  });
});
