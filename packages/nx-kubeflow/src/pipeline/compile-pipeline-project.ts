/**
 * `nx run <pipeline>:compile` without Nx: read and check pipeline.yaml, load
 * the components it names, apply the environment's parameter overrides from
 * the pipeline's settings, compile to KFP IR and write it atomically. Every
 * problem (pipeline.yaml, component.yaml, settings) is reported at once, and
 * nothing is written unless there are none.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { compilePipeline, type CompilePipelineOptions, type CompiledPipeline } from '../kfp/ir-compiler';
import { IrCompileError } from '../kfp/ir-compile-error';
import { isArtifactTypeName, type ComponentSpec, type PipelineCompileInput, type PipelineDefinition, type ResolvedComponent } from '../kfp/pipeline-model';
import type { SpecWarning } from '../kfp/component-spec';
import { readPyproject } from '../python/pyproject';
import { loadSettings, readSetting, SettingsError } from '../settings/index';
import { componentSettingsToml } from '../settings/component-settings-toml';
import { checkPipeline } from './check-pipeline';
import { componentImage } from './component-images';
import { loadComponents } from './pipeline-components';
import { PipelineCheckError, type PipelineProblem } from './pipeline-problems';
import { parameterValueProblem } from './pipeline-types';
import { readPipeline } from './read-pipeline';
import type { YamlSource } from './yaml-source';
import { hasName, namedRecord } from '../kfp/named-records';
import { withRuntimePlaceholderArguments } from '../kfp/runtime-placeholder-arguments';

export const PIPELINE_FILE = 'pipeline.yaml';
export const PIPELINE_SETTINGS_FILE = join('config', 'settings.toml');
const DEFAULT_ENV = 'development';

export interface CompilePipelineProjectOptions {
  workspaceRoot: string;
  /** The pipeline project. */
  projectName: string;
  /** Every project: name -> workspace-relative root (components are found among them). */
  projects: Readonly<Record<string, { root: string }>>;
  /** Settings environment; else ENV_FOR_DYNACONF from `environ`; else development. */
  env?: string;
  /** Only ENV_FOR_DYNACONF is read from it (default process.env); DYNACONF_* variables are not applied, see below. */
  environ?: Readonly<Record<string, string | undefined>>;
  /** Workspace-relative output folder; default dist/pipelines/<project>/<env> (see pipelineOutputFile). */
  outputPath?: string;
  /**
   * Image references by component name, over image.json: deploy passes the
   * images it just built, so another process rewriting image.json meanwhile
   * cannot change what this deploy publishes.
   */
  componentImages?: ReadonlyMap<string, string>;
  /**
   * false: compile and check only, write nothing (deploy's checks before it builds, and --dry-run).
   * Default true: the IR is written, and a failed compile removes the file a
   * previous one left, so what is there always matches the sources.
   */
  write?: boolean;
  /** The IR compiler; replaceable in tests. */
  compile?: (options: CompilePipelineOptions) => CompiledPipeline;
}

export interface CompiledPipelineProject {
  /** Workspace-relative path of the IR (not written when `write` was false). */
  outputFile: string;
  /** The IR's text. */
  yaml: string;
  /** The IR's documents as the compiler built them (the PipelineSpec, then the platform spec when there is one): for readers that would otherwise parse `yaml` again. */
  documents: object[];
  contentHash: string;
  /** The image each component with a Dockerfile was compiled with (given, from image.json, or component.yaml's), nested pipelines' included. */
  componentImages: ReadonlyMap<string, string>;
  env: string;
  /** Parameter defaults the environment's settings overrode. */
  parameterDefaults: Record<string, unknown>;
  /** `file:line:column: message` for each component.yaml scalar YAML 1.1 and 1.2 read differently. */
  warnings: string[];
}

/**
 * Where compile writes the IR: dist/pipelines/<project>/<env>/pipeline.yaml,
 * one file per settings environment (its parameter defaults and
 * ENV_FOR_DYNACONF differ), so `deploy -c production` does not overwrite the
 * development IR; <outputPath>/pipeline.yaml when an output folder is given.
 * Workspace-relative, with forward slashes.
 */
