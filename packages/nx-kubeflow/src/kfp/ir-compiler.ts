/**
 * Compiles a checked pipeline (pipeline-model.ts) into KFP v2 IR: the same
 * documents the kfp SDK (2.x) compiles from the equivalent Python DSL with
 * components loaded by load_component_from_file, apart from sdkVersion and
 * the settings env of component-runtime components (DESIGN section 5).
 *
 * Names follow kfp: a task keeps its pipeline.yaml name (k8s-sanitised); its
 * component and executor are comp-<task> and exec-<task> (kfp derives both
 * from the task name), with -2, -3 where sanitised names collide.
 */
import { createHash } from 'node:crypto';
import type { PipelineCompileInput, ResolvedComponent } from './pipeline-model';
import { componentNameFor, executorLabelFor, k8sName, makeNameUnique, outputNameProblem } from './kfp-names';
import { componentInputDefinitions, componentOutputDefinitions } from './ir-io-definitions';
import { executorSpec, RuntimeSettings } from './ir-executor';
import { taskImage } from './ir-image';
import { taskSpec } from './ir-task';
import { groupInputDefinitions, groupLayout, groupTaskSpec, platformNameSource, ROOT, type Channel } from './ir-groups';
import { groupOutputs } from './ir-loops';
import { applyCompletionTrigger } from './ir-completion-trigger';
import { importerExecutor, restoreImporterInputNames, withImporters } from './importer';
import { addPvcInputDescriptions, withPvcTasks } from './kubernetes-pvc';
import { rootInputDefinitions, rootOutputs } from './ir-root';
import { activeDeadlineSeconds, platformDocument, secretAsEnvEntries, tolerationEntries } from './platform-spec';
import { taskTimeout } from './task-timeout';
import { kubernetesOptionFields } from './platform-kubernetes-options';
import { irHeader } from './ir-header';
import { irYaml } from './ir-yaml';
import { toPlain } from './ir-values';
import { IrCompileError, IrProblem } from './ir-compile-error';
import { hasName, namedRecord } from './named-records';
import { mergeNestedPipeline } from './ir-nested-pipeline';

export type { PipelineOutput } from './ir-root';

/**
 * What sdkVersion says. The plugin runs no kfp; this names the SDK release
 * whose output it reproduces (the golden files are 2.13-2.15, the
 * differential suite runs the latest 2.x). Nothing on the server reads it.
 */
export const SDK_VERSION = 'kfp-2.14.3';
export const SCHEMA_VERSION = '2.1.0';

export type CompilePipelineOptions = PipelineCompileInput;

export interface CompiledPipeline {
  /** Parsed form of the written documents: the PipelineSpec, then the platform spec when there is one. */
  documents: object[];
  yaml: string;
  /** sha256 of yaml, hex: names a pipeline version by its content. */
  contentHash: string;
}

export interface Built {
  /** dsl.OneOf pipeline outputs: the condition-branches output each names. */
  oneOfOutputs?: ReadonlyMap<string, Channel>;
  components: Record<string, unknown>;
  executors: Record<string, unknown>;
  tasks: Record<string, unknown>;
  platformExecutors: Record<string, Record<string, unknown>>;
}

