/**
 * create_pvc's data_source and a claim named at run time, in local runs: pipeline.yaml through the
 * real reader, checker and IR compiler (held to kfp-kubernetes by the differential fixture
 * kubernetes_pvc), run with the claims as folders under a scratch workspace's
 * dist/kfp-local/volumes. A claim cloned from another (kind PersistentVolumeClaim) starts as a copy
 * of its folder, as Kubernetes clones it; a clone of a claim with no folder fails the task (on KFP
 * it would wait, Pending); a snapshot is noted and the folder starts empty. The claim's name may come
 * from a parameter or an upstream output; an empty one is a random UUID, as the KFP driver makes it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadComponentSpec } from '../kfp/component-spec';
import { compilePipeline } from '../kfp/ir-compiler';
import type { ComponentSpec, ResolvedComponent } from '../kfp/pipeline-model';
import { checkPipeline } from '../pipeline/check-pipeline';
import { formatProblem } from '../pipeline/pipeline-problems';
import { readPipeline } from '../pipeline/read-pipeline';
import { LOCAL_VOLUMES_DIR } from './kubernetes-locally';
import { runPipeline } from './run-pipeline';

jest.setTimeout(120_000);

/** sh -c <script>; namer also writes its String output text ($0 is its path). */
const COMPONENTS: Record<string, string> = {
  shell: `name: shell
inputs: [{name: script, type: String}]
implementation: {container: {image: busybox:1.36, command: [sh, -c, {inputValue: script}]}}
`,
  namer: `name: namer
inputs: [{name: script, type: String}]
outputs: [{name: text, type: String}]
implementation: {container: {image: busybox:1.36, command: [sh, -c, 'mkdir -p "$(dirname "$0")" && eval "$1"', {outputPath: text}, {inputValue: script}]}}
`,
};

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-pvc-data-source-'));
  for (const [name, text] of Object.entries(COMPONENTS)) {
    mkdirSync(join(scratch, 'components', name), { recursive: true });
    writeFileSync(join(scratch, 'components', name, 'component.yaml'), text);
  }
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const claim = (name: string) => join(scratch, LOCAL_VOLUMES_DIR, name);
const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** `text` read, checked (every problem thrown) and compiled over COMPONENTS, then run in the scratch workspace, each task by its component. */
async function run(text: string, parameters: Record<string, unknown> = {}) {
  const { definition, source, problems } = readPipeline(text, 'pipelines/p/pipeline.yaml');
  const specs = new Map<string, ComponentSpec>(Object.keys(COMPONENTS).map((name) => [name, loadComponentSpec(join(scratch, 'components', name, 'component.yaml'))]));
  const checked = definition ? checkPipeline({ definition, source, components: specs }) : [];
  if (!definition || problems.length + checked.length > 0) throw new Error([...problems, ...checked].map(formatProblem).join('\n'));
  const components = new Map<string, ResolvedComponent>([...specs].map(([project, spec]) => [project, { project, spec, image: spec.implementation.container.image, usesComponentRuntime: false }]));
  const [pipelineSpec, platformSpec] = compilePipeline({ pipeline: definition, components }).documents;
  const runId = `r${++runs}`;
  const result = await runPipeline({
    ir: { pipelineSpec, ...(platformSpec ? { platformSpec } : {}) },
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'p',
    parameters,
    tasks: Object.fromEntries(definition.tasks.filter((task) => task.component).map((task) => [task.name, { mode: 'command' as const, projectRoot: `components/${task.component}` }])),
    workspaceRoot: scratch,
    cacheDir: join(scratch, 'cache', runId),
  });
  return { result, byName: Object.fromEntries(result.tasks.map((task) => [task.name, task])) };
}

