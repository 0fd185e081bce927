/**
 * Conditions against kfp.local: the IR compile writes for an If / Elif /
 * Else pipeline (with a nested If, over a parameter and an upstream output),
 * unchanged, run by kfp.local's DockerRunner (kfp >= 2.17 from PyPI, not
 * patched: its orchestrator evaluates triggerPolicy conditions) and by this
 * runner, for three sets of parameters: the same tasks must run, with the
 * same outputs, and the others be SKIPPED here (kfp.local leaves them out).
 * One known difference: kfp.local 2.17 cannot read a condition's input that
 * is the output of a task in the same branch (the nested If on fast-path's
 * value: it logs "Could not resolve parent input: fast-path-value" and takes
 * the condition as false), where KFP, and this runner, evaluate it (7 > 5)
 * and run `big`. The test accepts that one difference only with that warning
 * in kfp.local's output, so a kfp.local that gets it right passes too.
 *
 * Needs docker with the base image (NX_KUBEFLOW_TEST_BASE_IMAGE: its sh runs
 * the scripts) and PyPI for the venv, probed before the test is declared, as
 * kfp-local-docker.spec.ts does: without them it shows as skipped, saying why,
 * unless NX_KUBEFLOW_REQUIRE_ALL=1 (CI) makes that a failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeEnginesSync } from '../images/integration/engine-probe';
import { BASE_IMAGE, engineForTests } from '../images/integration/test-workspace';
import { runProcess } from '../process/run-process';
import { requireOrSkip } from '../testing/suite-requirements';
import { CONDITIONS_TASKS, compileConditions } from './__fixtures__/conditions-pipeline';
import { fixtureRoot, WORKSPACE_ROOT } from './__fixtures__/fixture-pipeline';
import { kfpLocalPython, RUN_KFP_LOCAL } from './__fixtures__/kfp-local-env';
import { runPipeline } from './run-pipeline';

jest.setTimeout(20 * 60_000);

const SUITE = "conditions under kfp.local's DockerRunner";
const withDocker = requireOrSkip(SUITE, 'engines', probeEnginesSync(['docker'])['docker']);
const kfp = withDocker ? kfpLocalPython() : undefined;
const canRun = withDocker && requireOrSkip(SUITE, 'pypi', kfp && !kfp.ok ? kfp.reason : undefined);

let scratch: string;
beforeAll(async () => {
  if (!canRun) return;
  const found = await engineForTests('docker');
  if (!found.engine) throw new Error(`docker was usable when probed, and is not now: ${found.reason}`);
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-kfp-local-conditions-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** What KFP runs for each (this runner must run exactly these). */
const CASES: { parameters: Record<string, unknown>; runs: string[] }[] = [
  { parameters: { mode: 'fast', limit: 10 }, runs: ['after-fast', 'beside', 'big', 'fast-path', 'measure'] },
  { parameters: { mode: 'slow', limit: 10 }, runs: ['beside', 'measure', 'medium'] },
  { parameters: { mode: 'slow', limit: 3 }, runs: ['beside', 'measure', 'slow'] },
];

(canRun ? it : it.skip)('runs the same tasks as kfp.local, with the same outputs, for If, Elif and Else', async () => {
  if (!kfp?.ok) throw new Error('no kfp venv');
  const irFile = join(scratch, 'pipeline.yaml');
  writeFileSync(irFile, compileConditions(undefined, BASE_IMAGE).yaml);
  for (const [index, { parameters, runs }] of CASES.entries()) {
    const root = join(scratch, `kfp-local-${index}`);
    const resultFile = join(scratch, `kfp-local-${index}.json`);
    const args = Object.entries(parameters).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    const output: string[] = [];
    const theirs = await runProcess(kfp.python, [RUN_KFP_LOCAL, '--runner', 'docker', irFile, root, resultFile, ...args], { tailLines: 60, onLine: (line) => output.push(line) });
    if (theirs.exitCode !== 0) throw new Error(`kfp.local failed (exit ${theirs.exitCode}):\n${theirs.tail.join('\n')}`);
    const kfpTasks = (JSON.parse(readFileSync(resultFile, 'utf8')) as { tasks: Record<string, { files: Record<string, string> }> }).tasks;

    const ours = await runPipeline({
      ir: { irFile },
      runDir: join(scratch, 'runs', `ours-${index}`),
      runId: `ours-${index}`,
      pipelineName: 'branches',
      parameters,
      tasks: Object.fromEntries(CONDITIONS_TASKS.map((task) => [task, { mode: 'command' as const, projectRoot: fixtureRoot('shell-output') }])),
      workspaceRoot: WORKSPACE_ROOT,
      cacheDir: join(scratch, 'cache', String(index)),
    });
    expect(ours.state).toBe('SUCCEEDED');
    const ran = ours.tasks.filter((task) => task.state === 'SUCCEEDED').map((task) => task.name);
    expect({ parameters, ours: ran.sort() }).toEqual({ parameters, ours: runs });
    expect(ours.tasks.filter((task) => task.state !== 'SUCCEEDED').every((task) => task.state === 'SKIPPED')).toBe(true);
    const kfpRan = Object.keys(kfpTasks).sort();
    const unresolved = output.some((line) => line.includes('Could not resolve parent input: fast-path-value'));
    const expected = unresolved ? runs.filter((task) => task !== 'big') : runs;
    expect({ parameters, kfpLocal: kfpRan }).toEqual({ parameters, kfpLocal: expected });
    if (unresolved) console.info(`kfp.local ${kfp.version} could not resolve fast-path's value for the nested If and skipped big; KFP and this runner run it`);
    for (const task of expected) {
      expect({ task, value: kfpTasks[task].files.value }).toEqual({ task, value: readFileSync(join(ours.runDir, task, 'outputs', 'parameters', 'value'), 'utf8') });
    }
  }
});
