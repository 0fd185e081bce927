/**
 * create_pvc / delete_pvc tasks and mounts of a created claim through the
 * reader and the checker: what they read into the model, and every refusal
 * at once at its line and column (the compiled form is held to
 * kfp-kubernetes' by the kubernetes_pvc differential fixture).
 */
import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';
const COMPONENTS = new Map<string, ComponentSpec>([
  ['step', { name: 'step', inputs: [], outputs: [{ name: 'out', type: 'String' }, { name: 'count', type: 'Integer' }, { name: 'names', type: 'JsonArray' }], implementation: { container: { image: 'alpine' } } }],
]);

function readAndCheck(text: string): { definition: ReturnType<typeof readPipeline>['definition']; messages: string[] } {
  const { definition, source, problems } = readPipeline(text, FILE);
  const checked = problems.length === 0 ? checkPipeline({ definition: definition!, source, components: COMPONENTS }) : [];
  return { definition, messages: [...problems, ...checked].map(formatProblem) };
}

describe('create_pvc and delete_pvc', () => {
  it('reads a claim made, mounted and deleted', () => {
    const { definition, messages } = readAndCheck(`name: p
tasks:
  make:
    create_pvc: {name_suffix: '-my-pvc', access_modes: [ReadWriteOnce], size: 5Gi, storage_class_name: standard, annotations: {a: b}}
    caching: false
  use:
    component: step
    volumes: [{pvc: {task: make, output: name}, mount_path: /data}]
  drop:
    delete_pvc: {pvc: {task: make, output: name}}
    after: [use]
`);
    expect(messages).toEqual([]);
    const [make, use, drop] = definition!.tasks;
    expect(make).toMatchObject({ component: '', caching: false, create_pvc: { name_suffix: '-my-pvc', access_modes: ['ReadWriteOnce'], size: '5Gi', storage_class_name: 'standard', annotations: { a: 'b' } } });
    expect(use.kubernetes?.pvc_mounts).toEqual([{ pvc_name: { kind: 'task-output', task: 'make', output: 'name' }, mount_path: '/data', at: ['volumes', 0] }]);
    expect(drop).toMatchObject({ component: '', after: ['use'], delete_pvc: { pvc: { task: 'make', output: 'name' } } });
  });

  it('refuses bad create_pvc and delete_pvc values, every problem at once at its line and column', () => {
    const { messages } = readAndCheck(`name: p
tasks:
  a:
    create_pvc: {name: d}
  b:
    create_pvc: {name: d, name_suffix: '-x', access_modes: [rwo], size: 5GB, typo: 1}
  c:
    create_pvc: {access_modes: [ReadWriteOnce], size: 5}
    env: {A: b}
  d:
    delete_pvc: {pvc: make}
`);
    expect(messages).toEqual([
      `${FILE}:4:17: task "a", create_pvc: needs access_modes: a list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod (kfp's CreatePVC has no default).`,
      `${FILE}:4:17: task "a", create_pvc: needs size: the storage the claim requests, a Kubernetes quantity such as 5Gi (kfp's CreatePVC has no default).`,
      `${FILE}:6:78: task "b", create_pvc.typo: unknown key "typo" in create_pvc; allowed: access_modes, size, name, name_suffix, storage_class_name, volume_name, annotations, data_source.`,
      `${FILE}:6:61: task "b", create_pvc.access_modes[0]: "rwo" is not an access mode: use ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.`,
      `${FILE}:6:73: task "b", create_pvc.size: must be a Kubernetes quantity such as 5Gi or 500Mi (got "5GB").`,
      `${FILE}:6:40: task "b", create_pvc.name_suffix: needs one of name (the claim's whole name) and name_suffix (added to the run's name, so each run has its own claim), not both: the KFP driver takes one.`,
      `${FILE}:9:5: task "c", env: unknown key "env" in a create_pvc task (it runs kfp-kubernetes' own component); allowed: create_pvc, display_name, after, caching.`,
      `${FILE}:8:55: task "c", create_pvc.size: must be a Kubernetes quantity such as 5Gi or 500Mi, quoted: '5' (got 5).`,
      `${FILE}:8:17: task "c", create_pvc: needs one of name (the claim's whole name) and name_suffix (added to the run's name, so each run has its own claim), not both: the KFP driver takes one.`,
      `${FILE}:11:23: task "d", delete_pvc.pvc: must be {pvc: {task: t, output: name}}: the name output of the create_pvc task whose claim to delete.`,
    ]);
  });

  it('reads a data source (a snapshot to restore, a claim to clone) and a claim named by a parameter or an upstream output', () => {
    const { definition, messages } = readAndCheck(`name: p
parameters:
  claim: {type: String, default: shared}
tasks:
  restore:
    create_pvc:
      name: {parameter: claim}
      access_modes: [ReadWriteOnce]
      size: 5Gi
      data_source: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: nightly-2024-06-01}
  namer:
    component: step
  clone:
    create_pvc:
      name: {task: namer, output: out}
      access_modes: [ReadWriteOnce]
      size: 5Gi
      data_source: {kind: PersistentVolumeClaim, name: shared, apiGroup: ''}
    after: [restore]
`);
    expect(messages).toEqual([]);
    const [restore, , clone] = definition!.tasks;
    expect(restore.create_pvc).toEqual({
      name: { parameter: 'claim' },
      access_modes: ['ReadWriteOnce'],
      size: '5Gi',
      data_source: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nightly-2024-06-01' },
    });
    expect(clone.create_pvc).toMatchObject({ name: { task: 'namer', output: 'out' }, data_source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'shared' } });
  });

  it('refuses a data source Kubernetes (or the KFP driver) would refuse or wait on for ever, and a claim name that is no name or reference, each at its line and column', () => {
    const { messages } = readAndCheck(`name: p
tasks:
  a:
    create_pvc: {name: a, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {kind: VolumeSnapshot}}
  b:
    create_pvc: {name: b, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {api_group: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: s}}
  c:
    create_pvc: {name: c, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {apiGroup: v1, kind: PersistentVolumeClaim, name: Source_Claim}}
  d:
    create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {apiGroup: Snapshots, kind: '', name: 3}}
  e:
    create_pvc: {name: e, access_modes: [ReadWriteOnce], size: 1Gi, data_source: [snapshot]}
  bad-ref:
    create_pvc: {name: {parameter: n, task: step-a}, access_modes: [ReadWriteOnce], size: 1Gi}
  empty-ref:
    create_pvc: {name: {task: step-a}, access_modes: [ReadWriteOnce], size: 1Gi}
  no-ref:
    create_pvc: {name: [x], access_modes: [ReadWriteOnce], size: 1Gi}
`);
    expect(messages).toEqual([
      `${FILE}:4:82: task "a", create_pvc.data_source: needs name: the name of the snapshot or claim to fill the claim from (Kubernetes refuses a data source without a name).`,
      `${FILE}:4:82: task "a", create_pvc.data_source: needs apiGroup for kind VolumeSnapshot: snapshot.storage.k8s.io: without one Kubernetes takes only PersistentVolumeClaim ("must be 'PersistentVolumeClaim' when referencing the default apiGroup").`,
      `${FILE}:6:83: task "b", create_pvc.data_source.api_group: unknown key "api_group" in data_source (the KFP driver reads apiGroup, kind and name, and would drop any other key) (did you mean "apiGroup"?); allowed: apiGroup, kind, name.`,
      `${FILE}:6:82: task "b", create_pvc.data_source: needs apiGroup for kind VolumeSnapshot: snapshot.storage.k8s.io: without one Kubernetes takes only PersistentVolumeClaim ("must be 'PersistentVolumeClaim' when referencing the default apiGroup").`,
      `${FILE}:8:132: task "c", create_pvc.data_source.name: "Source_Claim" cannot name a Kubernetes object (a lowercase DNS-1123 subdomain: a-z, 0-9, "-" and ".", at most 253 characters), so the claim would stay Pending waiting for it.`,
      `${FILE}:8:93: task "c", create_pvc.data_source.apiGroup: must be left out for kind PersistentVolumeClaim, which is in Kubernetes' core group: with apiGroup "v1" the claim waits for a volume populator of that group instead of cloning the claim.`,
      `${FILE}:10:120: task "d", create_pvc.data_source.name: must be text (got 3): the KFP driver reads data_source as a mapping of strings.`,
      `${FILE}:10:110: task "d", create_pvc.data_source.kind: needs kind: what to fill the claim from, e.g. VolumeSnapshot (with apiGroup: snapshot.storage.k8s.io) or PersistentVolumeClaim (Kubernetes refuses a data source without a kind).`,
      `${FILE}:10:93: task "d", create_pvc.data_source.apiGroup: "Snapshots" is not an API group: Kubernetes takes a lowercase DNS-1123 subdomain, e.g. snapshot.storage.k8s.io.`,
      `${FILE}:12:82: task "e", create_pvc.data_source: must be a mapping such as {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: my-snapshot} (restore a snapshot) or {kind: PersistentVolumeClaim, name: source-claim} (clone a claim).`,
      `${FILE}:14:39: task "bad-ref", create_pvc.name.task: unknown key "task" in a parameter reference; allowed: parameter.`,
      `${FILE}:16:24: task "empty-ref", create_pvc.name: needs output: the name of its String output.`,
      `${FILE}:18:24: task "no-ref", create_pvc.name: must be the claim's name (e.g. shared-data), {parameter: p} for a String pipeline parameter that holds it, or {task: t, output: o} for an upstream task's String output.`,
    ]);
  });

  it('refuses a claim name from a parameter or output that is not a String one, unknown, inside a loop or condition it is outside of, or in a cycle; and a claim cloned from itself; at the create_pvc field', () => {
    const { messages } = readAndCheck(`name: p
parameters:
  n: {type: Integer, default: 1}
tasks:
  by-number:
    create_pvc: {name: {parameter: n}, access_modes: [ReadWriteOnce], size: 1Gi}
  by-nothing:
    create_pvc: {name: {parameter: missing}, access_modes: [ReadWriteOnce], size: 1Gi}
  by-list:
    create_pvc: {name: {task: step-a, output: names}, access_modes: [ReadWriteOnce], size: 1Gi}
  by-typo:
    create_pvc: {name: {task: step-a, output: nmae}, access_modes: [ReadWriteOnce], size: 1Gi}
  by-ghost:
    create_pvc: {name: {task: ghost, output: out}, access_modes: [ReadWriteOnce], size: 1Gi}
  step-a:
    component: step
  gate:
    if: {left: {parameter: n}, operator: '>', right: 0}
    then:
      inner: {component: step}
  by-inner:
    create_pvc: {name: {task: inner, output: out}, access_modes: [ReadWriteOnce], size: 1Gi}
  per-item:
    for_each: [1, 2]
    as: i
    tasks:
      each: {component: step}
  by-each:
    create_pvc: {name: {task: each, output: out}, access_modes: [ReadWriteOnce], size: 1Gi}
  circle:
    create_pvc: {name: {task: user, output: out}, access_modes: [ReadWriteOnce], size: 1Gi}
  user:
    component: step
    volumes: [{pvc: {task: circle, output: name}, mount_path: /data}]
  itself:
    create_pvc: {name: same, access_modes: [ReadWriteOnce], size: 1Gi, data_source: {kind: PersistentVolumeClaim, name: same}}
`);
    expect(messages).toEqual([
      `${FILE}:6:36: task "by-number", create_pvc.name.parameter: pipeline parameter "n" cannot feed input "pvc_name": type Integer does not match the input's type String.`,
      `${FILE}:8:36: task "by-nothing", create_pvc.name.parameter: unknown pipeline parameter "missing"; declared parameters: n.`,
      `${FILE}:10:24: task "by-list", create_pvc.name: output "step-a.names" cannot feed input "pvc_name": type JsonArray does not match the input's type String.`,
      `${FILE}:12:47: task "by-typo", create_pvc.name.output: unknown output "nmae" of task "step-a" (component "step"); its outputs: out, count, names.`,
      `${FILE}:14:31: task "by-ghost", create_pvc.name.task: unknown task "ghost"; tasks in this pipeline: by-number, by-nothing, by-list, by-typo, by-ghost, step-a, inner, by-inner, each, by-each, circle, user, itself.`,
      `${FILE}:31:31: task "circle", create_pvc.name: cycle: circle -> user -> circle (each task waits for the next, through data or after).`,
      `${FILE}:22:31: task "by-inner", create_pvc.name: task "inner" is inside condition "gate (branch 1)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).`,
      `${FILE}:29:31: task "by-each", create_pvc.name: task "each" runs once per item of loop "per-item", which this task is outside of: use {collect: {task: each, output: out}} to take every iteration's value as a list.`,
      `${FILE}:36:121: task "itself", create_pvc.data_source.name: "same" is the claim this task creates: a claim cannot be cloned from itself (Kubernetes would keep it Pending); name the claim to copy.`,
    ]);
  });

  it('refuses deleting or mounting a claim no create_pvc task makes, another output, and a claim made inside a condition mounted outside it (one made outside is mounted inside)', () => {
    const { messages } = readAndCheck(`name: p
parameters:
  n: {type: Integer, default: 1}
tasks:
  make:
    create_pvc: {name: d, access_modes: [ReadWriteOnce], size: 1Gi}
  step-a:
    component: step
    volumes:
    - {pvc: {task: step-b, output: out}, mount_path: /a}
    - {pvc: {task: make, output: claim}, mount_path: /b}
  step-b:
    component: step
  drop:
    delete_pvc: {pvc: {task: nowhere, output: name}}
  gate:
    if: {left: {parameter: n}, operator: '>', right: 0}
    then:
      inner:
        component: step
        volumes: [{pvc: {task: make, output: name}, mount_path: /c}]
      make-inner:
        create_pvc: {name: e, access_modes: [ReadWriteOnce], size: 1Gi}
  outer:
    component: step
    volumes: [{pvc: {task: make-inner, output: name}, mount_path: /e}]
`);
    expect(messages).toEqual([
      `${FILE}:26:28: task "outer", volumes[0].pvc.task: task "make-inner" is inside condition "gate (branch 1)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).`,
      `${FILE}:10:20: task "step-a", volumes[0].pvc.task: task "step-b" runs component "step", it creates no PVC: a claim mounted from a task is the name output of a create_pvc task (here: make, make-inner).`,
      `${FILE}:11:34: task "step-a", volumes[1].pvc.output: create_pvc task "make" has one output, name (the claim's name), not "claim".`,
      `${FILE}:15:30: task "drop", delete_pvc.pvc.task: no task "nowhere" in this pipeline: delete_pvc deletes a claim that is the name output of a create_pvc task (here: make, make-inner).`,
    ]);
  });
});
