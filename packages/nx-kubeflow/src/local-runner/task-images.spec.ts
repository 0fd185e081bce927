/**
 * pipeline.yaml's image: (kfp's set_container_image) in local runs. A local
 * process runs in no image, so a task with its own image runs as it would
 * without one, and says so: the warning is on the task, not dropped unsaid.
 * deploy's run modes (localTaskModes) carry the image from pipeline.yaml to
 * the runner. In --mode container the IR's executor image is the task's own:
 * container-mode.spec.ts runs one in it where an engine is up (CI).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { localTaskModes } from '../deploy/task-modes';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { compileYaml } from './__fixtures__/yaml-run';
import { runPipeline } from './run-pipeline';

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
