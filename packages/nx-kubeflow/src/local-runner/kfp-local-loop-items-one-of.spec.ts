/**
 * Loop items in conditions, loops over loop items, and one_of (dsl.OneOf) against kfp.local: the IR
 * compile writes for each (pipeline.yaml through the real reader, checker and compiler; the IR is held
 * to what kfp 2.17.3 writes by the differential fixtures loop_items_in_conditions and one_of), run
 * unchanged by kfp.local's SubprocessRunner (lightweight Python components py-double and py-note, no
 * engine) and by this runner: the same tasks must run (the others SKIPPED here; kfp.local leaves them
 * out), with the same outputs, and the pipeline hand on the same outputs.
 *
 * kfp.local 2.17.3 runs an If/Elif/Else on a listed item, a loop over an outer item that is a list, and
 * one_of. It cannot run a field of a loop item (the subvariable channel
 * pipelinechannel--<item>-subvar-<f>, which KFP's driver makes from the item with
 * parseJson(string_value)["f"]): in a condition it logs "Could not resolve parent input:
 * <item>-subvar-<f>" and takes the condition as false (no task under it runs); as a loop's items it
 * fails the iteration ("Parent pipeline input argument 'pipelinechannel--<item>-subvar-<f>' not
 * found"). Those tests expect that failure, named, or (a kfp.local that gets it right) the same tasks
 * and outputs as this runner: either way this runner's own outcomes are held to what KFP does.
 *
 * Needs the kfp venv (tmp/kfp-venv; PyPI when it must be made).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOrSkip } from '../testing/suite-requirements';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { kfpLocalFolder, kfpSubprocessPython, plain, runKfpLocalSubprocess, runnerEnv, type KfpLocalResult } from './__fixtures__/kfp-local-subprocess';
import { compileYaml } from './__fixtures__/yaml-run';
import { runPipeline, type RunResult } from './run-pipeline';

jest.setTimeout(10 * 60_000);

const SUITE = "loop items and one_of under kfp.local's SubprocessRunner";
const kfp = kfpSubprocessPython();
const canRun = requireOrSkip(SUITE, 'pypi', kfp.ok ? undefined : kfp.reason);
const test = canRun ? it : it.skip;

let scratch: string;
let runs = 0;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kfp-local-items-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Tasks = Record<string, 'py-double' | 'py-note'>;

/** `text` compiled once, run by kfp.local and by this runner with `parameters`. */
async function both(text: string, tasks: Tasks, parameters: Record<string, unknown> = {}) {
  if (!kfp.ok) throw new Error(kfp.reason);
  const name = `run-${++runs}`;
  const documents = compileYaml(text, [...new Set(Object.values(tasks))]);
  const irFile = join(scratch, `${name}.yaml`);
  writeFileSync(irFile, JSON.stringify(documents.pipelineSpec)); // JSON is YAML to kfp's loader
  const theirs = await runKfpLocalSubprocess({ python: kfp.python, irFile, scratch, name, parameters });
  const ours = await runPipeline({
    ir: documents,
    runDir: join(scratch, 'runs', name),
    runId: name,
    pipelineName: 'fixture',
    parameters,
    tasks: Object.fromEntries(Object.entries(tasks).map(([task, project]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(project) }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache', name),
    env: runnerEnv(kfp.python, scratch),
  });
  return { theirs, kfpLocal: theirs.result, ours, spec: documents.pipelineSpec as Record<string, any> };
}

/** Task name (last segment) to its component, for what it made: py-double's value, py-note's text. */
function made(tasks: Tasks, task: RunResult['tasks'][number]): unknown {
  return tasks[task.name.split('/').pop()!] === 'py-double' ? task.outputs.parameters.value : readFileSync(task.outputs.artifacts.out.path, 'utf8');
}
const kfpMade = (tasks: Tasks, folder: string, entry: KfpLocalResult['tasks'][string]): unknown =>
  tasks[folder.split('/').pop()!] === 'py-double' ? JSON.parse(entry.files.value) : entry.files.out;

/**
 * Holds both runs to the same outcomes: the tasks that ran here (SUCCEEDED, or CACHED: kfp.local caches
 * nothing unless told) are the ones kfp.local ran, in the folders it gave them, with the same outputs;
 * every other task here is SKIPPED. Returns what ran here, by name, with what it made.
 */
function expectSameOutcomes(run: Awaited<ReturnType<typeof both>>, tasks: Tasks): Record<string, unknown> {
  const { kfpLocal, ours, spec } = run;
  expect([ours.state, ours.error]).toEqual(['SUCCEEDED', undefined]);
  expect({ kfpLocalError: kfpLocal.error }).toEqual({ kfpLocalError: undefined });
  const ran = ours.tasks.filter((task) => task.state === 'SUCCEEDED' || task.state === 'CACHED');
  expect(ours.tasks.filter((task) => !ran.includes(task)).map((task) => [task.name, task.state]).filter(([, state]) => state !== 'SKIPPED')).toEqual([]);
  const folders = Object.fromEntries(ran.map((task) => [kfpLocalFolder(spec, task.name), task]));
  expect(Object.keys(kfpLocal.tasks).sort()).toEqual(Object.keys(folders).sort());
  for (const [folder, task] of Object.entries(folders)) {
    expect({ task: task.name, made: made(tasks, task) }).toEqual({ task: task.name, made: kfpMade(tasks, folder, kfpLocal.tasks[folder]) });
  }
  return Object.fromEntries(ran.map((task) => [task.name, made(tasks, task)]));
}

/** What this runner ran (SUCCEEDED or CACHED), by name, with what it made; the rest must be SKIPPED. */
function oursRan(ours: RunResult, tasks: Tasks): Record<string, unknown> {
  expect([ours.state, ours.error]).toEqual(['SUCCEEDED', undefined]);
  const ran = ours.tasks.filter((task) => task.state === 'SUCCEEDED' || task.state === 'CACHED');
  expect(ours.tasks.filter((task) => !ran.includes(task)).every((task) => task.state === 'SKIPPED')).toBe(true);
  return Object.fromEntries(ran.map((task) => [task.name, made(tasks, task)]));
}

/** kfp.local's whole output, as the tail keeps it (80 lines: these runs print fewer). */
const logged = (run: Awaited<ReturnType<typeof both>>) => run.theirs.tail.map(plain).join('\n');

describe(SUITE, () => {
  test('If/Elif/Else on a listed item and a loop over an outer item that is a list: the same tasks, with the same outputs', async () => {
    const tasks: Tasks = { first: 'py-double', late: 'py-double', middle: 'py-double', cell: 'py-double' };
    const run = await both(
      `
name: loop-items
tasks:
  per-fold:
    for_each: [1, 2, 3]
    as: fold
    tasks:
      gate:
        if: {left: {item: fold}, operator: '==', right: 1}
        then:
          first: {component: py-double, arguments: {number: {item: fold}}}
        elif:
          - if: {left: 2, operator: '<', right: {item: fold}}
            then:
              late: {component: py-double, arguments: {number: {item: fold}}}
        else:
          middle: {component: py-double, arguments: {number: {item: fold}}}
  per-row:
    for_each: [[7, 8], [9]]
    as: row
    tasks:
      per-cell:
        for_each: {item: row}
        as: cell
        tasks:
          cell: {component: py-double, arguments: {number: {item: cell}}}
`,
      tasks,
    );
    expect(expectSameOutcomes(run, tasks)).toEqual({
      'for-loop-2-iteration-0/first': 2,
      'for-loop-2-iteration-1/middle': 4,
      'for-loop-2-iteration-2/late': 6,
      'for-loop-8-iteration-0/for-loop-9-iteration-0/cell': 14,
      'for-loop-8-iteration-0/for-loop-9-iteration-1/cell': 16,
      'for-loop-8-iteration-1/for-loop-9-iteration-0/cell': 18,
    });
  });

  const FIELD_CONDITIONS: { label: string; text: string; channel: string; ran: Record<string, unknown> }[] = [
    {
      label: 'a field of a listed item',
      text: `
name: loop-items
tasks:
  per-rate:
    for_each: [{lr: 1, folds: [1, 2]}, {lr: 5, folds: [3]}]
    as: rate
    tasks:
      high-rate:
        if: {left: {item: rate, field: lr}, operator: '>=', right: 2}
        then:
          announce: {component: py-note, arguments: {label: high}}
`,
      channel: 'loop-item-param-1-subvar-lr',
      ran: { 'for-loop-2-iteration-1/announce': 'high\n' },
    },
    {
      label: "a field of a parameter's item",
      text: `
name: loop-items
parameters:
  settings: {type: JsonArray, default: [{mode: fast, folds: [a, b]}, {mode: slow, folds: [c]}]}
tasks:
  per-setting:
    for_each: {parameter: settings}
    as: setting
    tasks:
      mode-gate:
        if: {left: {item: setting, field: mode}, operator: '==', right: fast}
        then:
          announce: {component: py-note, arguments: {label: {item: setting, field: mode}}}
`,
      channel: 'settings-loop-item-subvar-mode',
      ran: { 'for-loop-1-iteration-0/announce': 'fast\n' },
    },
  ];
  for (const { label, text, channel, ran } of FIELD_CONDITIONS) {
    test(`a condition on ${label}: this runner runs the iteration whose field matches; kfp.local 2.17.3 cannot resolve the field and takes the condition as false`, async () => {
      const tasks: Tasks = { announce: 'py-note' };
      const run = await both(text, tasks);
      expect(oursRan(run.ours, tasks)).toEqual(ran);
      if (Object.keys(run.kfpLocal.tasks).length > 0) {
        expect(expectSameOutcomes(run, tasks)).toEqual(ran); // a kfp.local that reads the field
      } else {
        expect({ exitCode: run.theirs.exitCode, error: run.kfpLocal.error }).toEqual({ exitCode: 0, error: undefined });
        expect(logged(run)).toContain(`WARNING:root:Could not resolve parent input: ${channel}`);
      }
    });
  }

  const FIELD_LOOPS: { label: string; text: string; channel: string; loop: string; ran: Record<string, unknown> }[] = [
    {
      label: "a field of an outer listed item",
      text: `
name: loop-items
tasks:
  per-rate:
    for_each: [{lr: 1, folds: [1, 2]}, {lr: 5, folds: [3]}]
    as: rate
    tasks:
      per-rate-fold:
        for_each: {item: rate, field: folds}
        as: rate_fold
        tasks:
          train: {component: py-double, arguments: {number: {item: rate_fold}}}
`,
      channel: 'pipelinechannel--loop-item-param-1-subvar-folds',
      loop: 'for-loop-2-iteration-0',
      ran: { 'for-loop-2-iteration-0/for-loop-3-iteration-0/train': 2, 'for-loop-2-iteration-0/for-loop-3-iteration-1/train': 4, 'for-loop-2-iteration-1/for-loop-3-iteration-0/train': 6 },
    },
    {
      label: "a field of an outer parameter's item",
      text: `
name: loop-items
parameters:
  settings: {type: JsonArray, default: [{mode: fast, folds: [a, b]}, {mode: slow, folds: [c]}]}
tasks:
  per-setting:
    for_each: {parameter: settings}
    as: setting
    tasks:
      per-setting-fold:
        for_each: {item: setting, field: folds}
        as: setting_fold
        tasks:
          train: {component: py-note, arguments: {label: {item: setting_fold}}}
`,
      channel: 'pipelinechannel--settings-subvar-folds',
      loop: 'for-loop-1-iteration-0',
      ran: { 'for-loop-1-iteration-0/for-loop-2-iteration-0/train': 'a\n', 'for-loop-1-iteration-0/for-loop-2-iteration-1/train': 'b\n', 'for-loop-1-iteration-1/for-loop-2-iteration-0/train': 'c\n' },
    },
  ];
  for (const { label, text, channel, loop, ran } of FIELD_LOOPS) {
    test(`a loop over ${label}: this runner iterates over each outer item's field; kfp.local 2.17.3 fails the outer iteration, not finding the field's channel`, async () => {
      const tasks: Tasks = { train: ran[Object.keys(ran)[0]] === 2 ? 'py-double' : 'py-note' };
      const run = await both(text, tasks);
      expect(oursRan(run.ours, tasks)).toEqual(ran);
      if (run.theirs.exitCode === 0) {
        expect(expectSameOutcomes(run, tasks)).toEqual(ran); // a kfp.local that reads the field
      } else {
        expect(plain(run.kfpLocal.error!)).toBe(`RuntimeError: Pipeline 'loop-items' finished with status FAILURE. Inner task failed: '${loop}'.`);
        expect(logged(run)).toContain(`ERROR:root:Task ${loop} failed with exception: Parent pipeline input argument '${channel}' not found.`);
        expect(run.kfpLocal.tasks).toEqual({});
      }
    });
  }

  const ONE_OF = '{one_of: [{task: big, output: value}, {task: middle, output: value}, {task: small, output: value}]}';
  const ONE_OF_PIPELINE = `
name: one-of
parameters:
  n: {type: Integer, default: 5}
tasks:
  gate:
    if: {left: {parameter: n}, operator: '>', right: 10}
    then:
      big: {component: py-double, arguments: {number: {parameter: n}}}
    elif:
      - if: {left: {parameter: n}, operator: '>', right: 3}
        then:
          middle: {component: py-double, arguments: {number: {parameter: n}}}
    else:
      small: {component: py-double, arguments: {number: 1}}
  use: {component: py-double, arguments: {number: ${ONE_OF}}}
outputs:
  chosen: ${ONE_OF}
`;
  for (const [n, branch, value] of [[5, 'middle', 10], [12, 'big', 24], [2, 'small', 2]] as const) {
    test(`one_of (dsl.OneOf) with n=${n}: the same branch runs, and its output reaches a downstream task and the pipeline's outputs in both`, async () => {
      const tasks: Tasks = { big: 'py-double', middle: 'py-double', small: 'py-double', use: 'py-double' };
      const run = await both(ONE_OF_PIPELINE, tasks, { n });
      expect(expectSameOutcomes(run, tasks)).toEqual({ [branch]: value, use: 2 * value });
      expect(run.kfpLocal.outputs).toEqual({ chosen: value });
      expect(run.ours.outputs!.parameters).toEqual({ chosen: value });
    });
  }
});
