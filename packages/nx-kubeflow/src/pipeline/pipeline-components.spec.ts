import { componentNamesIn } from './pipeline-components';

describe('componentNamesIn (project graph, deploy images, settings checks)', () => {
  it('names the components of tasks at the top level and under condition branches, each once, in file order', () => {
    expect(
      componentNamesIn(`name: p
tasks:
  evaluate: {component: evaluator}
  gate:
    if: {left: {task: evaluate, output: accuracy}, operator: '>=', right: 0.9}
    then:
      deploy: {component: deployer}
      inner:
        if: {left: {task: evaluate, output: accuracy}, operator: '<', right: 1}
        then: {notify: {component: notifier}}
    elif:
      - if: {left: {task: evaluate, output: accuracy}, operator: '>=', right: 0.5}
        then: {review: {component: reviewer}}
      - broken
    else:
      discard: {component: evaluator}
      cleanup: {component: janitor}
`),
    ).toEqual(['evaluator', 'deployer', 'notifier', 'reviewer', 'janitor']);
  });

  it('names the components of tasks under loops, nested in loops and conditions', () => {
    expect(
      componentNamesIn(`name: p
tasks:
  per-fold:
    for_each: [1, 2]
    as: fold
    tasks:
      train: {component: trainer}
      inner:
        for_each: {parameter: seeds}
        as: seed
        tasks: {score: {component: scorer}}
      gate:
        if: {left: {task: train, output: accuracy}, operator: '>=', right: 0.9}
        then: {deploy: {component: deployer}}
  gated:
    if: {left: {parameter: mode}, operator: '==', right: full}
    then:
      again: {for_each: [3], as: n, tasks: {retrain: {component: retrainer}}}
  summary: {component: gatherer}
`),
    ).toEqual(['trainer', 'scorer', 'deployer', 'retrainer', 'gatherer']);
  });

  it('names the exit task and the tasks of an exit handler, and nothing for an importer', () => {
    expect(
      componentNamesIn(`name: p
tasks:
  watch:
    exit_task: {notify: {component: notifier}}
    tasks:
      data: {importer: {artifact_uri: gs://b/x, type: Dataset}}
      train: {component: trainer}
      gate:
        if: {left: {task: train, output: accuracy}, operator: '>=', right: 0.9}
        then: {deploy: {component: deployer}}
`),
    ).toEqual(['notifier', 'trainer', 'deployer']);
  });

  it('names nothing for a file that does not parse or has no tasks mapping', () => {
    expect(componentNamesIn('name: [')).toEqual([]);
    expect(componentNamesIn('name: p\ntasks: [a]\n')).toEqual([]);
  });
});
