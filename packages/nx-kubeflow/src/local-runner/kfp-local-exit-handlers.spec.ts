/**
 * Exit handlers and ignore_upstream_failure against kfp.local: the IR compile
 * writes for __fixtures__/exit-handlers-pipeline.ts, unchanged, run by
 * kfp.local's DockerRunner (kfp >= 2.17, unpatched) and by this runner, once
 * with every task succeeding and once with a task inside the exit handler
 * failing: the same tasks must run and succeed, with the same outputs, the
 * exit task must run after the failure, and both must tell it the handler's
 * state (SUCCEEDED, then FAILED) and name the handler. The two write the
 * final status differently, and that is compared as such: kfp.local writes
 * snake_case fields (pipeline_job_resource_name "local-pipeline-<task>",
 * error {code: 1, message: "Task <t> failed."}); this runner writes what KFP's
 * driver marshals (protojson: pipelineJobResourceName, the run's name, and
 * error {message}).
 *
 * Not compared: an ignore_upstream_failure task whose upstream failed.
 * kfp.local 2.17.3 fails the whole run there ("Tried to get output 'value'
 * from task 'risky', but task 'risky' not found"), where KFP (and this
 * runner) give the input its default; run-exit-handlers.spec.ts covers it.
 *
 * Needs docker with the base image and PyPI, as kfp-local-conditions.spec.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { BASE_IMAGE, engineForTests } from '../images/integration/test-workspace';
import { runProcess } from '../process/run-process';
import { requireOrSkip } from '../testing/suite-requirements';
import { compileExits, EXIT_TASKS } from './__fixtures__/exit-handlers-pipeline';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { kfpLocalPython, RUN_KFP_LOCAL } from './__fixtures__/kfp-local-env';
import { runPipeline } from './run-pipeline';

jest.setTimeout(30 * 60_000);

const SUITE = "exit handlers under kfp.local's DockerRunner";
const withDocker = requireOrSkip(SUITE, 'engines', probeEnginesSync(['docker'])['docker']);
const kfp = withDocker ? kfpLocalPython() : undefined;
const canRun = withDocker && requireOrSkip(SUITE, 'pypi', kfp && !kfp.ok ? kfp.reason : undefined);

let scratch: string;
beforeAll(async () => {
  if (!canRun) return;
  const found = await engineForTests('docker');
  if (!found.engine) throw new Error(`docker was usable when probed, and is not now: ${found.reason}`);
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kfp-local-exit-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const CASES: { label: string; parameters: Record<string, unknown>; failed: string[]; notStarted: string[]; handlerState: string }[] = [
  { label: 'all succeed', parameters: {}, failed: [], notStarted: [], handlerState: 'SUCCEEDED' },
  { label: 'train fails inside the handler', parameters: { train_script: 'echo boom >&2; exit 3' }, failed: ['train'], notStarted: ['after-train'], handlerState: 'FAILED' },
];

(canRun ? it : it.skip)('runs the same tasks as kfp.local, the exit task after success and after a failure, with the handler state as its final status', async () => {
  if (!kfp?.ok) throw new Error('no kfp venv');
  const irFile = join(scratch, 'pipeline.yaml');
  writeFileSync(irFile, compileExits(BASE_IMAGE).yaml);
  for (const [index, { label, parameters, failed, notStarted, handlerState }] of CASES.entries()) {
    const root = join(scratch, `kfp-local-${index}`);
    const resultFile = join(scratch, `kfp-local-${index}.json`);
    const args = Object.entries(parameters).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    const theirs = await runProcess(kfp.python, [RUN_KFP_LOCAL, '--runner', 'docker', irFile, root, resultFile, ...args], { tailLines: 60 });
    const kfpResult = JSON.parse(readFileSync(resultFile, 'utf8')) as { error?: string; tasks: Record<string, { files: Record<string, string> }> };
    expect({ label, kfpExit: theirs.exitCode }).toEqual({ label, kfpExit: failed.length > 0 ? 1 : 0 });
    if (failed.length > 0) expect(kfpResult.error).toContain(`Inner task failed: \u001b[96m'${failed[0]}'`);

    const ours = await runPipeline({
      ir: { irFile },
      runDir: join(scratch, 'runs', `ours-${index}`),
      runId: `ours-${index}`,
      pipelineName: 'exits',
      parameters,
      tasks: Object.fromEntries(Object.entries(EXIT_TASKS).map(([task, component]) => [task, { mode: 'command' as const, projectRoot: fixtureRoot(component) }])),
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache', String(index)),
    });
    expect({ label, state: ours.state }).toEqual({ label, state: failed.length > 0 ? 'FAILED' : 'SUCCEEDED' });
    const state = (task: string) => ours.tasks.find((candidate) => candidate.name === task)!.state;
    // kfp.local makes a folder for every task it started (a failed one's is empty) and none for the rest
    expect({ label, started: Object.keys(kfpResult.tasks).sort() }).toEqual({ label, started: Object.keys(EXIT_TASKS).filter((task) => !notStarted.includes(task)).sort() });
    expect({ label, ours: Object.fromEntries(Object.keys(EXIT_TASKS).map((task) => [task, state(task)])) }).toEqual({
      label,
      ours: Object.fromEntries(Object.keys(EXIT_TASKS).map((task) => [task, failed.includes(task) ? 'FAILED' : notStarted.includes(task) ? 'SKIPPED' : 'SUCCEEDED'])),
    });
    for (const task of Object.keys(EXIT_TASKS).filter((name) => !failed.includes(name) && !notStarted.includes(name) && EXIT_TASKS[name] === 'shell-output')) {
      expect({ label, task, value: kfpResult.tasks[task].files.value }).toEqual({ label, task, value: readFileSync(join(ours.runDir, task, 'outputs', 'parameters', 'value'), 'utf8') });
    }
    const kfpStatus = JSON.parse(kfpResult.tasks.notify.files.report);
    const ourStatus = JSON.parse(String(ours.tasks.find((task) => task.name === 'notify')!.outputs.parameters.report));
    expect({ label, kfpLocal: [kfpStatus.state, kfpStatus.pipeline_task_name], ours: [ourStatus.state, ourStatus.pipelineTaskName] }).toEqual({
      label,
      kfpLocal: [handlerState, 'exit-handler-1'],
      ours: [handlerState, 'exit-handler-1'],
    });
    expect(JSON.parse(kfpResult.tasks['report-risky'].files.report)).toMatchObject({ state: 'SUCCEEDED', pipeline_task_name: 'risky' });
  }
});