function buildTasks(options: CompilePipelineOptions, problems: IrProblem[]): Built {
  const { pipeline } = options;
  const runtime: RuntimeSettings = { env: options.settingsEnv ?? 'development', toml: options.pipelineSettingsToml ?? '', pipelineName: pipeline.name };
  const built: Built = { components: namedRecord(), executors: namedRecord(), tasks: namedRecord(), platformExecutors: namedRecord() };
  // condition blocks: each group a sub-DAG component (comp-condition-N) holding its tasks
  const grouped = pipeline.body?.some((node) => node.kind !== 'task') === true;
  const layout = grouped ? groupLayout({ pipeline, components: options.components, report: (field, message) => problems.push({ file: pipeline.file, field, message }) }) : undefined;
  if (layout) built.oneOfOutputs = layout.oneOfOutputs;
  const dagTasks = new Map<string, Record<string, unknown>>([[ROOT, built.tasks]]);
  const exitGroupOf = new Map((layout?.groups ?? []).flatMap((group) => (group.exitTask ? [[group.exitTask, group.name] as const] : [])));
  for (const group of layout?.groups ?? []) dagTasks.set(group.name, namedRecord());
  for (const task of pipeline.tasks) {
    const report = (field: string, message: string) => problems.push({ file: pipeline.file, task: task.name, field, message });
    if (layout && dagTasks.has(k8sName(task.name)) && k8sName(task.name) !== ROOT) {
      report('name', `is the name kfp gives a group of this pipeline (${k8sName(task.name)}); rename the task`);
      continue;
    }
    const parent = layout?.parentOf.get(k8sName(task.name)) ?? ROOT;
    const tasksOfDag = dagTasks.get(parent)!;
    const component = options.components.get(task.component);
    if (!component) {
      report(task.calls === 'pipeline' ? 'pipeline' : 'component', `unknown ${task.calls === 'pipeline' ? 'pipeline' : 'component'} ${JSON.stringify(task.component)}`);
      continue;
    }
    const key = k8sName(task.name);
    if ([...dagTasks.values()].some((tasks) => hasName(tasks, key))) {
      report('name', `becomes ${JSON.stringify(key)} in the IR, as another task's name does (kfp lower-cases names and turns other characters into '-')`);
      continue;
    }
    const taskContext = {
      pipeline,
      components: options.components,
      report,
      ...(layout ? { dependentTasks: layout.dependencies.get(key) ?? [] } : {}),
      ...(parent !== ROOT ? { groupInputs: new Set(layout!.inputs.get(parent)!.keys()) } : {}),
      ...(layout ? { itemReads: layout.loops.itemReads.get(key), collected: layout.loops.collected.get(key) } : {}),
    };
    const image = taskImage(task, component.image, { ...taskContext, loopItem: layout?.loops.imageItems.get(key) });
    if (image.inputs) Object.assign(taskContext, { image });
    if (component.nested) {
      // a pipeline run as a task: its components and executors fold into this IR, its root becomes comp-<task>
      let inner: ReturnType<typeof compilePipelineTrees>;
      try {
        inner = compilePipelineTrees(component.nested);
      } catch (error) {
        if (!(error instanceof IrCompileError)) throw error;
        problems.push(...error.problems);
        continue;
      }
      const componentName = mergeNestedPipeline(built, inner.spec, inner.platformExecutors, componentNameFor(task.name));
      tasksOfDag[key] = taskSpec(task, component, componentName, taskContext);
      applyCompletionTrigger(tasksOfDag[key] as Record<string, unknown>, task, component, exitGroupOf.get(key), report);
      continue;
    }
    for (const output of component.spec.outputs) {
      const problem = outputNameProblem(output.name);
      if (problem) report('component', `component ${JSON.stringify(task.component)}: ${problem}`);
    }
    // asked of the records as they stand: a Set of their keys made per task would make compiling quadratic
    const executorLabel = makeNameUnique(executorLabelFor(task.name), { has: (name) => hasName(built.executors, name) });
    const componentName = makeNameUnique(componentNameFor(task.name), { has: (name) => hasName(built.components, name) });
    built.executors[executorLabel] = task.importer ? importerExecutor(task.importer) : executorSpec(component, task, runtime, report, image.executorImage);
    built.components[componentName] = componentIr(component, executorLabel);
    tasksOfDag[key] = taskSpec(task, component, componentName, taskContext);
    applyCompletionTrigger(tasksOfDag[key] as Record<string, unknown>, task, component, exitGroupOf.get(key), report);
    if (task.importer) restoreImporterInputNames(built.components[componentName] as Record<string, unknown>, tasksOfDag[key] as Record<string, unknown>);
    if (task.create_pvc || task.delete_pvc) addPvcInputDescriptions(task, built.components[componentName] as Record<string, unknown>);
    const platform: Record<string, unknown> = {};
    const nameSource = platformNameSource(key, layout, { pipeline, components: options.components, report });
    if (task.secrets && task.secrets.length > 0) platform.secretAsEnv = secretAsEnvEntries(task.secrets, nameSource);
    if (task.tolerations && task.tolerations.length > 0) platform.tolerations = tolerationEntries(task.tolerations);
    if (task.timeout_seconds !== undefined) {
      // the reader has checked it; a definition built elsewhere gets the same rule
      const timeout = taskTimeout(task.timeout_seconds);
      if ('problem' in timeout) report('timeout', timeout.problem);
      else platform.activeDeadlineSeconds = activeDeadlineSeconds(timeout.seconds);
    }
    Object.assign(platform, kubernetesOptionFields(task.kubernetes, nameSource));
    if (Object.keys(platform).length > 0) built.platformExecutors[executorLabel] = platform;
  }
  for (const group of layout?.groups ?? []) {
    const ctx = { pipeline, components: options.components, report: (field: string, message: string) => problems.push({ file: pipeline.file, field, message }) };
    // tasks and groups beside the group (a loop surfacing a Collected output is a producer too)
    const siblings = new Set([...pipeline.tasks.map((task) => k8sName(task.name)), ...layout!.groups.map((other) => other.name)].filter((name) => layout!.parentOf.get(name) === group.parent));
    dagTasks.get(group.parent)![group.name] = groupTaskSpec(group, layout!, siblings, ctx);
    const inputDefinitions = groupInputDefinitions(layout!.inputs.get(group.name)!);
    const { dagOutputs, outputDefinitions } = groupOutputs(group.name, layout!.loops);
    built.components[`comp-${group.name}`] = {
      dag: { ...(dagOutputs ? { outputs: dagOutputs } : {}), tasks: dagTasks.get(group.name) },
      ...(inputDefinitions ? { inputDefinitions } : {}),
      ...(outputDefinitions ? { outputDefinitions } : {}),
    };
  }
  return built;
}

