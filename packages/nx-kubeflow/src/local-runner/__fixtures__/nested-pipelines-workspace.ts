/**
 * A workspace of pipelines that run pipelines, over the fixture components
 * shell-output, shell-lists (sh) and append-text (Python), compiled by
 * compile's own code (compilePipelineProject, which reads the nested
 * pipelines as it does for `nx run <pipeline>:compile`): the local runner's
 * nested pipeline specs run it (runNestedWorkspace), as they stand or with
 * pipelines of their own in place of outer, prepare or scale.
 *
 * outer runs `prepare` (which runs `scale`: two levels), gets a parameter
 * and an artifact out of it, runs `scale` in each iteration of a loop (its
 * values collected), under a condition, and inside an exit handler.
 *
 * The kfp.local specs write workspaces of their own pipelines over the
 * lightweight Python components (writeKfpLocalWorkspace) and run each IR
 * under kfp.local and this runner alike (runUnderBoth); whether they can
 * (the kfp venv) stays theirs to decide.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { localTaskModes } from '../../deploy/task-modes';
import { compilePipelineProject } from '../../pipeline/compile-pipeline-project';
import { runPipeline, type RunEvent, type RunResult } from '../run-pipeline';
import type { RunRecordData } from '../run-record';
import { FIXTURES_DIR } from './fixture-pipeline';
import { kfpSubprocessPython, runKfpLocalSubprocess, runnerEnv } from './kfp-local-subprocess';

export const SCALE_PIPELINE = `name: scale
description: The innermost pipeline - doubles a number (failing on 13), writes a note
parameters:
  number: {type: Integer}
  label: {type: String, default: scaled}
tasks:
  double:
    component: shell-output
    arguments: {script: 'test "$2" -ne 13 || { echo "13 is unlucky" >&2; exit 4; }; echo $(( $2 * 2 )) > "$1"', number: {parameter: number}}
  note:
    component: append-text
    arguments: {text: {parameter: label}}
    caching: false   # the same label in several instances: each writes its own
outputs:
  value: {task: double, output: value}
  note: {task: note, output: result}
`;

export const PREPARE_PIPELINE = `name: prepare
description: Runs scale on its seed plus one; annotates the dataset it is given
parameters:
  seed: {type: Integer, default: 5}
  source: {type: Dataset}
tasks:
  plus-one:
    component: shell-output
    arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: {parameter: seed}}
  scaled:
    pipeline: scale
    arguments: {number: {task: plus-one, output: value}}
  annotate:
    component: append-text
    arguments: {text: inner, source: {parameter: source}}
outputs:
  value: {task: scaled, output: value}
  text: {task: annotate, output: result}
`;

export const OUTER_PIPELINE = `name: outer
description: Pipelines as tasks - two levels deep, in a loop, under a condition and in an exit handler
parameters:
  seed: {type: Integer, default: 5}
  counts: {type: JsonArray, default: [1, 2, 3]}
  guard: {type: Integer, default: 4}
tasks:
  start:
    component: append-text
    arguments: {text: start}
  prepare:
    pipeline: prepare
    arguments: {seed: {parameter: seed}, source: {task: start, output: result}}
  use:
    component: shell-output
    arguments: {script: 'echo $(( $2 + 100 )) > "$1"', number: {task: prepare, output: value}}
  show:
    component: append-text
    arguments: {text: end, source: {task: prepare, output: text}}
  tidy:
    component: shell-output
    arguments: {script: 'echo "$2" > "$1"', number: {task: prepare, output: value}}
    ignore_upstream_failure: true
  per-count:
    for_each: {parameter: counts}
    as: n
    parallelism: 2
    tasks:
      scale-each:
        pipeline: scale
        arguments: {number: {item: n}}
  total:
    component: shell-lists
    arguments:
      script: 'echo "$3" | tr -d "[] " | tr "," "\\n" | awk "{s+=\\$1} END {print s}" > "$1"'
      numbers: {collect: {task: scale-each, output: value}}
  big-enough:
    if: {left: {task: use, output: value}, operator: '>', right: 110}
    then:
      big:
        pipeline: scale
        arguments: {number: 50, label: big}
    else:
      small:
        pipeline: scale
        arguments: {number: 0, label: small}
  watch:
    exit_task:
      report: {component: shell-output, arguments: {script: 'echo 1 > "$1"'}}
    tasks:
      guarded:
        pipeline: scale
        arguments: {number: {parameter: guard}}
outputs:
  value: {task: prepare, output: value}
  text: {task: prepare, output: text}
`;

/** The component of each task the local runner runs, by the name it gives it. */
export const NESTED_TASKS: Record<string, string> = {
  start: 'append-text',
  'prepare/plus-one': 'shell-output',
  'prepare/scaled/double': 'shell-output',
  'prepare/scaled/note': 'append-text',
  'prepare/annotate': 'append-text',
  use: 'shell-output',
  show: 'append-text',
  tidy: 'shell-output',
  'scale-each/double': 'shell-output',
  'scale-each/note': 'append-text',
  total: 'shell-lists',
  'big/double': 'shell-output',
  'big/note': 'append-text',
  'small/double': 'shell-output',
  'small/note': 'append-text',
  'guarded/double': 'shell-output',
  'guarded/note': 'append-text',
  report: 'shell-output',
};

