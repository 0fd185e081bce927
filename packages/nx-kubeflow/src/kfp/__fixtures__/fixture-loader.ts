/**
 * Test-only: reads a conformance fixture folder into compilePipeline's input.
 *
 *   <fixture>/pipeline.yaml                 DESIGN section 3 format (a tiny adapter, not the real reader)
 *   <fixture>/components/<project>/component.yaml
 *   <fixture>/pipelines/<project>/pipeline.yaml   optional: pipelines the tasks run with `pipeline: <project>`
 *   <fixture>/case.yaml                     optional: what a pipeline.yaml cannot say yet -
 *     golden: <file name in ../shared/kfp/golden without .yaml>
 *     skip: <reason>                        the case is listed but not run
 *     outputs: [{name, task, output}]       pipeline outputs (golden cases; pipeline.yaml's outputs: is read too)
 *     parameterDefaults: {...}              settings overrides of parameter defaults
 *     settingsEnv: <env>
 *     settingsToml: <text>                  the pipeline's config/settings.toml
 *     componentRuntime: [<project>, ...]    components built on component-runtime
 *     images: {<project>: <image>}          image.json's reference
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadComponentSpec } from '../component-spec';
import type { CompilePipelineOptions } from '../ir-compiler';
import type { Condition, ConditionBranch, ConditionOperand, ImageChannel, LoopItems, PipelineDefinition, PipelineNode, PipelineOutput, PipelineTask, ResolvedComponent, TaskArgument } from '../pipeline-model';
import { taskTimeout } from '../task-timeout';
import { readCreatePvc, readDeletePvc, readKubernetesOptions, readObjectReferences, type Report } from '../../pipeline/read-kubernetes-options';
import { pipelineInterface } from '../../pipeline/compile-pipeline-project';

type Dict = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Fixture {
  name: string;
  dir: string;
  golden?: string;
  skip?: string;
  options: CompilePipelineOptions;
  /** component.yaml path by project, for the reference compile */
  componentFiles: Record<string, string>;
}

function argument(value: unknown): TaskArgument {
  const dict = value as Dict;
  if (dict && typeof dict === 'object' && !Array.isArray(dict)) {
    if (typeof dict.parameter === 'string' && Object.keys(dict).length === 1) return { kind: 'parameter', parameter: dict.parameter };
    if (typeof dict.task === 'string' && typeof dict.output === 'string') return { kind: 'task-output', task: dict.task, output: dict.output };
    if (typeof dict.item === 'string') return { kind: 'loop-item', item: dict.item, ...(typeof dict.field === 'string' ? { field: dict.field } : {}) };
    if (dict.collect && typeof dict.collect === 'object') return { kind: 'collected', task: dict.collect.task, output: dict.collect.output };
    if (Array.isArray(dict.one_of)) return { kind: 'one-of', of: dict.one_of.map((entry: Dict) => ({ task: entry.task, output: entry.output })) };
  }
  return { kind: 'literal', value: value as never };
}

