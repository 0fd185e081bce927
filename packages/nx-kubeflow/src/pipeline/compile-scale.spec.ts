/**
 * Compile and the local runner's IR reader must grow linearly with the
 * pipeline (issue 15's scale goal: tools/bench/scale.mjs times them at 1,000
 * tasks and 200 iterations). Checked without timing: the operations each does
 * (testing/operation-count.ts) at N and 2N. Linear work doubles; a lookup that
 * scans the task list per task (as `pipeline.tasks.find` per argument, or a
 * Set of every executor label made per task, once did) quadruples it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readIr } from '../local-runner/ir-reader';
import { countOperations } from '../testing/operation-count';
import { compilePipelineProject } from './compile-pipeline-project';

const COMPONENT = `name: step
inputs:
- {name: value, type: Integer, default: '0'}
outputs:
- {name: result, type: Integer}
implementation:
  container:
    image: step
    command: [python, run.py]
    args: [--value, {inputValue: value}, --result, {outputPath: result}]
`;

/** Task i takes the output of task (i-1)/2; every fourth also runs after task i-1. */
function treePipeline(count: number) {
  const tasks: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    tasks[`t${i}`] = {
      component: 'step',
      caching: false,
      ...(i > 0 ? { arguments: { value: { task: `t${(i - 1) >> 1}`, output: 'result' } } } : {}),
      ...(i > 0 && i % 4 === 0 ? { after: [`t${i - 1}`] } : {}),
    };
  }
  return { name: `tree-${count}`, tasks };
}

/** A loop over N static items (item -> a -> b), a task before and one after it. */
function loopPipeline(iterations: number) {
  return {
    name: `loop-${iterations}`,
    tasks: {
      first: { component: 'step' },
      'per-item': {
        for_each: Array.from({ length: iterations }, (_, i) => i),
        as: 'i',
        tasks: {
          a: { component: 'step', arguments: { value: { item: 'i' } } },
          b: { component: 'step', arguments: { value: { task: 'a', output: 'result' } }, after: ['first'] },
        },
      },
      last: { component: 'step', after: ['b'] },
    },
  };
}

let workspace: string;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-compile-scale-'));
  mkdirSync(join(workspace, 'components/step'), { recursive: true });
  writeFileSync(join(workspace, 'components/step/component.yaml'), COMPONENT);
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Operations of compile (read, check, compile, no write) and of reading the IR back, for one pipeline. */
function measure(pipeline: { name: string }) {
  const root = `pipelines/${pipeline.name}`;
  mkdirSync(join(workspace, root), { recursive: true });
  writeFileSync(join(workspace, root, 'pipeline.yaml'), JSON.stringify(pipeline, null, 1));
  const projects = { [pipeline.name]: { root }, step: { root: 'components/step' } };
  let yaml = '';
  const compile = countOperations(() => {
    yaml = compilePipelineProject({ workspaceRoot: workspace, projectName: pipeline.name, projects, env: 'development', write: false }).yaml;
  });
  const [pipelineSpec, platformSpec] = parseAllDocuments(yaml).map((doc) => doc.toJS());
  let taskCount = 0;
  const read = countOperations(() => {
    taskCount = readIr({ pipelineSpec, platformSpec }).tasks.length;
  });
  return { compile, read, taskCount };
}

describe('compile and the IR reader at scale: work linear in the pipeline', () => {
  it('a tree of 400 then 800 tasks: twice the tasks, about twice the work', () => {
    const small = measure(treePipeline(400));
    const large = measure(treePipeline(800));
    expect([small.taskCount, large.taskCount]).toEqual([400, 800]);
    // 2 is linear; a per-task scan of the tasks gives 3 to 4 at these sizes
    expect(large.compile / small.compile).toBeLessThan(2.3);
    expect(large.read / small.read).toBeLessThan(2.3);
  });

  it('a loop of 100 then 200 iterations: the items grow the work at most linearly', () => {
    const small = measure(loopPipeline(100));
    const large = measure(loopPipeline(200));
    expect([small.taskCount, large.taskCount]).toEqual([4, 4]);
    expect(large.compile / small.compile).toBeLessThan(2.3);
    expect(large.read / small.read).toBeLessThan(2.3);
  });
});
