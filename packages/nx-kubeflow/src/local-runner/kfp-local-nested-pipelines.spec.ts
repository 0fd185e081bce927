/**
 * Nested pipelines against kfp.local: kfp 2.17's orchestrator runs a task
 * whose component is a DAG as a sub-DAG (enhanced_dag_orchestrator's
 * execute_task: implementation 'dag'), so it runs pipelines in pipelines. The
 * IR compile writes for one (a pipeline run on its own, in each iteration of a
 * loop, and under a condition on its output; the pipeline's outputs from it) is
 * run unchanged by kfp.local's SubprocessRunner (no engine: its components are
 * lightweight Python components, py-double and py-note, which it runs with
 * the kfp venv's Python) and by this runner (the same components, `python3`
 * being that venv's), for several sets of parameters: the same tasks must
 * run, with the same outputs, and the pipeline hand on the same outputs; a
 * task failing inside a nested pipeline in a loop fails both runs.
 * The condition has an else branch: kfp.local 2.17 evaluates a lone If on a
 * task output at the top of a DAG in that DAG's scope, where the channel is
 * no input ("Could not resolve parent input: first-value"), and takes it as
 * false; with Elif or Else the If sits in a condition-branches group that is
 * given the channel, and kfp.local reads it (this runner reads both).
 * kfp.local names a task's folder after its component (the nested pipeline's,
 * renamed -2, -3 as compile renames them) inside its iteration's folder; the
 * spec maps this runner's <task>/<inner task> names onto those through the IR.
 *
 * Needs the kfp venv (tmp/kfp-venv, the conformance suites'; PyPI when it must be made).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOrSkip } from '../testing/suite-requirements';
import { kfpLocalFolder, kfpSubprocessPython, plain } from './__fixtures__/kfp-local-subprocess';
import { runUnderBoth, writeKfpLocalWorkspace, type WorkspaceProjects } from './__fixtures__/nested-pipelines-workspace';

jest.setTimeout(10 * 60_000);

const SUITE = "nested pipelines under kfp.local's SubprocessRunner";
const kfp = kfpSubprocessPython();
const canRun = requireOrSkip(SUITE, 'pypi', kfp.ok ? undefined : kfp.reason);

const SCALE = `name: scale
parameters:
  number: {type: Integer}
  label: {type: String, default: scaled}
tasks:
  double: {component: py-double, arguments: {number: {parameter: number}}}
  note: {component: py-note, arguments: {label: {parameter: label}}}
outputs:
  value: {task: double, output: value}
  note: {task: note, output: out}
`;
const OUTER = `name: outer
parameters:
  seed: {type: Integer, default: 5}
  counts: {type: JsonArray, default: [1, 2, 3]}
tasks:
  first:
    pipeline: scale
    arguments: {number: {parameter: seed}}
  per-count:
    for_each: {parameter: counts}
    as: n
    tasks:
      each:
        pipeline: scale
        arguments: {number: {item: n}, label: each}
  gate:
    if: {left: {task: first, output: value}, operator: '>', right: 5}
    then:
      big:
        pipeline: scale
        arguments: {number: {task: first, output: value}, label: big}
    else:
      small:
        pipeline: scale
        arguments: {number: 0, label: small}
outputs:
  value: {task: first, output: value}
  note: {task: first, output: note}
`;
type Tree = Record<string, any>;

let scratch: string;
let projects: WorkspaceProjects;
let spec: Tree;
beforeAll(() => {
  if (!canRun) return;
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kfp-local-nested-'));
  const workspace = writeKfpLocalWorkspace(scratch, { components: ['py-double', 'py-note'], pipelines: { scale: SCALE, outer: OUTER }, compile: ['outer'] });
  projects = workspace.projects;
  spec = workspace.specs.get('outer')!;
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const both = (name: string, parameters: Record<string, unknown>) => runUnderBoth({ kfp, scratch, projects, pipeline: 'outer', name, parameters });

/** What a task made, as kfp.local keeps it: py-double's value, py-note's text. */
function made(task: { name: string; outputs: { parameters: Record<string, unknown>; artifacts: Record<string, { path: string }> } }): unknown {
  return task.name.endsWith('/double') ? task.outputs.parameters.value : readFileSync(task.outputs.artifacts.out.path, 'utf8');
}
const kfpMade = (entry: { files: Record<string, string> }, task: string): unknown => (task.endsWith('/double') ? JSON.parse(entry.files.value) : entry.files.out);