function task(name: string, raw: Dict): PipelineTask {
  const t: PipelineTask = {
    name,
    component: raw.component ?? raw.pipeline,
    ...(raw.pipeline !== undefined ? { calls: 'pipeline' as const } : {}),
    arguments: Object.fromEntries(Object.entries(raw.arguments ?? {}).map(([k, v]) => [k, argument(v)])),
    after: raw.after ?? [],
  };
  for (const key of ['display_name', 'caching', 'cache_key', 'retry', 'resources', 'env', 'tolerations', 'ignore_upstream_failure'] as const) {
    if (raw[key] !== undefined) (t as Dict)[key] = raw[key];
  }
  // a constant reference, or {parameter: p} / {task: t, output: o} / {item: x} the run gives
  if (raw.image !== undefined) t.image = typeof raw.image === 'string' ? raw.image : (argument(raw.image) as ImageChannel);
  if (raw.importer !== undefined) {
    const uri = raw.importer.artifact_uri;
    t.importer = {
      artifact_uri: typeof uri === 'string' ? { kind: 'literal', value: uri } : { kind: 'parameter', parameter: uri.parameter },
      type: raw.importer.type,
      ...(raw.importer.reimport !== undefined ? { reimport: raw.importer.reimport } : {}),
      ...(raw.importer.metadata !== undefined ? { metadata: raw.importer.metadata } : {}),
    };
    t.component = '';
  }
  if (raw.create_pvc !== undefined || raw.delete_pvc !== undefined) {
    // kfp-kubernetes' CreatePVC / DeletePVC through the reader's own functions, as the Kubernetes options below
    const refusePvc: Report = (path, message) => {
      throw new Error(`task ${name}: ${path.join('.')}: ${message}`);
    };
    if (raw.create_pvc !== undefined) t.create_pvc = readCreatePvc(raw.create_pvc, ['create_pvc'], refusePvc);
    else t.delete_pvc = readDeletePvc(raw.delete_pvc, ['delete_pvc'], refusePvc);
    t.component = '';
  }
  if (raw.timeout !== undefined) {
    const timeout = taskTimeout(raw.timeout);
    if ('problem' in timeout) throw new Error(`task ${name}: timeout ${timeout.problem}`);
    t.timeout_seconds = timeout.seconds;
  }
  // the Kubernetes options through the reader's own module: their shapes are not worth a second adapter
  const refuse: Report = (path, message) => {
    throw new Error(`task ${name}: ${path.join('.')}: ${message}`);
  };
  const secrets = readObjectReferences('secret', raw.secrets, ['secrets'], refuse);
  if (secrets) t.secrets = secrets.env as PipelineTask['secrets'];
  const kubernetes = readKubernetesOptions(raw, [], refuse);
  if (secrets?.volumes.length || kubernetes) t.kubernetes = { ...(secrets?.volumes.length ? { secret_volumes: secrets.volumes } : {}), ...kubernetes };
  return t;
}

/** Condition blocks ({if, then, elif, else}) as the reader makes them; tasks are collected flat. */
/** A group's `display_name` (dsl.If/Elif/Else/ParallelFor/ExitHandler(name=)). */
function displayName(value: unknown): { displayName?: string } {
  return typeof value === 'string' ? { displayName: value } : {};
}

function body(raw: Dict, tasks: PipelineTask[]): PipelineNode[] {
  return Object.entries(raw).map(([name, spec]): PipelineNode => {
    if (spec.for_each !== undefined) {
      const each = spec.for_each as Dict;
      const items: LoopItems = Array.isArray(each)
        ? { kind: 'static', items: each }
        : typeof each.parameter === 'string'
          ? { kind: 'parameter', parameter: each.parameter }
          : typeof each.item === 'string'
            ? { kind: 'loop-item', item: each.item, ...(typeof each.field === 'string' ? { field: each.field } : {}) }
            : { kind: 'task-output', task: each.task, output: each.output };
      return { kind: 'loop', loop: { name, items, as: spec.as, ...(spec.parallelism !== undefined ? { parallelism: spec.parallelism } : {}), body: body(spec.tasks, tasks), ...displayName(spec.display_name) } };
    }
    if (spec.exit_task !== undefined) {
      const [exitTask, exitSpec] = Object.entries(spec.exit_task as Dict)[0];
      tasks.push(task(exitTask, exitSpec));
      return { kind: 'exit-handler', block: { name, exitTask, body: body(spec.tasks, tasks), ...displayName(spec.display_name) } };
    }
    if (spec.if === undefined) {
      tasks.push(task(name, spec));
      return { kind: 'task', task: name };
    }
    const operand = (value: unknown): ConditionOperand => {
      const argument_ = argument(value);
      return argument_.kind === 'literal' ? { kind: 'literal', value: argument_.value as string } : (argument_ as ConditionOperand);
    };
    const condition = (c: Dict): Condition => ({ left: operand(c.left), operator: c.operator, right: operand(c.right) });
    const branches: ConditionBranch[] = [{ condition: condition(spec.if), body: body(spec.then, tasks), ...displayName(spec.display_name) }];
    for (const elif of spec.elif ?? []) branches.push({ condition: condition(elif.if), body: body(elif.then, tasks), ...displayName(elif.display_name) });
    if (spec.else) branches.push({ body: body(spec.else, tasks), ...displayName(spec.else_display_name) });
    return { kind: 'condition', block: { name, branches } };
  });
}

function pipelineOutput(name: string, o: Dict): PipelineOutput {
  return Array.isArray(o.one_of) ? { name, oneOf: o.one_of.map((entry: Dict) => ({ task: entry.task, output: entry.output })) } : { name, task: o.task, output: o.output };
}