describe('create_pvc data_source and run-time claim names in a local run', () => {
  it('clones a claim: the new folder starts as a copy of the source folder, which stays as it was', async () => {
    write(join(claim('golden'), 'set', 'rows.csv'), 'a,b\n1,2\n');
    const { result, byName } = await run(`name: p
tasks:
  copy:
    create_pvc: {name: work, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {kind: PersistentVolumeClaim, name: golden}}
  change:
    component: shell
    arguments: {script: 'echo 3,4 >> ${claim('work')}/set/rows.csv && cat ${claim('work')}/set/rows.csv'}
    volumes: [{pvc: {task: copy, output: name}, mount_path: /data}]
`);
    expect([result.state, result.error]).toEqual(['SUCCEEDED', undefined]);
    expect(byName.copy.outputs.parameters).toEqual({ name: 'work' });
    expect(readFileSync(byName.change.logFile, 'utf8')).toBe('a,b\n1,2\n3,4\n');
    expect(readFileSync(join(claim('golden'), 'set', 'rows.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(byName.copy.warnings).toEqual([
      `PVC work is the new folder ${LOCAL_VOLUMES_DIR}/work locally, a copy of claim golden's folder (its data_source, as Kubernetes clones a claim); its access modes, size, storage class, volume and annotations apply on Kubeflow only`,
    ]);
  });

  it('fails a clone of a claim that has no folder, and skips what mounts it; a snapshot leaves the folder empty, with a note', async () => {
    const { result, byName } = await run(`name: p
tasks:
  copy:
    create_pvc: {name: work, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {kind: PersistentVolumeClaim, apiGroup: '', name: nowhere}}
  use:
    component: shell
    arguments: {script: 'true'}
    volumes: [{pvc: {task: copy, output: name}, mount_path: /data}]
  restore:
    create_pvc: {name: restored, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: nightly}}
`);
    expect(result.state).toBe('FAILED');
    expect([byName.copy.state, byName.use.state, byName.restore.state]).toEqual(['FAILED', 'SKIPPED', 'SUCCEEDED']);
    expect(byName.copy.error).toBe(
      `CreatePVC task "copy": its data_source is claim nowhere, which has no folder ${LOCAL_VOLUMES_DIR}/nowhere: on Kubeflow the new claim would wait for it (Pending); create that claim first (a create_pvc task before this one, or the folder)`,
    );
    expect(existsSync(claim('work'))).toBe(false);
    expect(existsSync(claim('restored'))).toBe(true);
    expect(byName.restore.warnings).toEqual([
      `PVC restored is the new folder ${LOCAL_VOLUMES_DIR}/restored locally, empty: its data_source, VolumeSnapshot nightly (snapshot.storage.k8s.io), is restored on Kubeflow only; its access modes, size, storage class, volume and annotations apply on Kubeflow only`,
    ]);
  });

  it('names a claim by a parameter and by an upstream output (an empty one: a random UUID, as the KFP driver names it)', async () => {
    // namer outputs the text of name.txt
    const text = `name: p
parameters:
  claim: {type: String, default: from-parameter}
tasks:
  namer:
    component: namer
    arguments: {script: 'printf %s "$(cat ${join(scratch, 'name.txt')})" > "$0"'}
  by-parameter:
    create_pvc: {name: {parameter: claim}, access_modes: [ReadWriteOnce], size: 1Gi}
  by-output:
    create_pvc: {name: {task: namer, output: text}, access_modes: [ReadWriteOnce], size: 1Gi}
`;
    writeFileSync(join(scratch, 'name.txt'), 'from-output');
    const named = await run(text);
    expect([named.result.state, named.result.error]).toEqual(['SUCCEEDED', undefined]);
    expect([named.byName['by-parameter'].outputs.parameters.name, named.byName['by-output'].outputs.parameters.name]).toEqual(['from-parameter', 'from-output']);
    expect([existsSync(claim('from-parameter')), existsSync(claim('from-output'))]).toEqual([true, true]);

    writeFileSync(join(scratch, 'name.txt'), '');
    const unnamed = await run(text, { claim: 'Not A Name' });
    expect(unnamed.byName['by-parameter']).toMatchObject({ state: 'FAILED', error: 'CreatePVC task "by-parameter": "Not A Name" is not a PersistentVolumeClaim name (a lower-case DNS-1123 subdomain)' });
    const uuid = unnamed.byName['by-output'].outputs.parameters.name as string;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(existsSync(claim(uuid))).toBe(true);
  });

  it('names a claim made inside a condition and a loop by a parameter, which reaches it through the groups', async () => {
    const { result, byName } = await run(
      `name: p
parameters:
  claim: {type: String, default: inner-claim}
  go: {type: Boolean, default: true}
tasks:
  gate:
    if: {left: {parameter: go}, operator: '==', right: true}
    then:
      per-item:
        for_each: [1]
        as: i
        tasks:
          make: {create_pvc: {name: {parameter: claim}, access_modes: [ReadWriteOnce], size: 1Gi}}
`,
      { claim: 'given-claim' },
    );
    expect([result.state, result.error]).toEqual(['SUCCEEDED', undefined]);
    const make = Object.values(byName).find((task) => task.name.endsWith('/make'))!;
    expect([make.state, make.outputs.parameters.name]).toEqual(['SUCCEEDED', 'given-claim']);
    expect(existsSync(claim('given-claim'))).toBe(true);
  });
});
