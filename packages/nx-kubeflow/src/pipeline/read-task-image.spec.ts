/**
 * image: given at run time (kfp's set_container_image of a pipeline channel): the forms the reader takes, and
 * what it refuses at line:column, all at once. What needs the rest of the pipeline is check-task-images.spec.ts'.
 */
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';
import { imageText } from './read-task-image';

const FILE = 'pipelines/p/pipeline.yaml';

describe('a run-time image in pipeline.yaml', () => {
  it('reads a parameter, an upstream output and an enclosing loop item, beside a constant', () => {
    const { definition, problems } = readPipeline(
      `name: p
parameters:
  trainer_image: {type: String, default: python:3.12-slim}
tasks:
  pick: {component: picker}
  constant: {component: c, image: python:3.12-slim}
  from-parameter: {component: c, image: {parameter: trainer_image}}
  from-output: {component: c, image: {task: pick, output: image}}
  per-base:
    for_each: [python:3.11-slim, python:3.12-slim]
    as: base
    tasks:
      from-item: {component: c, image: {item: base}}
`,
      FILE,
    );
    expect(problems.map(formatProblem)).toEqual([]);
    const images = definition!.tasks.map((task) => task.image);
    expect(images).toEqual([
      undefined,
      'python:3.12-slim',
      { kind: 'parameter', parameter: 'trainer_image' },
      { kind: 'task-output', task: 'pick', output: 'image' },
      { kind: 'loop-item', item: 'base' },
    ]);
    // what a local process's warning names (deploy/task-modes.ts)
    expect(images.slice(1).map((image) => imageText(image!))).toEqual(['python:3.12-slim', '{parameter: trainer_image}', '{task: pick, output: image}', '{item: base}']);
  });

  it('refuses a field of an item, an item outside its loop, incomplete or mixed references and other keys, at their line and column', () => {
    const { problems } = readPipeline(
      `name: p
tasks:
  empty: {component: c, image: {}}
  no-name: {component: c, image: {parameter: ''}}
  mixed: {component: c, image: {parameter: p, task: t}}
  half: {component: c, image: {task: t}}
  numbered: {component: c, image: {task: t, output: 3}}
  outside: {component: c, image: {item: base}}
  per-config:
    for_each: [{img: 'python:3.12'}]
    as: config
    tasks:
      field: {component: c, image: {item: config, field: img}}
      other-key: {component: c, image: {item: config, tag: x}}
`,
      FILE,
    );
    expect(problems.map(formatProblem)).toEqual([
      `${FILE}:3:32: task "empty", image: must be a container image reference such as python:3.12-slim or ghcr.io/acme/trainer@sha256:<64 hex digits>, or a value the run gives: {parameter: p}, {task: t, output: o} or an enclosing loop's {item: x} (got {}).`,
      `${FILE}:4:46: task "no-name", image.parameter: needs parameter: the name of a String pipeline parameter.`,
      `${FILE}:5:47: task "mixed", image.task: unknown key "task" in an image parameter reference; allowed: parameter.`,
      `${FILE}:6:31: task "half", image.output: needs output: the name of its String output.`,
      `${FILE}:7:53: task "numbered", image.output: needs output: the name of its String output.`,
      `${FILE}:8:41: task "outside", image.item: "base" is no loop item here: this task is not inside a loop; {item: ...} is for tasks under a loop's tasks:.`,
      `${FILE}:13:58: task "field", image.field: kfp 2.17 compiles an image from a field of a loop item into a task input nothing feeds (the loop passes the item, not pipelinechannel--...-subvar-img), so the task could not start on KFP: loop over the images themselves ({item: config}), or have a task read the field and give the image as its output ({task: t, output: o}).`,
      `${FILE}:14:55: task "other-key", image.tag: unknown key "tag" in a loop item reference; allowed: item, field.`,
    ]);
  });
});