export function pipelineOutputFile(projectName: string, env: string, outputPath?: string): string {
  return toPosix(join(outputPath ?? join('dist', 'pipelines', projectName, env), PIPELINE_FILE));
}

/** The environment names a folder under dist/pipelines/<project>: never one outside it. */
export function isFolderName(env: string): boolean {
  return env !== '' && env !== '.' && env !== '..' && !/[/\\]/.test(env);
}

/** The settings environment compile uses: --env, else ENV_FOR_DYNACONF, else development. */
export function compileEnvironment(env: string | undefined, environ: Readonly<Record<string, string | undefined>> = process.env): string {
  return env ?? environ['ENV_FOR_DYNACONF'] ?? DEFAULT_ENV;
}

/**
 * Removes the IR a previous compile wrote for this environment: called when
 * this one fails, so a stale file cannot pass for the current sources.
 */
export function removeStaleOutput(workspaceRoot: string, outputFile: string): void {
  rmSync(join(workspaceRoot, outputFile), { force: true });
}

/**
 * Throws PipelineCheckError with every problem found; writes nothing then,
 * and (unless `write` is false) removes the environment's previous IR file.
 */
export function compilePipelineProject(options: CompilePipelineProjectOptions): CompiledPipelineProject {
  const env = compileEnvironment(options.env, options.environ);
  if (!isFolderName(env)) {
    throw new PipelineCheckError([{ file: options.projectName, message: `${JSON.stringify(env)} is not a settings environment compile can use: the IR goes to dist/pipelines/${options.projectName}/<env>/, so it cannot be empty, "." or ".." or hold a slash.` }]);
  }
  const outputFile = pipelineOutputFile(options.projectName, env, options.outputPath);
  try {
    return compileAndWrite(options, env, outputFile);
  } catch (error) {
    if (options.write !== false) removeStaleOutput(options.workspaceRoot, outputFile);
    throw error;
  }
}

function compileAndWrite(options: CompilePipelineProjectOptions, env: string, outputFile: string): CompiledPipelineProject {
  const { workspaceRoot, projectName, projects } = options;
  const project = hasName(projects, projectName) ? projects[projectName] : undefined;
  if (!project) throw new PipelineCheckError([{ file: projectName, message: `unknown project "${projectName}".` }]);
  const pipelineFile = toPosix(join(project.root, PIPELINE_FILE));
  if (!existsSync(join(workspaceRoot, pipelineFile))) {
    throw new PipelineCheckError([{ file: pipelineFile, message: `"${projectName}" is not a pipeline project: it has no ${PIPELINE_FILE}.` }]);
  }
  const loader = new PipelineProjectLoader(options, env);
  const prepared = loader.load(projectName, []);
  if (loader.problems.length > 0 || !prepared) throw new PipelineCheckError(loader.problems);

  const compile = options.compile ?? compilePipeline;
  let compiled: CompiledPipeline;
  try {
    compiled = compile(prepared.input);
  } catch (error) {
    if (error instanceof IrCompileError) {
      throw new PipelineCheckError(error.problems.map((problem) => locate(problem, loader.sourceOf(problem.file) ?? prepared.source)));
    }
    throw error;
  }
  if (options.write !== false) writeFileAtomically(join(workspaceRoot, outputFile), compiled.yaml);
  const warnings = loader.warnings.map((warning) => `${warning.file}:${warning.line}:${warning.column}: ${warning.message}`);
  return {
    outputFile,
    yaml: compiled.yaml,
    documents: compiled.documents,
    contentHash: compiled.contentHash,
    componentImages: loader.componentImages,
    env,
    parameterDefaults: prepared.input.parameterDefaults ?? {},
    warnings,
  };
}

interface PreparedPipeline {
  input: PipelineCompileInput;
  source: YamlSource;
}

/**
 * Reads, checks and resolves a pipeline project and, depth first, every
 * pipeline project its tasks run (`pipeline:`), each once, as it would be
 * compiled on its own for the same environment (its parameter overrides, its
 * settings for its components). Problems of every file are collected; a
 * pipeline that runs itself, directly or through others, is reported at the
 * task that closes the cycle.
 */
