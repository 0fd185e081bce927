/**
 * kfp-kubernetes' CreatePVC and DeletePVC as kfp compiles them: tasks of two
 * built-in container components (kfp.kubernetes.volume) whose executors run
 * the images argostub/createpvc and argostub/deletepvc, which the KFP driver
 * does not start but handles itself (it creates or deletes the claim).
 *
 * Like importers (importer.ts), the compiler and checker see such a task as
 * an ordinary task of a synthetic component (withPvcTasks): create_pvc's
 * fields are its literal arguments (its name may be a parameter or an upstream
 * output instead), delete_pvc's claim its `pvc_name` argument, so groups,
 * channels, dependencies and checks follow the same rules (argumentPath says
 * where in the file each argument is written). The
 * input descriptions are kfp-kubernetes 2.17.3's docstrings, which kfp
 * writes into the IR (the differential fixture `kubernetes_pvc` holds them
 * equal).
 */
import type { ComponentInputSpec, CreatePvcSpec, PipelineDefinition, PipelineTask, ResolvedComponent, TaskArgument } from './pipeline-model';
import { namedRecord } from './named-records';

export const CREATE_PVC_IMAGE = 'argostub/createpvc';
export const DELETE_PVC_IMAGE = 'argostub/deletepvc';
/** CreatePVC's one output: the claim's name. */
export const CREATE_PVC_OUTPUT = 'name';

const DOCS = 'https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/persistent-volume-claim-v1';

/** CreatePVC's inputs in its signature's order, typed as kfp types them, with the docstring text kfp writes. */
const CREATE_PVC_INPUTS: (ComponentInputSpec & { description: string })[] = [
  { name: 'access_modes', type: 'JsonArray', description: 'Values for ``PersistentVolumeClaim.spec.accessModes``.' },
  {
    name: 'size',
    type: 'String',
    description: `The size of storage requested by the PVC that will be\nprovisioned. For example, \`\`'5Gi'\`\`. Corresponds to\n\`PersistentVolumeClaim.spec.resources.requests.storage\n<${DOCS}/#PersistentVolumeClaimSpec>\`_.`,
  },
  {
    name: 'pvc_name',
    type: 'String',
    optional: true,
    description: `Name of the PVC. Corresponds to\n\`PersistentVolumeClaim.metadata.name\n<${DOCS}/#PersistentVolumeClaim>\`_.\nOnly one of \`\`pvc_name\`\` and \`\`pvc_name_suffix\`\` can be provided.`,
  },
  {
    name: 'pvc_name_suffix',
    type: 'String',
    optional: true,
    description: 'Prefix to use for a dynamically generated name, which\nwill take the form ``<argo-workflow-name>-<pvc_name_suffix>``. Only\none of ``pvc_name`` and ``pvc_name_suffix`` can be provided.',
  },
  {
    name: 'storage_class_name',
    type: 'String',
    default: '',
    description: "Name of StorageClass from which to provision the PV\nto back the PVC. ``None`` indicates to use the cluster's default\nstorage_class_name. Set to ``''`` for a statically specified PVC.",
  },
  {
    name: 'volume_name',
    type: 'String',
    optional: true,
    description: `Pre-existing PersistentVolume that should back the\nprovisioned PersistentVolumeClaim. Used for statically\nspecified PV only. Corresponds to\n\`PersistentVolumeClaim.spec.volumeName\n<${DOCS}/#PersistentVolumeClaimSpec>\`_.`,
  },
  {
    name: 'annotations',
    type: 'JsonObject',
    optional: true,
    description: `Annotations for the PVC's metadata. Corresponds to\n\`PersistentVolumeClaim.metadata.annotations\n<${DOCS}/#PersistentVolumeClaim>\`_.`,
  },
  {
    name: 'data_source',
    type: 'JsonObject',
    optional: true,
    description: `Specifies the data source for the PVC. This can be used to\ncreate a PVC from a VolumeSnapshot or to clone an existing PVC.\nShould be a dictionary with \`\`'apiGroup'\`\`, \`\`'kind'\`\`, and\n\`\`'name'\`\` keys. For example:\n\`\`{'apiGroup': 'snapshot.storage.k8s.io', 'kind': 'VolumeSnapshot', 'name': 'my-snapshot'}\`\`.\nCorresponds to \`PersistentVolumeClaim.spec.dataSource\n<${DOCS}/#PersistentVolumeClaimSpec>\`_.`,
  },
];

const DELETE_PVC_INPUTS: (ComponentInputSpec & { description: string })[] = [
  {
    name: 'pvc_name',
    type: 'String',
    description: "Name of the PVC to delete. Supports passing a runtime-generated name, such as a name provided by ``kubernetes.CreatePvcOp().outputs['name']``.",
  },
];

/** create_pvc's pipeline.yaml keys -> CreatePVC's inputs. */
const CREATE_PVC_ARGUMENTS: readonly [keyof CreatePvcSpec, string][] = [
  ['access_modes', 'access_modes'],
  ['size', 'size'],
  ['name', 'pvc_name'],
  ['name_suffix', 'pvc_name_suffix'],
  ['storage_class_name', 'storage_class_name'],
  ['volume_name', 'volume_name'],
  ['annotations', 'annotations'],
  ['data_source', 'data_source'],
];

