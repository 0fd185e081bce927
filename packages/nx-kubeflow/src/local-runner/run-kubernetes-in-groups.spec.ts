/**
 * Kubernetes names inside groups in a local run (command mode, no container
 * engine): kfp writes a task's Secret, ConfigMap or PVC name inside a
 * condition, loop or exit handler as the group's pipelinechannel input, which
 * the reader follows back to the run's parameter or the create_pvc task's
 * output, so the task gets the object and claim the run names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePipeline } from '../kfp/ir-compiler';
import type { PipelineTask } from '../kfp/pipeline-model';
import { PYTHON_SCRIPT } from './__fixtures__/python-script-component';
import type { IrDocuments } from './ir-reader';
import { readIr } from './ir-reader';
import { LOCAL_OBJECTS_FILE, LOCAL_VOLUMES_DIR } from './kubernetes-locally';
import { runPipeline } from './run-pipeline';

jest.setTimeout(120_000);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-k8s-groups-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const CLAIM = { kind: 'task-output' as const, task: 'make', output: 'name' };

/** make (top level); a condition holding `write` (secret and config map named by parameters, the created claim) and a loop of `read`s mounting the claim. */
function compiled(folder: string): IrDocuments {
  const tasks: PipelineTask[] = [
    { name: 'make', component: '', arguments: {}, after: [], create_pvc: { name_suffix: '-work', access_modes: ['ReadWriteOnce'], size: '1Gi' } },
    {
      name: 'write',
      component: 'python',
      arguments: { script: { kind: 'literal', value: `import os\nopen(${JSON.stringify(join(folder, 'token'))}, 'w').write(os.environ['NXK_TOKEN'] + ' ' + os.environ['NXK_LEVEL'])` } },
      after: [],
      secrets: [{ secret_name: '', name_parameter: 'token_secret', keys: { password: 'NXK_TOKEN' } }],
      kubernetes: { config_maps_as_env: [{ config_map_name: '', name_parameter: 'settings', keys: { level: 'NXK_LEVEL' } }], pvc_mounts: [{ pvc_name: CLAIM, mount_path: '/work' }] },
    },
    {
      name: 'read',
      component: 'python',
      arguments: { script: { kind: 'literal', value: `print(open(${JSON.stringify(join(folder, 'token'))}).read())` } },
      after: ['write'],
      kubernetes: { pvc_mounts: [{ pvc_name: CLAIM, mount_path: '/work' }] },
    },
  ];
  const { documents } = compilePipeline({
    pipeline: {
      file: 'p/pipeline.yaml',
      name: 'kube',
      parameters: [
        { name: 'token_secret', type: 'String', default: 'warehouse' },
        { name: 'settings', type: 'String', default: 'app-config' },
        { name: 'mode', type: 'String', default: 'on' },
      ],
      tasks,
      body: [
        { kind: 'task', task: 'make' },
        {
          kind: 'condition',
          block: {
            name: 'gate',
            branches: [
              {
                condition: { left: { kind: 'parameter', parameter: 'mode' }, operator: '==', right: { kind: 'literal', value: 'on' } },
                body: [
                  { kind: 'task', task: 'write' },
                  { kind: 'loop', loop: { name: 'each', items: { kind: 'static', items: [1, 2] }, as: 'n', body: [{ kind: 'task', task: 'read' }] } },
                ],
              },
            ],
          },
        },
      ],
    },
    components: new Map([['python', PYTHON_SCRIPT]]),
  });
  const [pipelineSpec, platformSpec] = documents;
  return { pipelineSpec, ...(platformSpec ? { platformSpec } : {}) };
}

describe('Kubernetes names inside groups in a local run', () => {
  it('reads the group inputs kfp writes back to the root parameter and the create_pvc task', () => {
    const tasks = readIr(compiled('/unused')).tasks;
    const write = tasks.find((task) => task.name === 'write')!;
    const read = tasks.find((task) => task.name === 'read')!;
    // the IR says pipelinechannel--token_secret and pipelinechannel--make-name; the reader follows them out of the groups
    expect(write.kubernetes!.objectEnv.map((entry) => entry.name)).toEqual([
      { kind: 'parameter', parameter: 'token_secret' },
      { kind: 'parameter', parameter: 'settings' },
    ]);
    expect(write.kubernetes!.pvcMounts.map((mount) => mount.name)).toEqual([CLAIM]);
    expect(read.kubernetes!.pvcMounts.map((mount) => mount.name)).toEqual([CLAIM]);
  });

  it('gives a task in a condition the Secret and ConfigMap the run names, and tasks in a loop within it the created claim', async () => {
    writeFileSync(join(scratch, LOCAL_OBJECTS_FILE), 'secrets:\n  vault: {password: pw-vault}\n  warehouse: {password: pw-warehouse}\nconfig_maps:\n  app-config: {level: debug}\n');
    const folder = join(scratch, LOCAL_VOLUMES_DIR, 'kube-r1-work');
    const result = await runPipeline({
      ir: compiled(folder),
      runDir: join(scratch, 'runs', 'r1'),
      runId: 'r1',
      pipelineName: 'kube',
      parameters: { token_secret: 'vault' },
      tasks: { write: { mode: 'command' }, read: { mode: 'command' } },
      workspaceRoot: scratch,
      cacheDir: join(scratch, 'cache'),
    });
    expect(result.error).toBeUndefined();
    expect(result.state).toBe('SUCCEEDED');
    const write = result.tasks.find((task) => task.name === 'write')!;
    expect(write.warnings).toEqual(
      expect.arrayContaining([
        'secret "vault" (parameter token_secret) (key "password") sets NXK_TOKEN on Kubeflow; locally it comes from .secrets.kubernetes.yaml',
        `PVC kube-r1-work is mounted at /work on Kubeflow; locally the claim is the folder ${LOCAL_VOLUMES_DIR}/kube-r1-work, which a local process cannot have at /work (--mode container mounts it there)`,
      ]),
    );
    const reads = result.tasks.filter((task) => task.name.endsWith('/read'));
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read.state).toBe('SUCCEEDED');
      expect(read.warnings.some((warning) => warning.startsWith('PVC kube-r1-work is mounted at /work on Kubeflow'))).toBe(true);
      // the value is shown redacted wherever output is shown: the file holds it, the log its mask
      expect(readFileSync(read.logFile, 'utf8')).toMatch(/ debug\n$/);
    }
    expect(readFileSync(join(folder, 'token'), 'utf8')).toBe('pw-vault debug');
  });
});
