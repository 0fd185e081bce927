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
