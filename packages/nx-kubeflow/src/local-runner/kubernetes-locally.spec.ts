/**
 * The Kubernetes options of a compiled task on this machine: where Secret and
 * ConfigMap values come from, what a PVC and an emptyDir are, the pod field
 * stand-ins, and the note for what means nothing here - first on their own,
 * then in a run (subprocesses), then in containers on a real engine, where
 * the volumes are mounted: a PVC is shared by the tasks of a run and by the
 * next run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { compilePipeline } from '../kfp/ir-compiler';
import type { PipelineTask, ResolvedComponent } from '../kfp/pipeline-model';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { requireOrSkip } from '../testing/suite-requirements';
import { DockerLauncher } from './container-launch';
import { readIr, type IrDocuments, type IrTask } from './ir-reader';
import { LOCAL_OBJECTS_FILE, LOCAL_VOLUMES_DIR, localKubernetes, readLocalObjects, type LocalKubernetesOptions } from './kubernetes-locally';
import { runPipeline, type RunEvent } from './run-pipeline';
import type { TaskMode } from './task-environment';

jest.setTimeout(300_000);

const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kubernetes-locally-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A one-input shell component: its script is the task's whole command (sh -c). */
const SHELL: ResolvedComponent = {
  project: 'shell',
  image: BASE_IMAGE,
  usesComponentRuntime: false,
  spec: { name: 'shell', inputs: [{ name: 'script', type: 'String' }], outputs: [], implementation: { container: { image: BASE_IMAGE, command: ['sh', '-c', { inputValue: 'script' }] } } },
};

/** The same with python3 -c: a POSIX sh such as dash drops variables named with . or - from what it passes on. */
const PYTHON: ResolvedComponent = { ...SHELL, project: 'python', spec: { ...SHELL.spec, name: 'python', implementation: { container: { image: BASE_IMAGE, command: ['python3', '-c', { inputValue: 'script' }] } } } };

function compiled(
  tasks: (Omit<PipelineTask, 'component' | 'arguments' | 'after'> & { script: string; after?: string[]; component?: 'shell' | 'python' })[],
  parameters: { name: string; default: string }[] = [],
): IrDocuments {
  const { documents } = compilePipeline({
    pipeline: {
      file: 'p/pipeline.yaml',
      name: 'kube',
      parameters: parameters.map((parameter) => ({ ...parameter, type: 'String' as const })),
      tasks: tasks.map(({ script, after, component, ...task }) => ({ ...task, component: component ?? 'shell', arguments: { script: { kind: 'literal', value: script } }, after: after ?? [] })),
    },
    components: new Map([
      ['shell', SHELL],
      ['python', PYTHON],
    ]),
  });
  const [pipelineSpec, platformSpec] = documents;
  return { pipelineSpec, ...(platformSpec ? { platformSpec } : {}) };
}

function irTask(ir: IrDocuments, name: string): IrTask {
  return readIr(ir).tasks.find((task) => task.name === name)!;
}

function here(task: IrTask, more: Partial<LocalKubernetesOptions> = {}) {
  return localKubernetes({
    config: task.kubernetes!,
    task: task.name,
    workspaceRoot: scratch,
    taskDir: join(scratch, 'runs/r/', task.name),
    inContainer: false,
    rootParameters: {},
    given: {},
    environ: {},
    objects: readLocalObjects(scratch),
    podName: 'kube-r-a',
    ...more,
  });
}

const writeObjects = (text: string) => writeFileSync(join(scratch, LOCAL_OBJECTS_FILE), text);