function componentIr(component: ResolvedComponent, executorLabel: string): Record<string, unknown> {
  const ir: Record<string, unknown> = { executorLabel };
  const inputs = componentInputDefinitions(component.spec);
  const outputs = componentOutputDefinitions(component.spec);
  if (inputs) ir.inputDefinitions = inputs;
  if (outputs) ir.outputDefinitions = outputs;
  return ir;
}

function rootIr(options: CompilePipelineOptions, built: Built, problems: IrProblem[]): Record<string, unknown> {
  const { tasks } = built;
  const report = (field: string, message: string) => problems.push({ file: options.pipeline.file, field, message });
  const { dagOutputs, outputDefinitions } = rootOutputs(options.pipeline.outputs ?? [], options.pipeline, options.components, report, built.oneOfOutputs);
  const dag: Record<string, unknown> = { tasks };
  if (dagOutputs) dag.outputs = dagOutputs;
  const root: Record<string, unknown> = { dag };
  const inputDefinitions = rootInputDefinitions(options.pipeline, options.parameterDefaults ?? {}, report);
  if (inputDefinitions) root.inputDefinitions = inputDefinitions;
  if (outputDefinitions) root.outputDefinitions = outputDefinitions;
  return root;
}

/** The IR trees, before they are written: the PipelineSpec and the kubernetes executor configs by executor label. Throws IrCompileError. */
export function compilePipelineTrees(given: CompilePipelineOptions): { spec: Record<string, unknown>; platformExecutors: Record<string, Record<string, unknown>> } {
  // importer tasks compile as tasks of the component kfp builds for them
  // and so do kfp-kubernetes' CreatePVC and DeletePVC tasks
  const importers = withImporters(given.pipeline, given.components, (component) => component);
  const options = { ...given, ...withPvcTasks(importers.pipeline, importers.components, (component) => component) };
  const problems: IrProblem[] = [];
  const built = buildTasks(options, problems);
  const root = rootIr(options, built, problems);
  if (problems.length > 0) throw new IrCompileError(problems);
  const { pipeline } = options;
  const pipelineInfo: Record<string, unknown> = { name: pipeline.name };
  if (pipeline.description) pipelineInfo.description = pipeline.description;
  if (pipeline.display_name) pipelineInfo.displayName = pipeline.display_name;
  const spec = {
    components: built.components,
    ...(pipeline.pipeline_root ? { defaultPipelineRoot: pipeline.pipeline_root } : {}),
    deploymentSpec: { executors: built.executors },
    pipelineInfo,
    root,
    schemaVersion: SCHEMA_VERSION,
    sdkVersion: SDK_VERSION,
  };
  return { spec, platformExecutors: built.platformExecutors };
}

export function compilePipeline(options: CompilePipelineOptions): CompiledPipeline {
  const { spec, platformExecutors } = compilePipelineTrees(options);
  const { pipeline } = options;
  const platform = platformDocument(platformExecutors);
  const trees = platform ? [spec, platform] : [spec];
  const yaml = irYaml(irHeader(pipeline.name, pipeline.description, spec.root as never), trees);
  return {
    documents: trees.map((tree) => toPlain(tree) as object),
    yaml,
    contentHash: createHash('sha256').update(yaml).digest('hex'),
  };
}
