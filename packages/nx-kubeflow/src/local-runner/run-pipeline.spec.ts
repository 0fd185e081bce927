import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandModes, fixtureIr, WORKSPACE_ROOT, type FixtureTask } from './__fixtures__/fixture-pipeline';
import type { PipelineOutput, PipelineParameter } from '../kfp/pipeline-model';
import { runPipeline, type RunEvent, type RunPipelineOptions } from './run-pipeline';
import type { RunRecordData } from './run-record';

jest.setTimeout(60_000);

let scratch: string;
let runs = 0;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-local-runner-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function run(tasks: FixtureTask[], extra: Partial<RunPipelineOptions> & { rootParameters?: PipelineParameter[]; pipelineOutputs?: PipelineOutput[] } = {}) {
  const runId = `run-${++runs}`;
  const events: RunEvent[] = [];
  const { rootParameters, pipelineOutputs, ...options } = extra;
  const result = runPipeline({
    ir: fixtureIr(tasks, rootParameters, pipelineOutputs ? { outputs: pipelineOutputs } : {}),
    runDir: join(scratch, 'runs', runId),
    runId,
    pipelineName: 'fixture',
    tasks: commandModes(tasks),
    workspaceRoot: WORKSPACE_ROOT,
    cacheDir: join(scratch, 'cache'),
    parallel: 4,
    backoffScale: 0,
    killGraceMs: 500,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { result, events };
}

const readRecord = (runDir: string): RunRecordData => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
const taskOf = (record: RunRecordData, name: string) => record.tasks.find((task) => task.name === name)!;
const param = (parameter: string) => ({ kind: 'parameter' as const, parameter });
const literal = (value: string | number | boolean | Record<string, unknown> | unknown[]) => ({ kind: 'literal' as const, value });
const output = (task: string, name: string) => ({ kind: 'task-output' as const, task, output: name });

describe('runPipeline: parameters and artifacts', () => {
  const parameters: PipelineParameter[] = [
    { name: 's', type: 'String', default: 'hello world' },
    { name: 'i', type: 'Integer', default: 7 },
    { name: 'f', type: 'Float', default: 0.5 },
    { name: 'b', type: 'Boolean', default: false },
    { name: 'o', type: 'JsonObject', default: { z: 1, a: 'x<y' } },
    { name: 'a', type: 'JsonArray', default: [1, 'two', 3.5] },
  ];
  const tasks: FixtureTask[] = [
    {
      name: 'first',
      component: 'echo-params',
      arguments: { s: param('s'), i: param('i'), f: param('f'), b: param('b'), o: param('o'), a: param('a') },
      env: { GREETING: 'from the IR' },
      secrets: [{ secret_name: 'api', keys: { token: 'API_TOKEN' } }],
    },
    {
      name: 'second',
      component: 'echo-params',
      arguments: Object.fromEntries(['s', 'i', 'f', 'b', 'o', 'a'].map((name) => [name, output('first', `out_${name}`)])),
    },
    { name: 'constants', component: 'echo-params', arguments: { s: literal(''), i: literal(1e15), f: literal(1e-7), b: literal(true), o: literal({}), a: literal([]) } },
  ];

  it('passes every parameter type as the launcher would, reads outputs back typed, and hands them downstream', async () => {
    // the cluster secret's variable may come from this shell (kubernetes-locally.ts), and a warning says so
    process.env.API_TOKEN = 'from the shell';
    const { result, events } = run(tasks, { rootParameters: parameters, parameters: { i: '42', b: true }, env: { EXTRA: 'extra' } });
    const outcome = await result;
    delete process.env.API_TOKEN;
    expect(outcome.error).toBeUndefined();
    expect(outcome.state).toBe('SUCCEEDED');
    const received = (task: string) => JSON.parse(readFileSync(outcome.tasks.find((t) => t.name === task)!.outputs.artifacts.received.path, 'utf8'));

    const first = received('first');
    expect(first.argv).toEqual({ s: 'hello world', i: '42', f: '0.5', b: 'true', o: '{"a":"x\\u003cy","z":1}', a: '[1,"two",3.5]' });
    expect(first).toMatchObject({ task: 'first', run_id: outcome.runId, pipeline: 'fixture', component: 'echo-params', greeting: 'from the IR', extra: 'extra', token: 'from the shell' });
    expect(events).toContainEqual({
      kind: 'warning',
      task: 'first',
      message: 'secret "api" (key "token") sets API_TOKEN on Kubeflow; locally it comes from this shell\'s environment',
    });
    expect(outcome.tasks[0].warnings).toHaveLength(1);
    // the outputs were read back typed, so the second task gets the same text
    expect(received('second').argv).toEqual(first.argv);
    expect(received('constants').argv).toEqual({ s: '', i: '1000000000000000', f: '0.0000001', b: 'true', o: '{}', a: '[]' });

    const second = outcome.tasks.find((t) => t.name === 'second')!;
    expect(second.outputs.parameters).toEqual({ out_s: 'hello world', out_i: 42, out_f: 0.5, out_b: true, out_o: { a: 'x<y', z: 1 }, out_a: [1, 'two', 3.5] });
    expect(readFileSync(join(outcome.runDir, 'second', 'outputs', 'parameters', 'out_i'), 'utf8')).toBe('42');
    expect(readFileSync(second.logFile, 'utf8')).toContain('"message": "echoed"');

    const record = readRecord(outcome.runDir);
    expect(record.state).toBe('SUCCEEDED');
    expect(record.parameters).toEqual({ s: 'hello world', i: 42, f: 0.5, b: true, o: { z: 1, a: 'x<y' }, a: [1, 'two', 3.5] });
    expect(taskOf(record, 'second').outputs.parameters.out_o).toEqual({ a: 'x<y', z: 1 });
  });

  it("reports the pipeline's outputs in run.json: values and artifacts of the task outputs they name", async () => {
    const pipelineOutputs: PipelineOutput[] = [
      { name: 'greeting', task: 'first', output: 'out_s' },
      { name: 'count', task: 'second', output: 'out_i' },
      { name: 'settings', task: 'first', output: 'out_o' },
      { name: 'evidence', task: 'second', output: 'received' },
    ];
    const outcome = await run(tasks, { rootParameters: parameters, parameters: { i: 5 }, pipelineOutputs }).result;
    expect(outcome.state).toBe('SUCCEEDED');
    const second = outcome.tasks.find((t) => t.name === 'second')!;
    const expected = { parameters: { greeting: 'hello world', count: 5, settings: { a: 'x<y', z: 1 } }, artifacts: { evidence: second.outputs.artifacts.received } };
    expect(outcome.outputs).toEqual(expected);
    expect(readRecord(outcome.runDir).outputs).toEqual(expected);
    expect(JSON.parse(readFileSync(expected.artifacts.evidence.path, 'utf8')).task).toBe('second');
  });

  it('leaves out a pipeline output whose task failed, and writes none for a pipeline without outputs', async () => {
    const failing: FixtureTask[] = [
      { name: 'ok', component: 'echo-params', arguments: { s: literal('x'), i: literal(1), f: literal(1), b: literal(true), o: literal({}), a: literal([]) } },
      { name: 'broken', component: 'fail', arguments: { code: literal(3) } },
    ];
    const pipelineOutputs: PipelineOutput[] = [
      { name: 'text', task: 'ok', output: 'out_s' },
      { name: 'never', task: 'broken', output: 'never' },
    ];
    const outcome = await run(failing, { pipelineOutputs }).result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.outputs).toEqual({ parameters: { text: 'x' }, artifacts: {} });
    const plain = await run(failing.slice(0, 1)).result;
    expect(plain.state).toBe('SUCCEEDED');
    expect(readRecord(plain.runDir)).not.toHaveProperty('outputs');
  });

  it('refuses unknown parameters and values of the wrong type before running anything', async () => {
    await expect(run(tasks, { rootParameters: parameters, parameters: { nope: 1, i: 'x' } }).result).rejects.toThrow(
      /unknown pipeline parameter "nope"[\s\S]*parameter "i": "x" is not a whole number/,
    );
  });

  it('chains artifacts through Concat and IfPresent placeholders', async () => {
    const { result } = run([
      { name: 'a', component: 'append-text', arguments: { text: literal('one') } },
      { name: 'b', component: 'append-text', arguments: { text: literal('two'), prefix: literal('q'), source: output('a', 'result') } },
      { name: 'c', component: 'append-text', arguments: { text: literal('three'), source: output('b', 'result') } },
    ]);
    const outcome = await result;
    expect(outcome.state).toBe('SUCCEEDED');
    const c = outcome.tasks.find((t) => t.name === 'c')!;
    expect(c.outputs.artifacts.result.path).toBe(join(outcome.runDir, 'c', 'outputs', 'artifacts', 'result'));
    expect(readFileSync(c.outputs.artifacts.result.path, 'utf8')).toBe('p:one\nq:two\np:three\n');
  });

  it('fails a task whose output parameter file is missing or does not parse, naming the output', async () => {
    // 'fail' exiting 0 writes no output parameter.
    const outcome = await run([{ name: 'quiet', component: 'fail', arguments: { code: literal(0) } }]).result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.tasks[0].error).toMatch(/task "quiet" failed: output parameter "never" \(STRING\) was not written to .*never/);
  });
});