/** What a create_pvc field is as an argument of CreatePVC: a literal, or (name) the parameter or upstream output that holds it. */
function createPvcArgument(value: NonNullable<CreatePvcSpec[keyof CreatePvcSpec]>): TaskArgument {
  if (typeof value === 'object' && !Array.isArray(value) && 'parameter' in value) return { kind: 'parameter', parameter: value.parameter as string };
  if (typeof value === 'object' && !Array.isArray(value) && 'task' in value && 'output' in value) return { kind: 'task-output', task: value.task as string, output: value.output as string };
  return { kind: 'literal', value: value as Extract<TaskArgument, { kind: 'literal' }>['value'] };
}

/**
 * Where the argument `input` of a task is written in pipeline.yaml: under arguments, or, for a create_pvc
 * or delete_pvc task (whose arguments withPvcTasks makes), the create_pvc field or delete_pvc's pvc it
 * comes from; so a problem with it is reported where it is written.
 */
export function argumentPath(task: PipelineTask, input: string): (string | number)[] {
  if (task.create_pvc) {
    const field = CREATE_PVC_ARGUMENTS.find(([, name]) => name === input);
    if (field) return ['create_pvc', field[0]];
  }
  if (task.delete_pvc && input === 'pvc_name') return ['delete_pvc', 'pvc'];
  return ['arguments', input];
}

export function pvcComponentKey(task: string): string {
  return `pvc:${task}`;
}

function builtIn(task: PipelineTask, image: string, inputs: ComponentInputSpec[], outputs: ResolvedComponent['spec']['outputs']): ResolvedComponent {
  return {
    project: pvcComponentKey(task.name),
    spec: { name: task.name, inputs: inputs.map(({ description: _kept, ...input }) => input), outputs, implementation: { container: { image } } },
    image,
    usesComponentRuntime: false,
  };
}

/** The component kfp-kubernetes defines for a create_pvc or delete_pvc task, and the task's arguments to it. */
export function pvcComponent(task: PipelineTask, creates: (task: string) => boolean = () => true): { component: ResolvedComponent; arguments: Record<string, TaskArgument> } | undefined {
  const args = namedRecord<TaskArgument>();
  if (task.create_pvc) {
    for (const [key, input] of CREATE_PVC_ARGUMENTS) {
      const value = task.create_pvc[key];
      if (value !== undefined) args[input] = createPvcArgument(value);
    }
    return { component: builtIn(task, CREATE_PVC_IMAGE, CREATE_PVC_INPUTS, [{ name: CREATE_PVC_OUTPUT, type: 'String' }]), arguments: args };
  }
  if (task.delete_pvc) {
    // a claim no create_pvc task makes is the checker's to report (check-kubernetes-options.ts), not a wiring error
    if (creates(task.delete_pvc.pvc.task)) args.pvc_name = { kind: 'task-output', task: task.delete_pvc.pvc.task, output: task.delete_pvc.pvc.output };
    return { component: builtIn(task, DELETE_PVC_IMAGE, DELETE_PVC_INPUTS, []), arguments: args };
  }
  return undefined;
}

/**
 * The pipeline with each create_pvc/delete_pvc task made a task of its
 * built-in component, and a task that mounts a created claim made to wait
 * for its creator (mount_pvc calls task.after on it).
 */
export function withPvcTasks<C>(pipeline: PipelineDefinition, components: ReadonlyMap<string, C>, wrap: (component: ResolvedComponent) => C): { pipeline: PipelineDefinition; components: Map<string, C> } {
  const all = new Map(components);
  const mountsCreated = (task: PipelineTask) => (task.kubernetes?.pvc_mounts ?? []).some((mount) => mount.pvc_name.kind === 'task-output');
  if (!pipeline.tasks.some((task) => task.create_pvc || task.delete_pvc || mountsCreated(task))) return { pipeline, components: all };
  const creators = new Set(pipeline.tasks.filter((task) => task.create_pvc).map((task) => task.name));
  const tasks = pipeline.tasks.map((task) => {
    const built = pvcComponent(task, (name) => creators.has(name));
    const mounted = (task.kubernetes?.pvc_mounts ?? []).flatMap((mount) => (mount.pvc_name.kind === 'task-output' && creators.has(mount.pvc_name.task) ? [mount.pvc_name.task] : []));
    const after = mounted.length > 0 ? [...new Set([...task.after, ...mounted])] : task.after;
    if (!built) return after === task.after ? task : { ...task, after };
    all.set(built.component.project, wrap(built.component));
    return { ...task, component: built.component.project, arguments: built.arguments, after };
  });
  return { pipeline: { ...pipeline, tasks }, components: all };
}

/** Whether an executor image is one of the built-in PVC components' (the KFP driver's, never pulled). */
export function pvcOperation(image: string): 'create' | 'delete' | undefined {
  return image === CREATE_PVC_IMAGE ? 'create' : image === DELETE_PVC_IMAGE ? 'delete' : undefined;
}

/** kfp writes the built-in components' docstrings as input descriptions: added to the component's IR. */
export function addPvcInputDescriptions(task: PipelineTask, componentIr: Record<string, unknown>): void {
  const inputs = task.create_pvc ? CREATE_PVC_INPUTS : task.delete_pvc ? DELETE_PVC_INPUTS : [];
  const parameters = (componentIr.inputDefinitions as { parameters?: Record<string, Record<string, unknown>> } | undefined)?.parameters ?? {};
  for (const input of inputs) if (parameters[input.name]) parameters[input.name].description = input.description;
}
