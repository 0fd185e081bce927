import type { ComponentSpec } from '../kfp/pipeline-model';
import { checkPipeline } from './check-pipeline';
import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

const component = (name: string, inputs: ComponentSpec['inputs'], outputs: ComponentSpec['outputs']): ComponentSpec => ({
  name,
  inputs,
  outputs,
  implementation: { container: { image: name } },
});

const COMPONENTS = new Map<string, ComponentSpec>([
  ['step', component('step', [{ name: 'text', type: 'String', default: '' }], [{ name: 'out', type: 'String' }])],
  ['strict', component('strict', [{ name: 'text', type: 'String' }], [{ name: 'out', type: 'String' }])],
  [
    'notifier',
    component(
      'notifier',
      [
        { name: 'message', type: 'String', default: 'done' },
        { name: 'status', type: 'PipelineTaskFinalStatus' },
      ],
      [],
    ),
  ],
]);

function check(text: string): string[] {
  const { definition, source, problems } = readPipeline(text, FILE);
  expect(problems.map(formatProblem)).toEqual([]);
  return checkPipeline({ definition: definition!, source, components: COMPONENTS }).map(formatProblem);
}

describe('checkPipeline: exit handlers, ignore_upstream_failure, PipelineTaskFinalStatus', () => {
  it('accepts an exit task with a final status input left to KFP, tasks of a handler using each other and outer tasks, and an exit task published as an output', () => {
    expect(
      check(`name: p
parameters:
  message: {type: String, default: hi}
tasks:
  prepare: {component: step}
  watch:
    exit_task:
      notify: {component: notifier, arguments: {message: {parameter: message}}}
    tasks:
      train: {component: step, arguments: {text: {task: prepare, output: out}}}
      gate:
        if: {left: {task: train, output: out}, operator: '==', right: ok}
        then:
          deploy: {component: step, arguments: {text: {task: train, output: out}}}
  report:
    component: notifier
    after: [prepare]
    ignore_upstream_failure: true
    arguments: {message: x}
outputs:
  prepared: {task: prepare, output: out}
`),
    ).toEqual([]);
  });

  it('refuses, all at once with positions, what kfp refuses', () => {
    expect(
      check(`name: p
tasks:
  prepare: {component: step}
  watch:
    exit_task:
      notify:
        component: notifier
        arguments: {message: {task: prepare, output: out}, status: {state: x}}
    tasks:
      train: {component: step}
  after-exit: {component: step, after: [notify]}
  outside: {component: step, arguments: {text: {task: train, output: out}}}
  misplaced: {component: notifier}
  two-upstreams:
    component: notifier
    arguments: {message: {task: prepare, output: out}}
    after: [outside]
    ignore_upstream_failure: true
  lonely: {component: notifier, arguments: {message: x}, ignore_upstream_failure: true}
  needs-default:
    component: strict
    arguments: {text: {task: prepare, output: out}}
    ignore_upstream_failure: true
  leaves-out: {component: step, after: [prepare], ignore_upstream_failure: true}
outputs:
  trained: {task: train, output: out}
`),
    ).toEqual([
      'pipelines/p/pipeline.yaml:8:37: task "notify", arguments.message: is the exit task of exit handler "watch", which cannot depend on another task (kfp: "exit_task cannot depend on any other tasks"): it runs once the handler\'s tasks have ended anyway; give it pipeline parameters or constants.',
      'pipelines/p/pipeline.yaml:8:60: task "notify", arguments.status: input "status" is a PipelineTaskFinalStatus: KFP fills it with the final status of the tasks this task waited for; remove the argument.',
      'pipelines/p/pipeline.yaml:11:41: task "after-exit", after[0]: task "notify" is the exit task of exit handler "watch": no task can depend on it (kfp cannot compile that).',
      'pipelines/p/pipeline.yaml:12:55: task "outside", arguments.text: task "train" is inside exit handler "watch" and this task is not: only tasks of that handler can use it (kfp refuses a dependency out of a dsl.ExitHandler).',
      'pipelines/p/pipeline.yaml:13:26: task "misplaced", component: component "notifier" takes a PipelineTaskFinalStatus (input "status"), which KFP gives only to an exit task (exit_task of an exit handler) or a task with ignore_upstream_failure: true (kfp refuses it elsewhere).',
      'pipelines/p/pipeline.yaml:18:30: task "two-upstreams", ignore_upstream_failure: with a PipelineTaskFinalStatus input, this task needs exactly one upstream task (through after or an argument) whose final status it gets; it has prepare, outside.',
      'pipelines/p/pipeline.yaml:19:83: task "lonely", ignore_upstream_failure: with a PipelineTaskFinalStatus input, this task needs exactly one upstream task (through after or an argument) whose final status it gets; it has none.',
      'pipelines/p/pipeline.yaml:22:23: task "needs-default", arguments.text: input "text" has no default, and with ignore_upstream_failure its upstream task may fail without producing it: give the input a default in component.yaml or wire another value (kfp refuses this).',
      'pipelines/p/pipeline.yaml:24:76: task "leaves-out", ignore_upstream_failure: kfp cannot compile ignore_upstream_failure on a task that leaves an input out (KeyError in kfp 2.17.3): give input "text" an argument (its default is "").',
      'pipelines/p/pipeline.yaml:26:19: outputs.trained.task: task "train" is inside exit handler "watch": a pipeline output must come from a task at the top level (kfp: "Pipeline outputs may only be returned from the top level of the pipeline function scope").',
    ]);
  });

  it('refuses a condition outside an exit handler comparing an output of a task inside it, or of an exit task', () => {
    expect(
      check(`name: p
tasks:
  watch:
    exit_task:
      notify: {component: step}
    tasks:
      train: {component: step}
      inner-gate:
        if: {left: {task: train, output: out}, operator: '==', right: ok}
        then: {deploy: {component: step}}
  gate:
    if: {left: {task: train, output: out}, operator: '==', right: ok}
    then: {late: {component: step}}
  other-gate:
    if: {left: done, operator: '==', right: {task: notify, output: out}}
    then: {later: {component: step}}
`),
    ).toEqual([
      'pipelines/p/pipeline.yaml:12:23: tasks.gate.if.left: task "train" is inside exit handler "watch" and this condition is not: only conditions in that handler can compare its outputs (kfp refuses a dependency out of a dsl.ExitHandler).',
      'pipelines/p/pipeline.yaml:15:52: tasks.other-gate.if.right: task "notify" is the exit task of exit handler "watch": no condition can depend on it (kfp cannot compile that).',
    ]);
  });

  it('refuses a final-status task whose one upstream sits in another DAG (kfp: same control flow scope)', () => {
    expect(
      check(`name: p
parameters:
  go: {type: Boolean, default: true}
tasks:
  prepare: {component: step}
  gate:
    if: {left: {parameter: go}, operator: '==', right: true}
    then:
      report: {component: notifier, arguments: {message: x}, after: [prepare], ignore_upstream_failure: true}
`),
    ).toEqual([
      'pipelines/p/pipeline.yaml:9:105: task "report", ignore_upstream_failure: with a PipelineTaskFinalStatus input, the one upstream task ("prepare") must be in the same condition branch or exit handler as this task (kfp: "must have exactly one dependent upstream task within the same control flow scope").',
    ]);
  });
});