describe('runPipeline: retries', () => {
  it('retries a task that fails twice, then passes on the third attempt', async () => {
    const counter = join(scratch, 'counter');
    const recorded: string[] = [];
    const { result, events } = run(
      [{ name: 'flaky', component: 'flaky', arguments: { counter: literal(counter), fail_times: literal(2) }, retry: { max_retry_count: 3, backoff_duration: '1s', backoff_factor: 2 } }],
      // run.json is whole and up to date at every state change
      { onEvent: (event) => event.kind === 'task-state' && recorded.push(readRecord(join(scratch, 'runs', `run-${runs}`)).tasks[0].state) },
    );
    const outcome = await result;
    expect(outcome.state).toBe('SUCCEEDED');
    const task = outcome.tasks[0];
    expect(task).toMatchObject({ state: 'SUCCEEDED', attempts: 3, cached: false, exitCode: 0, outputs: { parameters: { executions: 3 } } });
    expect(readFileSync(counter, 'utf8')).toBe('3');
    expect(readFileSync(join(outcome.runDir, 'flaky', 'log.attempt-1.txt'), 'utf8')).toContain('execution 1: failing on purpose');
    expect(readFileSync(join(outcome.runDir, 'flaky', 'log.attempt-2.txt'), 'utf8')).toContain('execution 2: failing on purpose');
    const states = events.filter((e) => e.kind === 'task-state').map((e) => (e.kind === 'task-state' ? `${e.state}${e.attempt ?? ''}` : ''));
    expect(states).toEqual(['RUNNING1', 'PENDING1', 'RUNNING2', 'PENDING2', 'RUNNING3', 'SUCCEEDED3']);
    expect(recorded).toEqual(['RUNNING', 'PENDING', 'RUNNING', 'PENDING', 'RUNNING', 'SUCCEEDED']);
  });

  it('fails after the last retry, with the exit code and the log tail in the error', async () => {
    const counter = join(scratch, 'counter');
    const outcome = await run([
      { name: 'flaky', component: 'flaky', arguments: { counter: literal(counter), fail_times: literal(5) }, retry: { max_retry_count: 1 } },
    ]).result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.tasks[0]).toMatchObject({ state: 'FAILED', attempts: 2, exitCode: 1 });
    // the run's error is the failure's one line; the task's has the log's last lines and its path, once
    expect(outcome.error).toBe('task "flaky" failed after 2 attempts: exit code 1');
    expect(outcome.tasks[0].error).toMatch(/^task "flaky" failed after 2 attempts: exit code 1\n {2}last lines of its log:\n(.*\n)* {4}execution 2: failing on purpose\n {2}log: .*log\.txt$/);
  });
});