function pipelineDefinition(file: string, caseOutputs: PipelineOutput[] | undefined): PipelineDefinition {
  const raw = parse(readFileSync(file, 'utf8')) as Dict;
  if (Object.values(raw.tasks ?? {}).some((spec) => (spec as Dict).if !== undefined || (spec as Dict).for_each !== undefined || (spec as Dict).exit_task !== undefined)) {
    const tasks: PipelineTask[] = [];
    const nodes = body(raw.tasks, tasks);
    const outputs = caseOutputs ?? Object.entries((raw.outputs ?? {}) as Record<string, Dict>).map(([name, o]) => pipelineOutput(name, o));
    return {
      file,
      name: raw.name,
      ...(raw.description ? { description: raw.description } : {}),
    ...(raw.display_name ? { display_name: raw.display_name } : {}),
    ...(raw.pipeline_root ? { pipeline_root: raw.pipeline_root } : {}),
      parameters: Object.entries(raw.parameters ?? {}).map(([name, p]) => ({ name, ...(p as Dict) })) as PipelineDefinition['parameters'],
      tasks,
      body: nodes,
      ...(outputs.length > 0 ? { outputs } : {}),
    };
  }
  const outputs = caseOutputs ?? Object.entries((raw.outputs ?? {}) as Record<string, Dict>).map(([name, o]) => pipelineOutput(name, o));
  return {
    file,
    name: raw.name,
    ...(raw.description ? { description: raw.description } : {}),
    ...(raw.display_name ? { display_name: raw.display_name } : {}),
    ...(raw.pipeline_root ? { pipeline_root: raw.pipeline_root } : {}),
    parameters: Object.entries(raw.parameters ?? {}).map(([name, p]) => ({ name, ...(p as Dict) })) as PipelineDefinition['parameters'],
    tasks: Object.entries(raw.tasks ?? {}).map(([name, t]) => task(name, t as Dict)),
    ...(outputs.length > 0 ? { outputs } : {}),
  };
}

/** A pipeline of the fixture's pipelines/ folder, with the nested pipelines it runs, as compile-pipeline-project resolves them. */
function nestedPipeline(dir: string, project: string, components: Map<string, ResolvedComponent>): ResolvedComponent {
  const pipeline = pipelineDefinition(join(dir, 'pipelines', project, 'pipeline.yaml'), undefined);
  const own = new Map(components);
  addNestedPipelines(dir, pipeline, own);
  const input: CompilePipelineOptions = { pipeline, components: own };
  return { project, spec: pipelineInterface(input), image: '', usesComponentRuntime: false, nested: input };
}

function addNestedPipelines(dir: string, pipeline: PipelineDefinition, components: Map<string, ResolvedComponent>): void {
  for (const t of pipeline.tasks) {
    if (t.calls === 'pipeline' && !components.has(t.component)) components.set(t.component, nestedPipeline(dir, t.component, components));
  }
}

export function loadFixture(dir: string, name: string): Fixture {
  const casePath = join(dir, 'case.yaml');
  const kase = (existsSync(casePath) ? parse(readFileSync(casePath, 'utf8')) : {}) as Dict;
  const components = new Map<string, ResolvedComponent>();
  const componentFiles: Record<string, string> = {};
  for (const project of readdirSync(join(dir, 'components')).sort()) {
    const file = join(dir, 'components', project, 'component.yaml');
    const spec = loadComponentSpec(file);
    componentFiles[project] = file;
    components.set(project, {
      project,
      spec,
      image: kase.images?.[project] ?? spec.implementation.container.image,
      usesComponentRuntime: (kase.componentRuntime ?? []).includes(project),
    });
  }
  const pipeline = pipelineDefinition(join(dir, 'pipeline.yaml'), kase.outputs as PipelineOutput[] | undefined);
  addNestedPipelines(dir, pipeline, components);
  return {
    name,
    dir,
    golden: kase.golden,
    skip: kase.skip,
    componentFiles,
    options: {
      pipeline,
      components,
      parameterDefaults: kase.parameterDefaults,
      settingsEnv: kase.settingsEnv,
      pipelineSettingsToml: kase.settingsToml,
    },
  };
}

export function loadFixtures(suite: 'golden' | 'differential'): Fixture[] {
  const root = join(__dirname, suite);
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'pipeline.yaml')))
    .sort()
    .map((name) => loadFixture(join(root, name), name));
}
