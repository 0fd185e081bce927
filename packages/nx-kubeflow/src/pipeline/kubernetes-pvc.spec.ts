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
const COMPONENTS = new Map<string, ComponentSpec>([['step', { name: 'step', inputs: [], outputs: [{ name: 'out', type: 'String' }], implementation: { container: { image: 'alpine' } } }]]);

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
      `${FILE}:6:78: task "b", create_pvc.typo: unknown key "typo" in create_pvc; allowed: access_modes, size, name, name_suffix, storage_class_name, volume_name, annotations.`,
      `${FILE}:6:61: task "b", create_pvc.access_modes[0]: "rwo" is not an access mode: use ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.`,
      `${FILE}:6:73: task "b", create_pvc.size: must be a Kubernetes quantity such as 5Gi or 500Mi (got "5GB").`,
      `${FILE}:6:40: task "b", create_pvc.name_suffix: needs one of name (the claim's whole name) and name_suffix (added to the run's name, so each run has its own claim), not both: the KFP driver takes one.`,
      `${FILE}:9:5: task "c", env: unknown key "env" in a create_pvc task (it runs kfp-kubernetes' own component); allowed: create_pvc, display_name, after, caching.`,
      `${FILE}:8:55: task "c", create_pvc.size: must be a Kubernetes quantity such as 5Gi or 500Mi, quoted: '5' (got 5).`,
      `${FILE}:8:17: task "c", create_pvc: needs one of name (the claim's whole name) and name_suffix (added to the run's name, so each run has its own claim), not both: the KFP driver takes one.`,
      `${FILE}:11:23: task "d", delete_pvc.pvc: must be {pvc: {task: t, output: name}}: the name output of the create_pvc task whose claim to delete.`,
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