describe('what a task\'s Kubernetes options mean locally', () => {
  const ir = compiled([
    {
      name: 'a',
      script: 'true',
      secrets: [
        { secret_name: 'warehouse', keys: { password: 'PASSWORD', user: 'USER' } },
        { secret_name: 'extra', keys: { token: 'TOKEN' }, optional: true },
      ],
      kubernetes: {
        config_maps_as_env: [{ config_map_name: 'app-config', keys: { level: 'LEVEL' } }],
        pvc_mounts: [{ pvc_name: { kind: 'parameter', parameter: 'claim' }, mount_path: '/data', sub_path: 'runs' }],
        empty_dirs: [{ volume_name: 'scratch', mount_path: '/scratch', medium: 'Memory' }],
        secret_volumes: [{ name: 'certs', mount_path: '/etc/certs' }],
        node_selector: { pool: 'gpu' },
        image_pull_policy: 'Always',
        pod_labels: { team: 'ml' },
        field_path_env: { POD: 'metadata.name', NODE: 'spec.nodeName', TEAM: "metadata.labels['team']", NS: 'metadata.namespace' },
      },
      tolerations: [{ key: 'gpu', operator: 'Exists' }],
    },
  ], [{ name: 'claim', default: 'shared' }]);
  const task = irTask(ir, 'a');

  it('takes each Secret and ConfigMap value from the runner\'s env, else the shell, else the local file, and says which', () => {
    writeObjects('secrets:\n  warehouse: {password: from-file, user: file-user}\nconfig_maps:\n  app-config: {level: 3}\n');
    const result = here(task, { given: { USER: 'given-user' }, environ: { PASSWORD: 'shell-password' } });
    expect(result.env).toMatchObject({ USER: 'given-user', PASSWORD: 'shell-password', LEVEL: '3', TOKEN: undefined });
    expect(result.warnings.slice(0, 4)).toEqual([
      'secret "warehouse" (key "password") sets PASSWORD on Kubeflow; locally it comes from this shell\'s environment',
      'secret "warehouse" (key "user") sets USER on Kubeflow; locally it comes from the env given to the runner',
      'secret "extra" (key "token") sets TOKEN on Kubeflow; local runs have no cluster secrets, so TOKEN is not set (optional, so the task runs without it); export TOKEN or give secrets: {extra: {token: ...}} in .secrets.kubernetes.yaml',
      'config map "app-config" (key "level") sets LEVEL on Kubeflow; locally it comes from .secrets.kubernetes.yaml',
    ]);
    expect(result.secretValues).toEqual(['shell-password', 'given-user']);
  });

  it('reads a Secret named by a pipeline parameter under the name the run gives it', () => {
    const byParameter = irTask(
      compiled([{ name: 'b', script: 'true', secrets: [{ secret_name: '', name_parameter: 'which', keys: { token: 'TOKEN' } }] }], [{ name: 'which', default: 'dev-token' }]),
      'b',
    );
    writeObjects('secrets:\n  prod-token: {token: from-file}\n');
    expect(here(byParameter, { rootParameters: { which: 'prod-token' } }).warnings).toEqual([
      'secret "prod-token" (parameter which) (key "token") sets TOKEN on Kubeflow; locally it comes from .secrets.kubernetes.yaml',
    ]);
    expect(here(byParameter, { rootParameters: { which: 'prod-token' } }).env.TOKEN).toBe('from-file');
  });

  it('gives the cache a digest of the values, which changes with them', () => {
    writeObjects('config_maps:\n  app-config: {level: debug}\n');
    const first = here(task).digest;
    expect(here(task).digest).toBe(first);
    writeObjects('config_maps:\n  app-config: {level: info}\n');
    expect(here(task).digest).not.toBe(first);
  });

  it('makes the PVC a shared folder and the emptyDir a fresh one, and says a process cannot have their mount paths', () => {
    const result = here(task, { rootParameters: { claim: 'team-data' } });
    expect(existsSync(join(scratch, LOCAL_VOLUMES_DIR, 'team-data', 'runs'))).toBe(true);
    expect(existsSync(join(scratch, 'runs/r/a/volumes/scratch'))).toBe(true);
    expect(result.volumes).toEqual([]);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        'PVC team-data is mounted at /data on Kubeflow; locally the claim is the folder dist/kfp-local/volumes/team-data/runs, which a local process cannot have at /data (--mode container mounts it there)',
        'emptyDir scratch is mounted at /scratch on Kubeflow; a local process cannot have /scratch (--mode container mounts the fresh folder runs/r/a/volumes/scratch there) (medium Memory: not applied locally)',
        'secret "certs" is mounted as files at /etc/certs on Kubeflow; a local process cannot have /etc/certs (--mode container mounts its keys from .secrets.kubernetes.yaml there)',
      ]),
    );
  });

  it('mounts them in a container, the Secret\'s keys as files in a private folder removed afterwards', () => {
    writeObjects('secrets:\n  certs: {tls.crt: CERT}\n');
    const result = here(task, { inContainer: true, rootParameters: { claim: 'shared' } });
    const certs = result.volumes.find((volume) => volume.path === '/etc/certs')!;
    expect(result.volumes.map((volume) => volume.path)).toEqual(['/data', '/scratch', '/etc/certs']);
    expect(result.volumes[0].host).toBe(join(scratch, LOCAL_VOLUMES_DIR, 'shared', 'runs'));
    expect(readFileSync(join(certs.host, 'tls.crt'), 'utf8')).toBe('CERT');
    expect(result.secretValues).toContain('CERT');
    result.cleanup();
    expect(existsSync(certs.host)).toBe(false);
  });

  it('gives pod fields this machine\'s stand-ins and lists what means nothing here', () => {
    const result = here(task);
    expect(result.env).toMatchObject({ POD: 'kube-r-a', NODE: hostname(), TEAM: 'ml', NS: undefined });
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        `pod fields as environment variables get this machine's stand-ins: POD=kube-r-a (metadata.name); NODE=${hostname()} (spec.nodeName); TEAM=ml (metadata.labels['team']); NS (metadata.namespace) is not set, there is no such thing here`,
        'on Kubeflow only, not applied locally: node selector pool=gpu; 1 toleration; image pull policy Always; pod labels team=ml',
      ]),
    );
  });

  it('says when the local file cannot be used', () => {
    writeObjects('secrets: [warehouse]\n');
    expect(here(task).warnings[0]).toBe('.secrets.kubernetes.yaml: secrets must map each name to {key: value}, e.g. secrets: {warehouse: {password: local-password}}');
  });
});