export const NESTED_PROJECTS = {
  outer: { root: 'pipelines/outer' },
  prepare: { root: 'pipelines/prepare' },
  scale: { root: 'pipelines/scale' },
  'shell-output': { root: 'components/shell-output' },
  'shell-lists': { root: 'components/shell-lists' },
  'append-text': { root: 'components/append-text' },
};

/** Where a workspace's projects are, as compile and deploy take them. */
export type WorkspaceProjects = Record<string, { root: string }>;

/**
 * Writes a workspace under `root`: each fixture component's `files` copied into components/<name>
 * with a Dockerfile (a project of its own), each pipeline's text to pipelines/<name>/pipeline.yaml.
 * Its projects, pipelines first.
 */
export function writePipelineWorkspace(root: string, layout: { components: Record<string, string[]>; pipelines: Record<string, string> }): WorkspaceProjects {
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const [component, files] of Object.entries(layout.components)) {
    for (const file of files) {
      mkdirSync(join(root, 'components', component), { recursive: true });
      copyFileSync(join(FIXTURES_DIR, component, file), join(root, 'components', component, file));
    }
    write(`components/${component}/Dockerfile`, 'FROM scratch\n');
  }
  for (const [pipeline, text] of Object.entries(layout.pipelines)) write(`pipelines/${pipeline}/pipeline.yaml`, text);
  return {
    ...Object.fromEntries(Object.keys(layout.pipelines).map((pipeline) => [pipeline, { root: `pipelines/${pipeline}` }])),
    ...Object.fromEntries(Object.keys(layout.components).map((component) => [component, { root: `components/${component}` }])),
  };
}

/** The IR compile writes for `pipeline`, as text, saved to `irFile`. */
export function compileWorkspacePipeline(root: string, pipeline: string, projects: WorkspaceProjects, irFile: string): string {
  const { yaml } = compilePipelineProject({ workspaceRoot: root, projectName: pipeline, projects, write: false, environ: {} });
  mkdirSync(dirname(irFile), { recursive: true });
  writeFileSync(irFile, yaml);
  return yaml;
}

/**
 * Runs `pipeline` (its IR in `irFile`) with the local runner, its tasks in the run modes deploy gives
 * them: the run in <root>/runs/<runId>, its cache in <root>/cache/<runId> unless one is given.
 */
export function runWorkspacePipeline(options: {
  root: string;
  projects: WorkspaceProjects;
  pipeline: string;
  irFile: string;
  runId: string;
  parameters: Record<string, unknown>;
  cacheDir?: string;
  parallel?: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}): Promise<RunResult> {
  const { root, projects, pipeline, runId } = options;
  return runPipeline({
    ir: { irFile: options.irFile },
    runDir: join(root, 'runs', runId),
    runId,
    pipelineName: pipeline,
    parameters: options.parameters,
    tasks: localTaskModes({ workspaceRoot: root, pipelineRoot: projects[pipeline].root, projects }),
    workspaceRoot: root,
    cacheDir: options.cacheDir ?? join(root, 'cache', runId),
    parallel: options.parallel,
    env: options.env,
    signal: options.signal,
    onEvent: options.onEvent,
  });
}

