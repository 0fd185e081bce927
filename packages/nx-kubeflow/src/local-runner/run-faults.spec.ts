/**
 * Issue 12: what broke under faults, with real processes. A task printing a
 * huge line, a failure with a traceback, a cached task's log, settings a
 * component reads beside its sources, a stuck task, and a runner that dies
 * (kill -9) with its tasks running.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixtureIr, fixtureRoot, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import type { IrDocuments } from './ir-reader';
import { readRunRecord } from './run-owner';
import { runPipeline, type RunEvent, type RunPipelineOptions } from './run-pipeline';
import { writeRunRecord, type RunRecordData } from './run-record';
import type { TaskMode } from './task-environment';

jest.setTimeout(120_000);

let scratch: string;
let runs = 0;
beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-faults-'))));
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const shell = (name: string, script: string, extra: Partial<FixtureTask> = {}): FixtureTask => ({
  name,
  component: 'shell',
  arguments: { script: { kind: 'literal', value: script } },
  ...extra,
});

function run(tasks: FixtureTask[], options: Partial<RunPipelineOptions> & { ir?: IrDocuments; modes?: Record<string, TaskMode> } = {}) {
  const runId = `run-${++runs}`;
  const events: RunEvent[] = [];
  const { ir, modes, ...rest } = options;
  const result = runPipeline({
    ir: ir ?? fixtureIr(tasks),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'fixture',
    tasks: modes ?? Object.fromEntries(tasks.map((task) => [task.name, { mode: 'command' as const, projectRoot: fixtureRoot('shell') }])),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache'),
    backoffScale: 0,
    killGraceMs: 500,
    ...rest,
    onEvent: (event) => events.push(event),
  });
  return { result, events };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const waitFor = async (check: () => boolean, ms = 30_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((done) => setTimeout(done, 50));
  }
};

describe('a long log line (broken 3)', () => {
  it('quotes at most a capped tail of a 30 MB line: run.json stays small', async () => {
    const { result } = run([shell('loud', "head -c 30000000 /dev/zero | tr '\\0' x; echo; exit 1")]);
    const outcome = await result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.tasks[0].error).toMatch(/more characters\)/);
    expect(statSync(outcome.recordFile).size).toBeLessThan(100_000);
    expect(outcome.tasks[0].error!.length).toBeLessThan(20_000);
  });

  it('caps the number of lines quoted too', async () => {
    const { result } = run([shell('chatty', 'i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done; exit 2')]);
    const outcome = await result;
    const quoted = outcome.tasks[0].error!.split('\n').filter((line) => /line \d+/.test(line));
    expect(quoted.length).toBeLessThanOrEqual(20);
    expect(quoted[quoted.length - 1]).toContain('line 4999');
  });
});

describe('a failed task, told once (stumble 1)', () => {
  it('gives the exit code, the error message and the traceback as text, then the log path; the run error is one line', async () => {
    const record = JSON.stringify({
      severity: 'ERROR',
      message: 'training failed',
      exception: 'Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n    main()\nValueError: the data is empty',
    });
    // printf, as dash's echo would turn the JSON's \n escapes into line breaks
    const script = `echo '{"severity": "INFO", "message": "starting"}'; printf '%s\\n' '${record}' >&2; exit 1`;
    const { result, events } = run([shell('train', script)]);
    const outcome = await result;
    expect(outcome.error).toBe('task "train" failed: exit code 1: ValueError: the data is empty');
    const error = outcome.tasks[0].error!;
    expect(error).toContain('\n  error: training failed\n  Traceback (most recent call last):\n    File "train.py", line 3, in <module>\n      main()\n  ValueError: the data is empty\n  log: ');
    expect(error).not.toContain('\\n');
    expect(error).not.toContain('"severity"');
    // the whole block is in one event (the FAILED line), not repeated in another
    const mentions = events.filter((event) => JSON.stringify(event).includes('Traceback'));
    expect(mentions).toHaveLength(1);
  });
});

describe('the cache', () => {
  it("a cached task's run folder has the log.txt its run.json names (stumble 7)", async () => {
    const tasks = [shell('hello', 'echo "hello from the first run"', { caching: true })];
    const first = await run(tasks).result;
    expect(first.tasks[0].state).toBe('SUCCEEDED');
    const second = await run(tasks).result;
    expect(second.tasks[0].state).toBe('CACHED');
    expect(second.tasks[0].logFile.startsWith(second.runDir)).toBe(true);
    expect(readFileSync(second.tasks[0].logFile, 'utf8')).toContain('hello from the first run');
    expect(readFileSync(second.tasks[0].logFile, 'utf8')).toContain(`outputs taken from the cache (run ${first.runId}, task hello)`);
  });

  it('settings.local.toml and .secrets.* of the component are in the key, as a digest only (weak)', async () => {
    // a workspace of its own: the component folder the task runs in and digests
    const workspace = join(scratch, 'workspace');
    const config = join(workspace, 'comp', 'config');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'settings.toml'), '[default]\ndecimals = 3\n');
    const tasks = [shell('read', 'cat config/*.toml', { caching: true })];
    const options = { workspaceRoot: workspace, modes: { read: { mode: 'command' as const, projectRoot: 'comp' } } };
    expect((await run(tasks, options).result).tasks[0].state).toBe('SUCCEEDED');
    expect((await run(tasks, options).result).tasks[0].state).toBe('CACHED');
    writeFileSync(join(config, 'settings.local.toml'), '[default]\ndecimals = 1\n');
    expect((await run(tasks, options).result).tasks[0].state).toBe('SUCCEEDED');
    expect((await run(tasks, options).result).tasks[0].state).toBe('CACHED');
    writeFileSync(join(config, '.secrets.toml'), '[default]\npassword = "sekrit-cache-value"\n');
    expect((await run(tasks, options).result).tasks[0].state).toBe('SUCCEEDED');
    // the keys and entries hold no secret: only the log the task itself printed may
    const entries = readdirSync(join(scratch, 'cache')).filter((name) => !name.startsWith('.'));
    for (const entry of entries) expect(readFileSync(join(scratch, 'cache', entry, 'entry.json'), 'utf8')).not.toContain('sekrit');
  });
});

describe('the first run of a component (stumble 5)', () => {
  it("makes the venv as its own step, with pip's progress, before the task's time starts", async () => {
    const workspace = join(scratch, 'workspace');
    mkdirSync(join(workspace, 'comp'), { recursive: true });
    writeFileSync(
      join(workspace, 'comp', 'pyproject.toml'),
      '[project]\nname = "venv-step"\nversion = "0.1.0"\n[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n[tool.setuptools]\npackages = []\n',
    );
    const timeline: Array<{ at: number; event: RunEvent }> = [];
    const tasks = [shell('work', 'true')];
    const outcome = await runPipeline({
      ir: fixtureIr(tasks),
      runDir: join(scratch, 'runs', 'venv'),
      runId: 'venv',
      pipelineName: 'fixture',
      tasks: { work: { mode: 'venv', projectRoot: 'comp' } },
      workspaceRoot: workspace,
      cacheDir: join(scratch, 'cache'),
      onEvent: (event) => timeline.push({ at: Date.now(), event }),
    });
    expect(outcome.state).toBe('SUCCEEDED');
    const messages = timeline.map(({ event }) => ('message' in event ? event.message ?? '' : ''));
    expect(messages.some((message) => message.includes('pip: Successfully installed'))).toBe(true);
    const installed = timeline.find(({ event }) => event.kind === 'info' && /Installed comp in/.test(event.message));
    const running = timeline.findIndex(({ event }) => event.kind === 'task-state' && event.state === 'RUNNING');
    expect(installed).toBeDefined();
    expect(timeline.indexOf(installed!)).toBeLessThan(running);
    // the task's time starts after the install
    expect(Date.parse(outcome.tasks[0].startedAt!)).toBeGreaterThanOrEqual(installed!.at - 5);
  });
});

describe('task timeouts (weak)', () => {
  const withDeadline = (documents: IrDocuments, seconds: string): IrDocuments => {
    const spec = documents.pipelineSpec as { deploymentSpec: { executors: Record<string, unknown> } };
    const executors = Object.fromEntries(Object.keys(spec.deploymentSpec.executors).map((label) => [label, { activeDeadlineSeconds: seconds }]));
    return { ...documents, platformSpec: { platforms: { kubernetes: { deploymentSpec: { executors } } } } };
  };

  it("fails a task after kfp-kubernetes' set_timeout (activeDeadlineSeconds), stopping it", async () => {
    const tasks = [shell('stuck', 'echo $$ > "$0"; sleep 300', { arguments: { script: { kind: 'literal', value: `echo $$ > ${join(scratch, 'stuck.pid')}; sleep 300` } } })];
    const outcome = await run(tasks, { ir: withDeadline(fixtureIr(tasks), '1') }).result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.error).toBe('task "stuck" failed: timed out after 1s (its timeout in pipeline.yaml) and was stopped');
    await waitFor(() => !alive(Number(readFileSync(join(scratch, 'stuck.pid'), 'utf8'))), 10_000);
  });

  it('fails a task after the default from the settings where the IR sets none', async () => {
    const outcome = await run([shell('stuck', 'sleep 300')], { defaultTimeoutSeconds: 1 }).result;
    expect(outcome.error).toBe('task "stuck" failed: timed out after 1s (deploy.task_timeout_seconds in the settings) and was stopped');
  });
});

describe('a runner that dies (broken 2)', () => {
  const record = (owner: RunRecordData['owner']): RunRecordData => ({
    pipelineName: 'fixture',
    runId: 'r',
    state: 'RUNNING',
    startedAt: new Date().toISOString(),
    parameters: {},
    owner,
    tasks: [
      { name: 'a', componentName: 'comp-a', state: 'RUNNING', attempts: 1, cached: false, outputs: { parameters: {}, artifacts: {} }, logFile: 'x', warnings: [] },
      { name: 'b', componentName: 'comp-b', state: 'PENDING', attempts: 0, cached: false, outputs: { parameters: {}, artifacts: {} }, logFile: 'x', warnings: [] },
    ],
  });

  it('a reader marks a RUNNING run whose owner is gone, or whose pid now belongs to another process', () => {
    const live = readFileSync('/proc/self/stat', 'utf8');
    const startTicks = live.slice(live.lastIndexOf(')') + 2).split(' ')[19];
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const dirs = { alive: join(scratch, 'alive'), reused: join(scratch, 'reused'), dead: join(scratch, 'dead') };
    writeRunRecord(dirs.alive, record({ pid: process.pid, startTicks, bootId }));
    writeRunRecord(dirs.reused, record({ pid: process.pid, startTicks: String(Number(startTicks) - 1), bootId }));
    writeRunRecord(dirs.dead, record({ pid: 2 ** 22 + 1, startTicks: '1', bootId }));
    expect(readRunRecord(dirs.alive).state).toBe('RUNNING');
    for (const dir of [dirs.reused, dirs.dead]) {
      const marked = readRunRecord(dir);
      expect(marked.state).toBe('CANCELLED');
      expect(marked.tasks.map((task) => task.state)).toEqual(['CANCELLED', 'SKIPPED']);
      expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).state).toBe('CANCELLED');
    }
  });

  it('the next run of the pipeline marks an abandoned run and says so', async () => {
    writeRunRecord(join(scratch, 'runs', 'abandoned'), record({ pid: 2 ** 22 + 1, startTicks: '1', bootId: 'x' }));
    const { result, events } = run([shell('ok', 'true')]);
    await result;
    expect(JSON.parse(readFileSync(join(scratch, 'runs', 'abandoned', 'run.json'), 'utf8')).state).toBe('CANCELLED');
    expect(events).toContainEqual(expect.objectContaining({ kind: 'warning', message: expect.stringContaining('left RUNNING by a runner that is gone') }));
  });

  it('kill -9 of the runner: its tasks (and their children, SIGTERM ignored) are stopped and run.json says CANCELLED', async () => {
    const pids = join(scratch, 'pids');
    mkdirSync(pids);
    const runDir = join(scratch, 'runs', 'killed');
    const script = `
      const { runPipeline } = require(${JSON.stringify(resolve(__dirname, 'run-pipeline.ts'))});
      const { fixtureIr, fixtureRoot, WORKSPACE_ROOT } = require(${JSON.stringify(resolve(__dirname, '__fixtures__/fixture-pipeline.ts'))});
      const [pids, runDir, cacheDir] = process.argv.slice(1);
      const task = (name, script) => ({ name, component: 'shell', arguments: { script: { kind: 'literal', value: script } } });
      const tasks = [
        task('graceful', 'trap "sleep 1; exit 0" TERM; sleep 301 & echo $! > ' + pids + '/graceful-child; wait'),
        task('stubborn', 'trap "" TERM INT; sleep 303 & echo $! > ' + pids + '/stubborn-child; echo $$ > ' + pids + '/stubborn; wait'),
      ];
      runPipeline({
        ir: fixtureIr(tasks), runDir, runId: 'killed', pipelineName: 'fixture', workspaceRoot: WORKSPACE_ROOT, cacheDir,
        tasks: Object.fromEntries(tasks.map((t) => [t.name, { mode: 'command', projectRoot: fixtureRoot('shell') }])),
        killGraceMs: 1000,
      });`;
    const runner = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, pids, runDir, join(scratch, 'cache')], { stdio: 'ignore' });
    const files = ['graceful-child', 'stubborn-child', 'stubborn'].map((name) => join(pids, name));
    await waitFor(() => files.every((file) => existsSync(file) && readFileSync(file, 'utf8').trim() !== ''));
    const taskPids = files.map((file) => Number(readFileSync(file, 'utf8')));
    expect(taskPids.every(alive)).toBe(true);
    runner.kill('SIGKILL');
    await waitFor(() => taskPids.every((pid) => !alive(pid)), 30_000);
    await waitFor(() => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).state !== 'RUNNING', 10_000);
    const marked = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecordData;
    expect(marked.state).toBe('CANCELLED');
    expect(marked.tasks.map((task) => task.state)).toEqual(['CANCELLED', 'CANCELLED']);
  });
});
