/**
 * A run-time image against the rest of the pipeline: a String value (KFP's driver takes the image as text), from
 * where kfp lets the task depend on it, and no component input kfp would overwrite with it. kfp 2.17.3 refuses the
 * same dependencies (InvalidTopologyException out of a condition or a loop; a cycle); the types it lets through would
 * start the pod with an empty image, or (an artifact) with the channel's own text.
 */
import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

const component = (name: string, inputs: ComponentSpec['inputs'], outputs: ComponentSpec['outputs']): ComponentSpec => ({ name, inputs, outputs, implementation: { container: { image: name } } });

const COMPONENTS = new Map<string, ComponentSpec>([
  ['picker', component('picker', [], [{ name: 'image', type: 'String' }, { name: 'count', type: 'Integer' }, { name: 'model', type: 'Model' }, { name: 'images', type: 'JsonArray' }])],
  ['c', component('c', [{ name: 'x', type: 'String', optional: true }], [])],
  ['based', component('based', [{ name: 'base_image', type: 'String', default: 'python:3.12' }], [])],
]);

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  expect(problems.map(formatProblem)).toEqual([]);
  return checkPipeline({ definition: definition!, source, components: COMPONENTS }).map(formatProblem);
}

describe('a run-time image, checked against the pipeline', () => {
  it('takes a String parameter, a String output from where the task may depend on it, and the items of a loop of images', () => {
    expect(
      check(`name: p
parameters:
  trainer_image: {type: String, default: python:3.12-slim}
  images: {type: JsonArray, default: [python:3.11]}
  rounds: {type: Integer, default: 2}
tasks:
  pick: {component: picker}
  from-parameter: {component: c, image: {parameter: trainer_image}}
  from-output: {component: c, image: {task: pick, output: image}}
  gate:
    if: {left: {parameter: rounds}, operator: '>', right: 1}
    then:
      inner-pick: {component: picker}
      in-gate: {component: c, image: {task: pick, output: image}}
      beside-producer: {component: c, image: {task: inner-pick, output: image}}
  per-base:
    for_each: [python:3.11-slim, 'ghcr.io/acme/trainer@sha256:${'a'.repeat(64)}']
    as: base
    tasks:
      from-item: {component: c, image: {item: base}}
      looped-pick: {component: picker}
      from-looped: {component: c, image: {task: looped-pick, output: image}}
  per-listed:
    for_each: {parameter: images}
    as: listed
    tasks:
      from-listed: {component: c, image: {item: listed}}
`),
    ).toEqual([]);
  });

  it('refuses what kfp or KFP would refuse or mis-run, all at once at line and column', () => {
    expect(
      check(`name: p
parameters:
  rounds: {type: Integer, default: 2}
  data: {type: Dataset}
  named: {type: String, default: Trainer}
tasks:
  pick: {component: picker, image: {parameter: named}}
  unknown-parameter: {component: c, image: {parameter: trainer_image}}
  integer-parameter: {component: c, image: {parameter: rounds}}
  artifact-parameter: {component: c, image: {parameter: data}}
  unknown-task: {component: c, image: {task: pikc, output: image}}
  unknown-output: {component: c, image: {task: pick, output: img}}
  integer-output: {component: c, image: {task: pick, output: count}}
  artifact-output: {component: c, image: {task: pick, output: model}}
  clobbered: {component: based, image: {task: pick, output: image}}
  gate:
    if: {left: {parameter: rounds}, operator: '>', right: 1}
    then:
      gated-pick: {component: picker}
  after-gate: {component: c, image: {task: gated-pick, output: image}}
  per-round:
    for_each: [1, 2]
    as: round
    tasks:
      looped-pick: {component: picker}
      from-number: {component: c, image: {item: round}}
  after-loop: {component: c, image: {task: looped-pick, output: image}}
  per-name:
    for_each: [python:3.12, Python:3.12]
    as: name
    tasks:
      from-bad-name: {component: c, image: {item: name}}
  first: {component: picker, image: {task: second, output: image}}
  second: {component: picker, image: {task: first, output: image}}
`),
    ).toEqual([
      `${FILE}:33:44: task "first", image.task: cycle: first -> second -> first (each task waits for the next, through data or after).`,
      `${FILE}:20:44: task "after-gate", image.task: task "gated-pick" is inside condition "gate (branch 1)" and this task is not: only tasks in that branch can use it (kfp refuses a dependency into a condition from outside).`,
      `${FILE}:7:48: task "pick", image.parameter: pipeline parameter "named" gives this task its image, and its default "Trainer" is not an image reference a node can pull: [registry/]path[:tag][@sha256:digest], the path in lowercase letters, digits and single separators (".", "_", "__", "-"), a tag of at most 128 letters, digits, "_", "." and "-", e.g. ghcr.io/acme/trainer:1.4.`,
      `${FILE}:8:56: task "unknown-parameter", image.parameter: unknown pipeline parameter "trainer_image"; declared parameters: rounds, data, named.`,
      `${FILE}:9:56: task "integer-parameter", image.parameter: pipeline parameter "rounds" is Integer: KFP's driver takes the image as text, and a value of another type starts the pod with an empty image; an image is a String parameter.`,
      `${FILE}:10:57: task "artifact-parameter", image.parameter: pipeline parameter "data" is an artifact input (Dataset), which kfp cannot make an image of; an image is a String parameter.`,
      `${FILE}:11:46: task "unknown-task", image.task: unknown task "pikc"; tasks in this pipeline: pick, unknown-parameter, integer-parameter, artifact-parameter, unknown-task, unknown-output, integer-output, artifact-output, clobbered, gated-pick, after-gate, looped-pick, from-number, after-loop, from-bad-name, first, second.`,
      `${FILE}:12:62: task "unknown-output", image.output: unknown output "img" of task "pick"; its outputs: image, count, model, images.`,
      `${FILE}:13:62: task "integer-output", image.output: output "pick.count" is Integer: KFP's driver takes the image as text, and a value of another type starts the pod with an empty image; an image is a String output.`,
      `${FILE}:14:63: task "artifact-output", image.output: output "pick.model" is an artifact (system.Model), which kfp cannot make an image of (it writes the channel's own text as the image); an image is a String output.`,
      `${FILE}:15:40: task "clobbered", image: component "based" has an input "base_image", and kfp sets a task input named base_image to a run-time image (set_container_image), in place of that input's argument: rename the input in its component.yaml, or give the image as a constant.`,
      `${FILE}:26:49: task "from-number", image.item: item 1 of loop "per-round" is 1, not text: an image is a reference such as python:3.12-slim (KFP's driver would start the pod with an empty image).`,
      `${FILE}:26:49: task "from-number", image.item: item 2 of loop "per-round" is 2, not text: an image is a reference such as python:3.12-slim (KFP's driver would start the pod with an empty image).`,
      `${FILE}:27:44: task "after-loop", image.task: task "looped-pick" runs once per item of loop "per-round", which this task is outside of: there is no single image to take; move this task into the loop, or give it the image of a task outside it.`,
      `${FILE}:32:51: task "from-bad-name", image.item: item 2 of loop "per-name": "Python:3.12" is not an image reference a node can pull: [registry/]path[:tag][@sha256:digest], the path in lowercase letters, digits and single separators (".", "_", "__", "-"), a tag of at most 128 letters, digits, "_", "." and "-", e.g. ghcr.io/acme/trainer:1.4.`,
    ]);
  });

  it('refuses a task that takes its image from its own output (kfp fails to compile it)', () => {
    expect(check(`name: p\ntasks:\n  pick: {component: picker, image: {task: pick, output: image}}\n`)).toEqual([
      `${FILE}:3:43: task "pick", image.task: cycle: pick -> pick (each task waits for the next, through data or after).`,
    ]);
  });

  it('refuses an exit task that takes its image from a task, and a task outside an exit handler that takes it from one inside (kfp refuses both)', () => {
    expect(
      check(`name: p
tasks:
  watch:
    exit_task:
      notify: {component: c, image: {task: inside, output: image}}
    tasks:
      inside: {component: picker}
  outside: {component: c, image: {task: inside, output: image}}
`),
    ).toEqual([
      `${FILE}:5:44: task "notify", image.task: is the exit task of exit handler "watch", which cannot depend on another task (kfp: "exit_task cannot depend on any other tasks"): it runs once the handler's tasks have ended anyway; give it pipeline parameters or constants.`,
      `${FILE}:8:41: task "outside", image.task: task "inside" is inside exit handler "watch" and this task is not: only tasks of that handler can use it (kfp refuses a dependency out of a dsl.ExitHandler).`,
    ]);
  });

  it('refuses an outer item read deeper than kfp hands it down, as for an argument', () => {
    expect(
      check(`name: p
parameters:
  configs: {type: JsonArray, default: [{images: [python:3.12]}]}
  rounds: {type: Integer, default: 2}
tasks:
  per-config:
    for_each: {parameter: configs}
    as: config
    tasks:
      per-image:
        for_each: {item: config, field: images}
        as: img
        tasks:
          gate:
            if: {left: {parameter: rounds}, operator: '>', right: 1}
            then:
              deep: {component: c, image: {item: config}}
`),
    ).toEqual([
      `${FILE}:17:50: task "deep", image.item: kfp 2.17 passes the item of loop "per-config" into loop "per-image" (which iterates over it) and no deeper, so a task takes its image from {item: config} only directly under loop "per-image"'s tasks: (an if without elif/else), or pass the value on as a task output.`,
    ]);
  });
});