describe('a run with Kubernetes options', () => {
  it('gives a process its Secret, ConfigMap and pod-field variables, names of any characters Kubernetes takes, and warns', async () => {
    writeObjects('secrets:\n  warehouse: {password: pw-from-file}\nconfig_maps:\n  app-config: {level: debug}\n');
    const ir = compiled([
      {
        name: 'a',
        component: 'python',
        script: "import os\nprint(*(os.environ[name] for name in ['NXK_TEST_PASSWORD', 'NXK_TEST_LEVEL', 'NXK_TEST_POD', 'my.setting-1']), sep='\\n')\nassert 'NXK_TEST_TOKEN' not in os.environ",
        env: { 'my.setting-1': 'dotted' },
        secrets: [{ secret_name: 'warehouse', keys: { password: 'NXK_TEST_PASSWORD' } }, { secret_name: 'missing', keys: { token: 'NXK_TEST_TOKEN' }, optional: true }],
        kubernetes: { config_maps_as_env: [{ config_map_name: 'app-config', keys: { level: 'NXK_TEST_LEVEL' } }], field_path_env: { NXK_TEST_POD: 'metadata.name' }, pod_annotations: { note: 'x' } },
      },
    ]);
    (ir.pipelineSpec as Record<string, unknown>).defaultPipelineRoot = 'minio://mlpipeline/v2/artifacts';
    const events: RunEvent[] = [];
    const result = await runPipeline({
      ir,
      runDir: join(scratch, 'runs/r1'),
      runId: 'r1',
      pipelineName: 'kube',
      tasks: { a: { mode: 'command' } },
      workspaceRoot: scratch,
      cacheDir: join(scratch, 'cache'),
      onEvent: (event) => events.push(event),
    });
    expect(result.error).toBeUndefined();
    expect(result.state).toBe('SUCCEEDED');
    expect(readFileSync(result.tasks[0].logFile, 'utf8')).toBe('pw-from-file\ndebug\nkube-r1-a\ndotted\n');
    expect(result.tasks[0].warnings).toEqual(
      expect.arrayContaining([
        'secret "warehouse" (key "password") sets NXK_TEST_PASSWORD on Kubeflow; locally it comes from .secrets.kubernetes.yaml',
        'on Kubeflow only, not applied locally: pod annotations note=x',
      ]),
    );
    // pipeline_root, said once for the run
    expect(events).toContainEqual({ kind: 'warning', message: "pipeline_root minio://mlpipeline/v2/artifacts is where KFP puts the run's artifacts; a local run keeps them in runs/r1" });
  });
});

const UNAVAILABLE = probeEnginesSync(['docker']);

describe('a run with Kubernetes volumes in containers', () => {
  const available = requireOrSkip('Kubernetes volumes in containers with docker', 'engines', UNAVAILABLE.docker && `${UNAVAILABLE.docker} (see tools/ci/container-engines.sh)`);
  (available ? it : it.skip)('mounts a PVC every task and run shares, an emptyDir of the task and a Secret as files', async () => {
    writeObjects('secrets:\n  certs: {tls.crt: CERT}\n');
    const pvc = { pvc_mounts: [{ pvc_name: { kind: 'constant' as const, name: 'shared' }, mount_path: '/data' }] };
    const ir = compiled([
      {
        name: 'write',
        script: 'cat /etc/certs/tls.crt >> /data/log && echo tmp > /scratch/x',
        kubernetes: { ...pvc, empty_dirs: [{ volume_name: 'scratch', mount_path: '/scratch' }], secret_volumes: [{ name: 'certs', mount_path: '/etc/certs' }] },
      },
      { name: 'read', script: 'cat /data/log', after: ['write'], kubernetes: pvc },
    ]);
    const modes: Record<string, TaskMode> = { write: { mode: 'container', launcher: new DockerLauncher() }, read: { mode: 'container', launcher: new DockerLauncher() } };
    const run = (runId: string) => runPipeline({ ir, runDir: join(scratch, 'runs', runId), runId, pipelineName: 'kube', tasks: modes, workspaceRoot: scratch, cacheDir: join(scratch, `cache-${runId}`) });
    const first = await run('one');
    expect(first.error).toBeUndefined();
    expect(first.state).toBe('SUCCEEDED');
    const logOf = (result: typeof first, task: string) => readFileSync(result.tasks.find((candidate) => candidate.name === task)!.logFile, 'utf8');
    expect(logOf(first, 'read')).toBe('CERT');
    expect(readFileSync(join(scratch, 'runs/one/write/volumes/scratch/x'), 'utf8')).toBe('tmp\n');
    // the claim outlives the run: the next run's tasks see what this one left
    const second = await run('two');
    expect(second.state).toBe('SUCCEEDED');
    expect(logOf(second, 'read')).toBe('CERTCERT');
    expect(readFileSync(join(scratch, LOCAL_VOLUMES_DIR, 'shared', 'log'), 'utf8')).toBe('CERTCERT');
  });
});
