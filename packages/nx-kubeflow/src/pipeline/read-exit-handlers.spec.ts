import { formatProblem } from './pipeline-problems';
import { readPipeline } from './read-pipeline';

const FILE = 'pipelines/p/pipeline.yaml';

describe('readPipeline: exit handlers and ignore_upstream_failure', () => {
  it('reads an exit handler block: its exit task among the tasks, its body nested, ignore_upstream_failure on a task', () => {
    const { definition, problems } = readPipeline(
      `name: p
tasks:
  prepare: {component: step}
  watch:
    exit_task:
      notify: {component: notifier, arguments: {message: hi}}
    tasks:
      train: {component: step}
      gate:
        if: {left: {task: train, output: out}, operator: '==', right: ok}
        then:
          deploy: {component: step}
  tidy: {component: step, after: [prepare], ignore_upstream_failure: true}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(definition!.tasks.map((task) => task.name)).toEqual(['prepare', 'notify', 'train', 'deploy', 'tidy']);
    expect(definition!.tasks.find((task) => task.name === 'notify')!.yamlPath).toEqual(['tasks', 'watch', 'exit_task', 'notify']);
    expect(definition!.tasks.find((task) => task.name === 'tidy')!.ignore_upstream_failure).toBe(true);
    expect(definition!.body![1]).toEqual({
      kind: 'exit-handler',
      block: {
        name: 'watch',
        exitTask: 'notify',
        yamlPath: ['tasks', 'watch'],
        body: [{ kind: 'task', task: 'train' }, expect.objectContaining({ kind: 'condition' })],
      },
    });
  });

  it('refuses malformed exit handlers at their line and column, all at once', () => {
    const { problems } = readPipeline(
      `name: p
tasks:
  no-exit-task:
    tasks: {a: {component: step}}
    exit_task: {}
  two-exit-tasks:
    exit_task: {b: {component: step}, c: {component: step}}
    tasks: {d: {component: step}}
  empty:
    exit_task: {e: {component: step}}
    tasks: {}
  missing-tasks:
    exit_task: {f: {component: step}}
  reused:
    exit_task: {a: {component: step}}
    tasks: {g: {component: step}}
  gate:
    if: {left: {parameter: x}, operator: '==', right: 1}
    then:
      nested:
        exit_task: {h: {component: step}}
        tasks: {i: {component: step}}
  handler-as-exit:
    exit_task: {j: {if: {left: 1, operator: '==', right: {parameter: x}}, then: {k: {component: step}}}}
    tasks: {l: {component: step}, typo: 3}
    extra: 1
  m: {component: step, ignore_upstream_failure: 'yes'}
`,
      FILE,
    );
    expect(problems.map(formatProblem)).toEqual([
      'pipelines/p/pipeline.yaml:5:16: tasks.no-exit-task.exit_task: must be one task, {<name>: {component: ..., arguments: ...}}: the task that runs once the tasks below have ended, succeeded or failed.',
      'pipelines/p/pipeline.yaml:7:16: tasks.two-exit-tasks.exit_task: must be one task, {<name>: {component: ..., arguments: ...}}: the task that runs once the tasks below have ended, succeeded or failed.',
      'pipelines/p/pipeline.yaml:11:12: tasks.empty.tasks: needs tasks: a mapping of the tasks (and conditions) the exit task waits for, e.g. tasks: {train: {component: trainer}}.',
      'pipelines/p/pipeline.yaml:13:5: tasks.missing-tasks.tasks: needs tasks: a mapping of the tasks (and conditions) the exit task waits for, e.g. tasks: {train: {component: trainer}}.',
      'pipelines/p/pipeline.yaml:15:17: tasks.reused.exit_task.a: "a" is already the name of a task (tasks.no-exit-task.tasks.a): task and condition names are unique across the pipeline, nested ones included.',
      'pipelines/p/pipeline.yaml:20:7: tasks.gate.then.nested: an exit handler must be an entry of the top-level tasks: kfp allows dsl.ExitHandler only in the outermost scope of a pipeline, not inside a condition or another exit handler.',
      'pipelines/p/pipeline.yaml:26:5: tasks.handler-as-exit.extra: unknown key "extra" in an exit handler; allowed: exit_task, tasks, display_name.',
      'pipelines/p/pipeline.yaml:24:17: tasks.handler-as-exit.exit_task.j: an exit task is one task with a component, not a condition or an exit handler.',
      'pipelines/p/pipeline.yaml:25:41: task "typo": must be a mapping with at least component: <component project>.',
      'pipelines/p/pipeline.yaml:27:49: task "m", ignore_upstream_failure: must be true or false.',
    ]);
  });
});