/** Writes the workspace under `root` (the fixture components copied in, as projects of their own); `pipelines` replace the ones named. */
export function writeNestedWorkspace(root: string, pipelines: { outer?: string; prepare?: string; scale?: string } = {}): void {
  writePipelineWorkspace(root, {
    components: { 'shell-output': ['component.yaml'], 'shell-lists': ['component.yaml'], 'append-text': ['component.yaml', 'run.py'] },
    pipelines: { scale: pipelines.scale ?? SCALE_PIPELINE, prepare: pipelines.prepare ?? PREPARE_PIPELINE, outer: pipelines.outer ?? OUTER_PIPELINE },
  });
}

/** The IR compile writes for `outer`, as text, saved to `irFile`. */
export function compileNestedWorkspace(root: string, irFile: string): string {
  return compileWorkspacePipeline(root, 'outer', NESTED_PROJECTS, irFile);
}

/** Run ids in order, one a run: a spec may run twice in one workspace (a shared cache). */
let nestedRuns = 0;

/**
 * Writes the nested workspace under `root` (`pipelines` replacing the ones named), compiles `outer` to
 * dist/outer/pipeline.yaml and runs it with the local runner, two tasks at a time: the run, its
 * record as written, and its tasks' states by name.
 */
export async function runNestedWorkspace(
  root: string,
  parameters: Record<string, unknown>,
  options: { pipelines?: { outer?: string; prepare?: string; scale?: string }; cacheDir?: string; signal?: AbortSignal; onEvent?: (event: RunEvent) => void } = {},
) {
  writeNestedWorkspace(root, options.pipelines);
  const irFile = join(root, 'dist/outer/pipeline.yaml');
  compileNestedWorkspace(root, irFile);
  const result = await runWorkspacePipeline({
    root,
    projects: NESTED_PROJECTS,
    pipeline: 'outer',
    irFile,
    runId: `run-${++nestedRuns}`,
    parameters,
    cacheDir: options.cacheDir,
    parallel: 2,
    signal: options.signal,
    onEvent: options.onEvent,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const states = Object.fromEntries(record.tasks.map((task) => [task.name, task.state]));
  return { result, record, states, irFile };
}

/**
 * Writes a workspace of the lightweight Python components (py-double, py-note, py-total: kfp.local's
 * SubprocessRunner runs nothing else) and `pipelines` under `scratch`, and compiles each of `compile`
 * to <scratch>/<pipeline>.yaml: the projects, and each compiled IR's pipeline spec by pipeline.
 */
export function writeKfpLocalWorkspace(scratch: string, layout: { components: string[]; pipelines: Record<string, string>; compile: string[] }) {
  const projects = writePipelineWorkspace(scratch, {
    components: Object.fromEntries(layout.components.map((component) => [component, ['component.yaml']])),
    pipelines: layout.pipelines,
  });
  const specs = new Map<string, Record<string, any>>();
  for (const pipeline of layout.compile) {
    specs.set(pipeline, parseAllDocuments(compileWorkspacePipeline(scratch, pipeline, projects, kfpLocalIrFile(scratch, pipeline)))[0].toJS());
  }
  return { projects, specs };
}

export const kfpLocalIrFile = (scratch: string, pipeline: string) => join(scratch, `${pipeline}.yaml`);

/**
 * Runs `pipeline`'s IR (compiled by writeKfpLocalWorkspace) under kfp.local's SubprocessRunner and with
 * this runner, its `python3` the kfp venv's: kfp.local's process and result, and this runner's run.
 */
export async function runUnderBoth(options: {
  kfp: ReturnType<typeof kfpSubprocessPython>;
  scratch: string;
  projects: WorkspaceProjects;
  pipeline: string;
  name: string;
  parameters: Record<string, unknown>;
}) {
  const { kfp, scratch, pipeline, name, parameters } = options;
  if (!kfp.ok) throw new Error('no kfp venv');
  const irFile = kfpLocalIrFile(scratch, pipeline);
  const { result: kfpLocal, ...theirs } = await runKfpLocalSubprocess({ python: kfp.python, irFile, scratch, name, parameters });
  const ours = await runWorkspacePipeline({ root: scratch, projects: options.projects, pipeline, irFile, runId: name, parameters, env: runnerEnv(kfp.python, scratch) });
  return { theirs, kfpLocal, ours };
}