describe('runPipeline: caching', () => {
  const tasks = (counter: string): FixtureTask[] => [
    { name: 'count', component: 'flaky', arguments: { counter: literal(counter), fail_times: literal(0) } },
    { name: 'a', component: 'append-text', arguments: { text: param('word') } },
    { name: 'b', component: 'append-text', arguments: { text: literal('end'), source: output('a', 'result') } },
    { name: 'uncached', component: 'flaky', arguments: { counter: literal(`${counter}-uncached`), fail_times: literal(0) }, caching: false },
  ];
  const rootParameters: PipelineParameter[] = [{ name: 'word', type: 'String', default: 'start' }];

  it('takes unchanged tasks from the cache without starting a process, and reruns what changed', async () => {
    const counter = join(scratch, 'counter');
    const first = await run(tasks(counter), { rootParameters }).result;
    expect(first.state).toBe('SUCCEEDED');
    expect(first.tasks.map((t) => t.cached)).toEqual([false, false, false, false]);

    const started: string[] = [];
    const second = await run(tasks(counter), { rootParameters, onProcessStart: (task) => started.push(task) }).result;
    expect(second.tasks.map((t) => [t.name, t.state, t.attempts])).toEqual([
      ['count', 'CACHED', 0],
      ['a', 'CACHED', 0],
      ['b', 'CACHED', 0],
      ['uncached', 'SUCCEEDED', 1],
    ]);
    expect(started).toEqual(['uncached']);
    expect(readFileSync(counter, 'utf8')).toBe('1'); // the side effect happened once
    expect(readFileSync(`${counter}-uncached`, 'utf8')).toBe('2');
    expect(second.tasks[0].outputs.parameters).toEqual({ executions: 1 });
    const b = second.tasks.find((t) => t.name === 'b')!;
    expect(b.outputs.artifacts.result.path.startsWith(second.runDir)).toBe(true);
    expect(readFileSync(b.outputs.artifacts.result.path, 'utf8')).toBe('p:start\np:end\n');
    expect(readRecord(second.runDir).tasks.map((t) => t.cached)).toEqual([true, true, true, false]);

    // a changed parameter reruns its task and, through the changed artifact, the one after it
    const third = await run(tasks(counter), { rootParameters, parameters: { word: 'again' } }).result;
    expect(third.tasks.map((t) => t.state)).toEqual(['CACHED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(readFileSync(third.tasks[2].outputs.artifacts.result.path, 'utf8')).toBe('p:again\np:end\n');
  });

  it('misses when the component source changes', async () => {
    const counter = join(scratch, 'counter');
    const only = tasks(counter).slice(0, 1);
    await run(only).result;
    const extra = join(WORKSPACE_ROOT, 'packages/nx-kubeflow/src/local-runner/__fixtures__/flaky/extra-source.txt');
    writeFileSync(extra, 'changed');
    try {
      const again = await run(only).result;
      expect(again.tasks[0].state).toBe('SUCCEEDED');
      expect(readFileSync(counter, 'utf8')).toBe('2');
    } finally {
      rmSync(extra);
    }
  });
});

describe('runPipeline: parallel branches and failures', () => {
  it('runs independent branches at the same time', async () => {
    const stamps = scratch;
    const sleeper = (label: string): FixtureTask => ({
      name: label,
      component: 'sleeper',
      arguments: { seconds: literal(1), stamp_dir: literal(stamps), label: literal(label), spawn_child: literal(false) },
      caching: false,
    });
    const outcome = await run([sleeper('left'), sleeper('right')], { parallel: 2 }).result;
    expect(outcome.state).toBe('SUCCEEDED');
    const left = JSON.parse(readFileSync(join(stamps, 'left.json'), 'utf8'));
    const right = JSON.parse(readFileSync(join(stamps, 'right.json'), 'utf8'));
    // the intervals overlap: each started before the other ended
    expect(left.start).toBeLessThan(right.end);
    expect(right.start).toBeLessThan(left.end);
  });

  it('skips what depends on a failed task, finishes the independent branch, and names the failure', async () => {
    const { result, events } = run([
      { name: 'broken', component: 'fail', arguments: { code: literal(3) } },
      { name: 'after-broken', component: 'append-text', arguments: { text: literal('x') }, after: ['broken'] },
      { name: 'after-after', component: 'append-text', arguments: { text: literal('y'), source: output('after-broken', 'result') } },
      { name: 'independent', component: 'append-text', arguments: { text: literal('z') }, caching: false },
    ]);
    const outcome = await result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.tasks.map((t) => [t.name, t.state])).toEqual([
      ['broken', 'FAILED'],
      ['after-broken', 'SKIPPED'],
      ['after-after', 'SKIPPED'],
      ['independent', 'SUCCEEDED'],
    ]);
    expect(outcome.tasks[0].exitCode).toBe(3);
    expect(outcome.error).toBe('task "broken" failed: exit code 3: something broke');
    expect(outcome.tasks[0].error).toMatch(/^task "broken" failed: exit code 3: something broke\n {2}log: .*broken\/log\.txt$/);
    expect(outcome.tasks[1].error).toBe('upstream task "broken" did not succeed');
    expect(existsSync(join(outcome.runDir, 'after-broken'))).toBe(false);
    expect(readRecord(outcome.runDir)).toMatchObject({ state: 'FAILED', error: outcome.error });
    expect(events).toContainEqual({ kind: 'task-state', task: 'after-after', state: 'SKIPPED', message: 'upstream task "after-broken" did not succeed' });
  });
});

describe('runPipeline: setup and start problems', () => {
  it('refuses tasks without a run mode before writing anything', async () => {
    const tasks: FixtureTask[] = [{ name: 'a', component: 'append-text', arguments: { text: literal('x') } }];
    await expect(run(tasks, { tasks: {} }).result).rejects.toThrow('no run mode given for task(s) a (tasks of the IR: a)');
    expect(existsSync(join(scratch, 'runs'))).toBe(false);
  });

  it('fails a task whose program does not exist, saying so', async () => {
    const outcome = await run([{ name: 'nothing', component: 'missing-program' }]).result;
    expect(outcome.state).toBe('FAILED');
    expect(outcome.tasks[0].error).toMatch(/^task "nothing" failed: could not start "nx-kubeflow-no-such-program": spawn nx-kubeflow-no-such-program ENOENT/);
  });
});

describe('runPipeline: interrupt', () => {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    // a zombie nobody reaped yet (PID 1 of a container may not) is gone too
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  const waitFor = async (check: () => boolean, ms = 20_000) => {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('stops every child process on abort, marks running tasks CANCELLED and waiting ones SKIPPED', async () => {
    const controller = new AbortController();
    const { result } = run(
      [
        { name: 'long', component: 'sleeper', arguments: { seconds: literal(60), stamp_dir: literal(scratch), label: literal('long'), spawn_child: literal(true) } },
        { name: 'later', component: 'append-text', arguments: { text: literal('never') }, after: ['long'] },
      ],
      { signal: controller.signal },
    );
    const pidFile = join(scratch, 'long.pid');
    await waitFor(() => existsSync(pidFile));
    const { pid, child } = JSON.parse(readFileSync(pidFile, 'utf8'));
    expect(alive(pid) && alive(child)).toBe(true);
    controller.abort();
    const outcome = await result;
    expect(outcome.state).toBe('CANCELLED');
    expect(outcome.tasks.map((t) => [t.name, t.state])).toEqual([
      ['long', 'CANCELLED'],
      ['later', 'SKIPPED'],
    ]);
    await waitFor(() => !alive(pid) && !alive(child), 5_000);
    const record = readRecord(outcome.runDir);
    expect(record.state).toBe('CANCELLED');
    expect(record.tasks.map((t) => t.state)).toEqual(['CANCELLED', 'SKIPPED']);
  });

  it('kills a task that ignores SIGTERM once the grace period is over', async () => {
    const controller = new AbortController();
    const pidFile = join(scratch, 'stubborn.pid');
    const { result } = run([{ name: 'stubborn', component: 'stubborn', arguments: { pid_file: literal(pidFile) } }], { signal: controller.signal, killGraceMs: 300 });
    await waitFor(() => existsSync(pidFile));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    const outcome = await result;
    expect(outcome.tasks[0].state).toBe('CANCELLED');
    await waitFor(() => !alive(pid), 5_000);
  });

  it('cancels a task waiting to be retried', async () => {
    const controller = new AbortController();
    const { result } = run(
      [{ name: 'flaky', component: 'flaky', arguments: { counter: literal(join(scratch, 'counter')), fail_times: literal(5) }, retry: { max_retry_count: 3, backoff_duration: '1h' } }],
      { signal: controller.signal, backoffScale: 1, onEvent: (event) => event.kind === 'task-state' && event.state === 'PENDING' && controller.abort() },
    );
    const outcome = await result;
    expect(outcome.state).toBe('CANCELLED');
    expect(outcome.tasks[0]).toMatchObject({ state: 'CANCELLED', attempts: 1 });
  });
});

describe('runPipeline: inputs named as Object.prototype members (issue 12, broken 7)', () => {
  it('gives them their defaults, not Object\'s built-ins', async () => {
    const { result } = run([{ name: 'names', component: 'builtin-names' }]);
    const outcome = await result;
    expect(outcome.state).toBe('SUCCEEDED');
    expect(taskOf(readRecord(outcome.runDir), 'names').outputs?.parameters.seen).toBe('the constructor default|the toString default');
  });
});
