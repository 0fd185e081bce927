/**
 * dsl.OneOf ({one_of: [...]}) in a real run: pipeline.yaml through the real reader, checker and IR compiler
 * (held to kfp 2.17.3 by the differential fixture one_of), then the local runner with the sh-based
 * shell-lists component, importers and read-artifact: the reader takes the output of the branch that ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadComponentSpec } from '../kfp/component-spec';
import { compilePipeline } from '../kfp/ir-compiler';
import type { ComponentSpec, ResolvedComponent } from '../kfp/pipeline-model';
import { checkPipeline } from '../pipeline/check-pipeline';
import { formatProblem } from '../pipeline/pipeline-problems';
import { readPipeline } from '../pipeline/read-pipeline';
import { FIXTURES_DIR, fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import type { IrDocuments } from './ir-reader';
import { runPipeline } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(90_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-one-of-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const PROJECTS = ['shell-lists', 'read-artifact'];

function compile(text: string): IrDocuments {
  const { definition, source, problems } = readPipeline(text, 'one-of/pipeline.yaml');
  const specs = new Map<string, ComponentSpec>(PROJECTS.map((project) => [project, loadComponentSpec(join(FIXTURES_DIR, project, 'component.yaml'))]));
  expect(problems.map(formatProblem)).toEqual([]);
  expect(checkPipeline({ definition: definition!, source, components: specs }).map(formatProblem)).toEqual([]);
  const components = new Map<string, ResolvedComponent>([...specs].map(([project, spec]) => [project, { project, spec, image: spec.implementation.container.image, usesComponentRuntime: false }]));
  return { pipelineSpec: compilePipeline({ pipeline: definition!, components }).documents[0] };
}

async function run(text: string, tasks: Record<string, string>, parameters: Record<string, unknown> = {}) {
  const runId = `run-${++runs}`;
  const result = await runPipeline({
    ir: compile(text),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'one-of',
    parameters,
    tasks: Object.fromEntries(Object.entries(tasks).map(([task, project]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(project) }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', runId),
    parallel: 4,
  });
  const record: RunRecordData = JSON.parse(readFileSync(result.recordFile, 'utf8'));
  const states = Object.fromEntries(record.tasks.map((task) => [task.name, task.state]));
  const values = Object.fromEntries(record.tasks.filter((task) => task.state === 'SUCCEEDED').map((task) => [task.name, task.outputs.parameters.value ?? task.outputs.parameters.text]));
  return { result, record, states, values };
}

const ONE_OF = '{one_of: [{task: big, output: value}, {task: middle, output: value}, {task: small, output: value}]}';
const PIPELINE = `
name: one-of
parameters:
  n: {type: Integer, default: 5}
tasks:
  gate:
    if: {left: {parameter: n}, operator: '>', right: 10}
    then:
      big: {component: shell-lists, arguments: {script: 'test "$2" -ne 99 || exit 3; echo $(( $2 * 100 )) > "$1"', number: {parameter: n}}}
    elif:
      - if: {left: {parameter: n}, operator: '>', right: 3}
        then:
          middle: {component: shell-lists, arguments: {script: 'echo $(( $2 * 10 )) > "$1"', number: {parameter: n}}}
    else:
      small: {component: shell-lists, arguments: {script: 'echo "$2" > "$1"', number: {parameter: n}}}
  use: {component: shell-lists, arguments: {script: 'echo $(( $2 + 1 )) > "$1"', number: ${ONE_OF}}}
  after-use: {component: shell-lists, arguments: {script: 'echo 0 > "$1"'}, after: [use]}
  per-item:
    for_each: [[1], [2]]
    as: i
    tasks:
      inside: {component: shell-lists, arguments: {script: 'echo $(( $2 + $(echo "$3" | tr -d "[] ") )) > "$1"', number: ${ONE_OF}, numbers: {item: i}}}
outputs:
  chosen: ${ONE_OF}
`;
const TASKS = Object.fromEntries(['big', 'middle', 'small', 'use', 'after-use', 'inside'].map((task) => [task, 'shell-lists']));

describe('runPipeline: one_of (dsl.OneOf)', () => {
  it('hands on the output of the branch that ran, to a task beside the block, to tasks in a loop and as a pipeline output', async () => {
    for (const [n, branch, value] of [[5, 'middle', 50], [1, 'small', 1], [12, 'big', 1200]] as const) {
      const { result, record, states, values } = await run(PIPELINE, TASKS, { n });
      expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
      expect(Object.fromEntries(['big', 'middle', 'small'].map((task) => [task, states[task]]))).toEqual(
        Object.fromEntries(['big', 'middle', 'small'].map((task) => [task, task === branch ? 'SUCCEEDED' : 'SKIPPED'])),
      );
      expect(values).toMatchObject({ use: value + 1, 'for-loop-6-iteration-0/inside': value + 1, 'for-loop-6-iteration-1/inside': value + 2 });
      expect(record.outputs!.parameters).toEqual({ chosen: value });
    }
  });

  it('skips what reads the output when the branch that ran failed, naming that task', async () => {
    const { result, record, states } = await run(PIPELINE, TASKS, { n: 99 });
    expect(result.state).toBe('FAILED');
    expect(states).toMatchObject({ big: 'FAILED', middle: 'SKIPPED', small: 'SKIPPED', use: 'SKIPPED', 'after-use': 'SKIPPED', 'for-loop-6-iteration-0/inside': 'SKIPPED', 'for-loop-6-iteration-1/inside': 'SKIPPED' });
    const use = record.tasks.find((task) => task.name === 'use')!;
    expect(use.error).toBe('upstream task "big" did not succeed (the branch of "condition-branches-1" that ran; its output is this task\'s dsl.OneOf input)');
    expect(record.outputs?.parameters ?? {}).toEqual({});
  });

  it('takes the artifact of the branch that ran, inside a loop per iteration', async () => {
    const data = join(FIXTURES_DIR, 'imported', 'data.txt');
    const text = `
name: one-of
tasks:
  per-size:
    for_each: [1, 5]
    as: size
    tasks:
      pick:
        if: {left: {item: size}, operator: '<', right: 3}
        then:
          by-path: {importer: {artifact_uri: '${relative(WORKSPACE_ROOT, data)}', type: Dataset}}
        else:
          by-uri: {importer: {artifact_uri: '${pathToFileURL(data).href}', type: Dataset}}
      read: {component: read-artifact, arguments: {source: {one_of: [{task: by-path, output: artifact}, {task: by-uri, output: artifact}]}}}
`;
    const { result, record, states, values } = await run(text, { read: 'read-artifact' });
    expect([result.state, record.error]).toEqual(['SUCCEEDED', undefined]);
    expect(states).toEqual({
      'for-loop-2-iteration-0/by-path': 'SUCCEEDED',
      'for-loop-2-iteration-0/by-uri': 'SKIPPED',
      'for-loop-2-iteration-0/read': 'SUCCEEDED',
      'for-loop-2-iteration-1/by-path': 'SKIPPED',
      'for-loop-2-iteration-1/by-uri': 'SUCCEEDED',
      'for-loop-2-iteration-1/read': 'SUCCEEDED',
    });
    const text0 = readFileSync(data, 'utf8');
    expect(values).toEqual({ 'for-loop-2-iteration-0/read': text0, 'for-loop-2-iteration-1/read': text0 });
  });
});