class PipelineProjectLoader {
  readonly problems: PipelineProblem[] = [];
  readonly warnings: SpecWarning[] = [];
  /** Component name -> the image its tasks run, for components with a Dockerfile (the ones deploy builds). */
  readonly componentImages = new Map<string, string>();
  private readonly prepared = new Map<string, PreparedPipeline | null>();
  private readonly sources = new Map<string, YamlSource>();
  private pipelineProjectNames?: string[];

  constructor(
    private readonly options: CompilePipelineProjectOptions,
    private readonly env: string,
  ) {}

  sourceOf(file: string): YamlSource | undefined {
    return this.sources.get(file);
  }

  /** undefined when the project or one it runs has problems (in `problems`). */
  load(projectName: string, callers: readonly string[]): PreparedPipeline | undefined {
    if (this.prepared.has(projectName)) return this.prepared.get(projectName) ?? undefined;
    const { workspaceRoot, projects } = this.options;
    const root = projects[projectName].root;
    const pipelineFile = toPosix(join(root, PIPELINE_FILE));
    const problemsBefore = this.problems.length;
    const read = readPipeline(readFileSync(join(workspaceRoot, pipelineFile), 'utf8'), pipelineFile);
    this.sources.set(pipelineFile, read.source);
    this.problems.push(...read.problems);
    const definition = read.definition;

    const nested = this.loadNestedPipelines(projectName, definition, read.source, [...callers, projectName]);
    // each nested pipeline as its tasks see it, once: the checker and the compiler take the same interface
    const interfaces = new Map([...nested.inputs].map(([name, input]) => [name, pipelineInterface(input)]));
    const named = new Set(definition?.tasks.filter((task) => task.calls !== 'pipeline').map((task) => task.component) ?? []);
    const components = loadComponents(workspaceRoot, projects, named);
    this.problems.push(...components.problems);
    this.warnings.push(...components.warnings);
    if (definition) {
      this.problems.push(
        ...checkPipeline({
          definition,
          source: read.source,
          components: components.specs,
          brokenComponents: components.broken,
          componentNames: [...components.roots.keys()],
          pipelines: interfaces,
          brokenPipelines: nested.broken,
          pipelineNames: nested.asked ? this.pipelineProjects().filter((name) => name !== projectName) : [],
        }),
      );
    }
    const settingsFile = toPosix(join(root, PIPELINE_SETTINGS_FILE));
    const settingsToml = existsSync(join(workspaceRoot, settingsFile)) ? readFileSync(join(workspaceRoot, settingsFile), 'utf8') : undefined;
    const parameterDefaults = definition ? parameterOverrides(definition, settingsFile, settingsToml, this.env, workspaceRoot, this.problems) : {};
    if (!definition || this.problems.length > problemsBefore) {
      this.prepared.set(projectName, null);
      return undefined;
    }
    const resolved = resolveComponents(workspaceRoot, definition, components.specs, components.roots, this.problems, this.options.componentImages);
    for (const [name, component] of resolved) {
      if (existsSync(join(workspaceRoot, components.roots.get(name)!, 'Dockerfile'))) this.componentImages.set(name, component.image);
    }
    for (const [name, input] of nested.inputs) {
      resolved.set(name, { project: name, spec: interfaces.get(name)!, image: '', usesComponentRuntime: false, nested: input });
    }
    if (this.problems.length > problemsBefore) {
      this.prepared.set(projectName, null);
      return undefined;
    }
    const prepared: PreparedPipeline = {
      source: read.source,
      input: {
        // KFP's identity placeholders as explicit arguments, so its driver resolves them (runtime-placeholder-arguments.ts)
        pipeline: withRuntimePlaceholderArguments(definition, resolved),
        components: resolved,
        parameterDefaults,
        settingsEnv: this.env,
        // only what components read: deploy settings must not make new versions
        ...(settingsToml !== undefined ? { pipelineSettingsToml: componentSettingsToml(settingsToml) } : {}),
      },
    };
    this.prepared.set(projectName, prepared);
    return prepared;
  }

