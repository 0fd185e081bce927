/**
 * A workspace of pipelines that run pipelines, over the fixture components
 * shell-output, shell-lists (sh) and append-text (Python), compiled by
 * compile's own code (compilePipelineProject, which reads the nested
 * pipelines as it does for `nx run <pipeline>:compile`): the nested pipeline
 * specs run it here and under kfp.local.
 *
 * outer runs `prepare` (which runs `scale`: two levels), gets a parameter
 * and an artifact out of it, runs `scale` in each iteration of a loop (its
 * values collected), under a condition, and inside an exit handler.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compilePipelineProject } from '../../pipeline/compile-pipeline-project';
import { FIXTURES_DIR } from './fixture-pipeline';

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

/** Writes the workspace under `root` (the fixture components copied in, as projects of their own); `image` replaces their images. */
export function writeNestedWorkspace(root: string, pipelines: { outer?: string; prepare?: string; scale?: string } = {}): void {
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const [component, files] of Object.entries({ 'shell-output': ['component.yaml'], 'shell-lists': ['component.yaml'], 'append-text': ['component.yaml', 'run.py'] })) {
    for (const file of files) {
      mkdirSync(join(root, 'components', component), { recursive: true });
      copyFileSync(join(FIXTURES_DIR, component, file), join(root, 'components', component, file));
    }
    write(`components/${component}/Dockerfile`, 'FROM scratch\n');
  }
  write('pipelines/scale/pipeline.yaml', pipelines.scale ?? SCALE_PIPELINE);
  write('pipelines/prepare/pipeline.yaml', pipelines.prepare ?? PREPARE_PIPELINE);
  write('pipelines/outer/pipeline.yaml', pipelines.outer ?? OUTER_PIPELINE);
}

/** The IR compile writes for `outer`, as text, saved to `irFile`. */
export function compileNestedWorkspace(root: string, irFile: string): string {
  const { yaml } = compilePipelineProject({ workspaceRoot: root, projectName: 'outer', projects: NESTED_PROJECTS, write: false, environ: {} });
  mkdirSync(dirname(irFile), { recursive: true });
  writeFileSync(irFile, yaml);
  return yaml;
}
