/**
 * kfp-kubernetes' CreatePVC and DeletePVC in a local run (command mode, no
 * container engine): the claim is the folder dist/kfp-local/volumes/<name>,
 * made by the create task (named after the run's job name and the suffix),
 * there while the tasks that mount it run, removed by the delete task; each
 * task's outcome is in the run record as any task's.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePipeline } from '../kfp/ir-compiler';
import type { PipelineTask } from '../kfp/pipeline-model';
import { PYTHON_SCRIPT } from './__fixtures__/python-script-component';
import type { IrDocuments } from './ir-reader';
import { LOCAL_VOLUMES_DIR } from './kubernetes-locally';
import { runPipeline } from './run-pipeline';

jest.setTimeout(120_000);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-pvc-tasks-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function compiled(tasks: PipelineTask[]): IrDocuments {
  const { documents } = compilePipeline({ pipeline: { file: 'p/pipeline.yaml', name: 'kube', parameters: [], tasks }, components: new Map([['python', PYTHON_SCRIPT]]) });
  const [pipelineSpec, platformSpec] = documents;
  return { pipelineSpec, ...(platformSpec ? { platformSpec } : {}) };
}

const script = (name: string, code: string, after: string[] = []): PipelineTask => ({
  name,
  component: 'python',
  arguments: { script: { kind: 'literal', value: code } },
  after,
  kubernetes: { pvc_mounts: [{ pvc_name: { kind: 'task-output', task: 'make', output: 'name' }, mount_path: '/data' }] },
});

const run = (ir: IrDocuments, runId: string, tasks: string[]) =>
  runPipeline({
    ir,
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'kube',
    tasks: Object.fromEntries(tasks.map((task) => [task, { mode: 'command' as const }])),
    workspaceRoot: scratch,
    cacheDir: join(scratch, 'cache'),
  });

describe('CreatePVC and DeletePVC in a local run', () => {
  it('makes the claim a folder named after the run, which the tasks that mount it find, and deletes it', async () => {
    const folder = join(scratch, LOCAL_VOLUMES_DIR, 'kube-r1-scratch');
    const ir = compiled([
      { name: 'make', component: '', arguments: {}, after: [], create_pvc: { name_suffix: '-scratch', access_modes: ['ReadWriteOnce'], size: '1Gi' } },
      script('write', `open(${JSON.stringify(join(folder, 'x'))}, 'w').write('hello')`),
      script('read', `print(open(${JSON.stringify(join(folder, 'x'))}).read())`, ['write']),
      { name: 'drop', component: '', arguments: {}, after: ['read'], delete_pvc: { pvc: { task: 'make', output: 'name' } } },
    ]);
    const result = await run(ir, 'r1', ['write', 'read']);
    expect(result.error).toBeUndefined();
    expect(result.state).toBe('SUCCEEDED');
    const byName = Object.fromEntries(result.tasks.map((task) => [task.name, task]));
    expect(Object.fromEntries(result.tasks.map((task) => [task.name, task.state]))).toEqual({ make: 'SUCCEEDED', write: 'SUCCEEDED', read: 'SUCCEEDED', drop: 'SUCCEEDED' });
    expect(byName.make.outputs.parameters).toEqual({ name: 'kube-r1-scratch' });
    expect(readFileSync(byName.read.logFile, 'utf8')).toBe('hello\n');
    expect(byName.write.warnings).toContain(
      `PVC kube-r1-scratch is mounted at /data on Kubeflow; locally the claim is the folder ${LOCAL_VOLUMES_DIR}/kube-r1-scratch, which a local process cannot have at /data (--mode container mounts it there)`,
    );
    expect(byName.drop.warnings).toEqual([`PVC kube-r1-scratch deleted: the folder ${LOCAL_VOLUMES_DIR}/kube-r1-scratch is removed`]);
    expect(existsSync(folder)).toBe(false);
    // the run record holds the same outcomes
    const record = JSON.parse(readFileSync(join(scratch, 'runs', 'r1', 'run.json'), 'utf8'));
    expect(record.tasks.map((task: { name: string; state: string }) => [task.name, task.state])).toEqual(expect.arrayContaining([['make', 'SUCCEEDED'], ['drop', 'SUCCEEDED']]));
  });

  it('fails creating a claim that exists and deleting one that does not, and skips what waits for them', async () => {
    mkdirSync(join(scratch, LOCAL_VOLUMES_DIR, 'fixed'), { recursive: true });
    const ir = compiled([
      { name: 'make', component: '', arguments: {}, after: [], create_pvc: { name: 'fixed', access_modes: ['ReadWriteOnce'], size: '1Gi' } },
      script('write', 'print(1)'),
    ]);
    const result = await run(ir, 'r2', ['write']);
    expect(result.state).toBe('FAILED');
    const byName = Object.fromEntries(result.tasks.map((task) => [task.name, task]));
    expect(byName.make.state).toBe('FAILED');
    expect(byName.make.error).toBe(
      `CreatePVC task "make": claim fixed already exists (${LOCAL_VOLUMES_DIR}/fixed); Kubernetes does not create a claim twice: remove the folder, or delete it with a delete_pvc task`,
    );
    expect(byName.write.state).toBe('SKIPPED');

    const again = compiled([
      { name: 'make', component: '', arguments: {}, after: [], create_pvc: { name: 'other', access_modes: ['ReadWriteOnce'], size: '1Gi' } },
      { name: 'drop', component: '', arguments: {}, after: [], delete_pvc: { pvc: { task: 'make', output: 'name' } } },
      { name: 'drop-again', component: '', arguments: {}, after: ['drop'], delete_pvc: { pvc: { task: 'make', output: 'name' } } },
    ]);
    const deleted = await run(again, 'r3', []);
    const states = Object.fromEntries(deleted.tasks.map((task) => [task.name, [task.state, task.error]]));
    expect(states).toEqual({
      make: ['SUCCEEDED', undefined],
      drop: ['SUCCEEDED', undefined],
      'drop-again': ['FAILED', `DeletePVC task "drop-again": claim other does not exist (no folder ${LOCAL_VOLUMES_DIR}/other)`],
    });
  });
});