  /** The pipeline projects a definition's tasks run, loaded; those that cannot be (broken, or a cycle) in `broken`. */
  private loadNestedPipelines(
    projectName: string,
    definition: PipelineDefinition | undefined,
    source: YamlSource,
    chain: readonly string[],
  ): { inputs: Map<string, PipelineCompileInput>; broken: Set<string>; asked: boolean } {
    const inputs = new Map<string, PipelineCompileInput>();
    const broken = new Set<string>();
    const tasks = definition?.tasks.filter((task) => task.calls === 'pipeline' && task.component !== '') ?? [];
    for (const task of tasks) {
      const name = task.component;
      if (inputs.has(name) || !this.pipelineProjects().includes(name)) continue; // unknown: the checker says so
      if (chain.includes(name)) {
        const cycle = [...chain.slice(chain.indexOf(name)), name].map((project) => `"${project}"`).join(' -> ');
        const path = [...(task.yamlPath ?? ['tasks', task.name]), 'pipeline'];
        const { line, column } = source.positionOf(path);
        this.problems.push({
          file: definition!.file,
          line,
          column,
          task: task.name,
          field: 'pipeline',
          message: `runs pipeline "${name}", which runs ${name === projectName ? 'this task itself' : `"${projectName}"`}: ${cycle}. A pipeline cannot run itself, directly or through others.`,
        });
        broken.add(name);
        continue;
      }
      const loaded = this.load(name, chain);
      if (loaded) inputs.set(name, loaded.input);
      else broken.add(name);
    }
    return { inputs, broken, asked: tasks.length > 0 };
  }

  /** Projects with a pipeline.yaml at their root. */
  private pipelineProjects(): string[] {
    this.pipelineProjectNames ??= Object.entries(this.options.projects)
      .filter(([, project]) => existsSync(join(this.options.workspaceRoot, project.root, PIPELINE_FILE)))
      .map(([name]) => name);
    return this.pipelineProjectNames;
  }
}

/**
 * A pipeline as the task that runs it sees it, as kfp types a pipeline used
 * as a component: its parameters are inputs (optional where they have a
 * default, the environment's override counted), its `outputs:` are outputs,
 * typed as the outputs of the tasks they publish.
 */
export function pipelineInterface(input: PipelineCompileInput): ComponentSpec {
  const { pipeline, components, parameterDefaults = {} } = input;
  return {
    name: pipeline.name,
    ...(pipeline.description ? { description: pipeline.description } : {}),
    inputs: pipeline.parameters.map((parameter) => {
      const value = hasName(parameterDefaults, parameter.name) ? parameterDefaults[parameter.name] : parameter.default;
      return {
        name: parameter.name,
        type: parameter.type,
        ...(value !== undefined ? { default: typeof value === 'string' ? value : JSON.stringify(value), optional: true } : {}),
      };
    }),
    outputs: (pipeline.outputs ?? []).map((output) => {
      // a dsl.OneOf's entries all have one type (check-one-of.ts): the first one's
      const from = 'oneOf' in output ? output.oneOf[0] : output;
      const task = pipeline.tasks.find((candidate) => candidate.name === from.task);
      const spec = task && components.get(task.component)?.spec;
      const type = spec?.outputs.find((candidate) => candidate.name === from.output)?.type;
      return { name: output.name, ...(type !== undefined ? { type } : {}) };
    }),
    implementation: { container: { image: '' } },
  };
}

/**
 * [<env>.parameters] of the pipeline's config/settings.toml, checked against
 * the declared parameters. Only that file is read, never settings.local.toml
 * (it stays on its machine and outside the Nx cache) nor DYNACONF_* variables
 * (they cannot be cache inputs): the compiled file depends on committed files
 * and the environment name alone.
 */