describe(SUITE, () => {
  const CASES: { name: string; parameters: Record<string, unknown>; big: boolean }[] = [
    // first's value 10 > 5: the If branch; 4: the Else branch
    { name: 'defaults', parameters: {}, big: true },
    { name: 'small-seed', parameters: { seed: 2, counts: [4] }, big: false },
  ];
  for (const { name, parameters, big } of CASES) {
    (canRun ? it : it.skip)(`runs the same tasks with the same outputs as kfp.local (${name})`, async () => {
      const { theirs, kfpLocal, ours } = await both(name, parameters);
      if (theirs.exitCode !== 0) throw new Error(`kfp.local failed (exit ${theirs.exitCode}):\n${theirs.tail.join('\n')}`);
      expect([ours.state, ours.error]).toEqual(['SUCCEEDED', undefined]);
      // a note with the same label as one before it in the run is CACHED here (kfp.local caches nothing unless told)
      const ran = ours.tasks.filter((task) => task.state === 'SUCCEEDED' || task.state === 'CACHED');
      expect(ran.some((task) => task.name.startsWith('big/'))).toBe(big);
      expect(ran.some((task) => task.name.startsWith('small/'))).toBe(!big);
      expect(ours.tasks.filter((task) => !ran.includes(task)).every((task) => task.state === 'SKIPPED')).toBe(true);
      // the same tasks ran: each of ours in the folder kfp.local gave it, and no other
      const folders = Object.fromEntries(ran.map((task) => [kfpLocalFolder(spec, task.name), task]));
      expect(Object.keys(kfpLocal.tasks).sort()).toEqual(Object.keys(folders).sort());
      for (const [folder, task] of Object.entries(folders)) {
        expect({ task: task.name, made: made(task) }).toEqual({ task: task.name, made: kfpMade(kfpLocal.tasks[folder], task.name) });
      }
      // the pipeline's outputs: first's value and note, handed out of the nested pipeline
      expect(kfpLocal.outputs).toEqual({ value: ours.outputs!.parameters.value, note: { text: readFileSync(ours.outputs!.artifacts.note.path, 'utf8') } });
      expect(ours.outputs!.parameters.value).toBe(2 * Number(parameters.seed ?? 5));
    });
  }

  (canRun ? it : it.skip)('fails both runs when a task fails inside a nested pipeline in a loop; the other iterations and tasks make the same outputs', async () => {
    const { theirs, kfpLocal, ours } = await both('unlucky', { counts: [1, 13] });
    expect(theirs.exitCode).toBe(1);
    expect(plain(kfpLocal.error!)).toBe(
      "RuntimeError: Pipeline 'outer' finished with status FAILURE. Inner task failed: 'double' inside 'each' inside 'for-loop-1-iteration-1'.",
    );
    expect(ours.state).toBe('FAILED');
    const failed = ours.tasks.find((task) => task.state === 'FAILED')!;
    expect(failed.name).toBe(`${ours.loops![0].name}-iteration-1/each/double`);
    expect(readFileSync(failed.logFile, 'utf8')).toContain("ValueError: 13 is unlucky");
    const ran = ours.tasks.filter((task) => task.state === 'SUCCEEDED' || task.state === 'CACHED');
    for (const task of ran) {
      const folder = kfpLocalFolder(spec, task.name);
      if (!kfpLocal.tasks[folder]) continue; // kfp.local stops scheduling after a failure: it may not have run every task this runner ran
      expect({ task: task.name, made: made(task) }).toEqual({ task: task.name, made: kfpMade(kfpLocal.tasks[folder], task.name) });
    }
    // the other iteration ran in both
    expect(kfpLocal.tasks[kfpLocalFolder(spec, `${ours.loops![0].name}-iteration-0/each/double`)].files.value).toBe('2');
  });
});