function parameterOverrides(
  definition: PipelineDefinition,
  settingsFile: string,
  settingsToml: string | undefined,
  env: string,
  workspaceRoot: string,
  problems: PipelineProblem[],
): Record<string, unknown> {
  if (settingsToml === undefined) return {};
  let values: Record<string, unknown>;
  const scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-compile-'));
  try {
    // A copy alone in a folder: loadSettings would also read a settings.local.toml beside the original.
    const copy = join(scratch, 'settings.toml');
    writeFileSync(copy, settingsToml);
    values = loadSettings({ files: [copy], env, environ: {}, cwd: workspaceRoot }).values;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push({ file: settingsFile, message: error.message.split(toPosix(join(scratch, 'settings.toml'))).join(settingsFile) });
    return {};
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const overrides = readSetting(values, 'parameters');
  if (overrides === undefined) return {};
  const field = `[${env}.parameters]`;
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    problems.push({ file: settingsFile, field, message: 'must be a table of parameter name = value.' });
    return {};
  }
  const defaults = namedRecord<unknown>();
  for (const [name, value] of Object.entries(overrides as Record<string, unknown>)) {
    const parameter = definition.parameters.find((candidate) => candidate.name === name);
    if (!parameter) {
      const declared = definition.parameters.map((candidate) => candidate.name).join(', ') || '(none)';
      problems.push({ file: settingsFile, field: `${field} ${name}`, message: `overrides "${name}", which ${definition.file} does not declare; its parameters: ${declared}.` });
      continue;
    }
    if (isArtifactTypeName(parameter.type)) {
      problems.push({ file: settingsFile, field: `${field} ${name}`, message: `overrides "${name}", an artifact pipeline input (${parameter.type}); artifacts take no default, only parameters do.` });
      continue;
    }
    const problem = typeof value === 'bigint' ? `${value} is too large for a pipeline parameter.` : parameterValueProblem(value, parameter.type);
    if (problem) {
      problems.push({ file: settingsFile, field: `${field} ${name}`, message: `not a valid ${parameter.type}: ${problem}` });
      continue;
    }
    defaults[name] = value;
  }
  return defaults;
}

/**
 * The compiler's view of each component. The image is the one docker-build
 * recorded in dist/components/<name>/image.json for a component with a
 * Dockerfile, else the one component.yaml names (see component-images.ts).
 */
function resolveComponents(
  workspaceRoot: string,
  definition: PipelineDefinition,
  specs: ReadonlyMap<string, ResolvedComponent['spec']>,
  roots: ReadonlyMap<string, string>,
  problems: PipelineProblem[],
  images?: ReadonlyMap<string, string>,
): Map<string, ResolvedComponent> {
  const resolved = new Map<string, ResolvedComponent>();
  for (const task of definition.tasks) {
    if (task.calls === 'pipeline') continue;
    const spec = specs.get(task.component);
    const root = roots.get(task.component);
    if (!spec || root === undefined || resolved.has(task.component)) continue;
    resolved.set(task.component, {
      project: task.component,
      spec,
      image: images?.get(task.component) ?? componentImage({ workspaceRoot, componentName: task.component, componentRoot: root, declaredImage: spec.implementation.container.image, problems }),
      usesComponentRuntime: usesComponentRuntime(workspaceRoot, root),
    });
  }
  return resolved;
}

function usesComponentRuntime(workspaceRoot: string, componentRoot: string): boolean {
  const pyproject = join(componentRoot, 'pyproject.toml');
  if (!existsSync(join(workspaceRoot, pyproject))) return false;
  try {
    // By path (the workspace's own copy) or pinned from a package index (init --runtime=pinned).
    const project = readPyproject(workspaceRoot, pyproject);
    return project.localDependencies.some((root) => basename(root) === 'component-runtime') || project.dependencyNames.includes('component-runtime');
  } catch {
    return false;
  }
}

/** A compiler problem (task + dotted field) placed on the line of pipeline.yaml it is about. */
function locate(problem: { file: string; task?: string; field: string; message: string }, source: YamlSource): PipelineProblem {
  const fieldPath = problem.field.split('.').filter(Boolean);
  const path = problem.task !== undefined ? ['tasks', problem.task, ...fieldPath] : fieldPath;
  const { line, column } = source.positionOf(path);
  return { file: problem.file, line, column, ...(problem.task !== undefined ? { task: problem.task } : {}), field: problem.field, message: problem.message };
}

/** Temp file in the same folder, then rename: readers never see half a file. */
export function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}
