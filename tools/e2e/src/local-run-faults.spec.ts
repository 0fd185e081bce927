import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12 through the real nx CLI, on the local backend, with real
 * processes: Ctrl-C and kill -9 of the runner (broken 2), a failed task's
 * report (stumble 1), a cached task's log (stumble 7), settings.local.toml in
 * the cache key (weak), the default task timeout from the settings (weak).
 *
 * One component, `shell-task`, runs its `script` input with sh as its
 * command stands (no venv, no image build).
 */
jest.setTimeout(300_000);

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

describe('local runs under faults, through the nx CLI', () => {
  let workspace: WorkspaceCopy;
  let pids: string;
  const started: ChildProcess[] = [];

  const writePipeline = (name: string, tasks: Record<string, { script: string; caching?: boolean }>, settings?: string) => {
    const dir = join(workspace.root, 'pipelines', name);
    mkdirSync(join(dir, 'config'), { recursive: true });
    const lines = [`name: ${name}`, 'description: issue 12 faults', 'tasks:'];
    for (const [task, { script, caching }] of Object.entries(tasks)) {
      lines.push(`  ${task}:`, '    component: shell-task', `    caching: ${caching ?? false}`, `    arguments: {script: ${JSON.stringify(script)}}`);
    }
    writeFileSync(join(dir, 'pipeline.yaml'), lines.join('\n') + '\n');
    if (settings !== undefined) writeFileSync(join(dir, 'config', 'settings.toml'), settings);
  };
  const runs = (pipeline: string) => {
    const dir = join(workspace.root, 'dist/runs', pipeline);
    return existsSync(dir) ? readdirSync(dir).sort().map((name) => join(dir, name)) : [];
  };
  const record = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  const latest = (pipeline: string) => record(runs(pipeline).slice(-1)[0]);
  const pidOf = (name: string) => Number(readFileSync(join(pids, name), 'utf8'));
  const haveAll = (names: string[]) => names.every((name) => existsSync(join(pids, name)) && readFileSync(join(pids, name), 'utf8').trim() !== '');
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const parentOf = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  };
  const waitFor = async (check: () => boolean, ms: number, what: string | (() => string)) => {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  };
  /** nx in a process group of its own, as a shell's foreground job: Ctrl-C is SIGINT to that group. */
  const startDeploy = (pipeline: string) => {
    const child = spawn(join(workspace.root, 'node_modules/.bin/nx'), ['run', `${pipeline}:deploy`, '--run', '--wait', '--outputStyle=static'], {
      cwd: workspace.root,
      env: { ...process.env, ...NX_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    started.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ status: number | null; output: string }>((done) => child.once('close', (status) => done({ status, output })));
    return { child, exited };
  };

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    const component = join(workspace.root, 'components/shell-task');
    mkdirSync(component, { recursive: true });
    writeFileSync(
      join(component, 'component.yaml'),
      [
        'name: Shell task',
        'description: Runs a shell script',
        'inputs:',
        '- {name: script, type: String}',
        'implementation:',
        '  container:',
        `    image: docker.io/library/busybox@sha256:${'0'.repeat(64)}`,
        '    command: [sh, -c, {inputValue: script}]',
        '',
      ].join('\n'),
    );
    pids = join(workspace.root, 'tmp/pids');
  });
  beforeEach(() => {
    rmSync(pids, { recursive: true, force: true });
    mkdirSync(pids, { recursive: true });
  });
  afterAll(() => {
    // whatever a failed case left running
    for (const name of existsSync(pids) ? readdirSync(pids) : []) {
      try {
        process.kill(-pidOf(name), 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    workspace?.remove();
  });

  // The two task scripts of the issue, telling their pids (and their children's).
  const graceful = () => `echo $$ > ${pids}/graceful; trap "sleep 3; echo graceful-exit; exit 0" TERM; sleep 301 & echo $! > ${pids}/graceful-child; wait`;
  const stubborn = () => `echo $$ > ${pids}/stubborn; trap "" TERM INT; sleep 303 & echo $! > ${pids}/stubborn-child; wait`;
  const taskPids = ['graceful', 'graceful-child', 'stubborn', 'stubborn-child'];

  it('Ctrl-C stops every task process and its children, records CANCELLED, then exits', async () => {
    writePipeline('ctrl-c', { graceful: { script: graceful() }, stubborn: { script: stubborn() } });
    const { child, exited } = startDeploy('ctrl-c');
    await waitFor(() => haveAll(taskPids), 120_000, 'both tasks to start');
    const processes = taskPids.map(pidOf);
    const runner = parentOf(pidOf('graceful'));
    expect(processes.every(alive)).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    const { status } = await exited;
    expect(status).not.toBe(0);
    // The runner ends last: when it is gone, so is every task, and the run says so.
    await waitFor(() => !alive(runner), 30_000, 'the runner to exit');
    expect(processes.filter(alive)).toEqual([]);
    const run = latest('ctrl-c');
    expect(run.state).toBe('CANCELLED');
    expect(run.tasks.map((task: { state: string }) => task.state)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('kill -9 of the runner: its tasks are stopped and the run is marked CANCELLED', async () => {
    writePipeline('killed', { graceful: { script: graceful() }, stubborn: { script: stubborn() } });
    const { exited } = startDeploy('killed');
    await waitFor(() => haveAll(taskPids), 120_000, 'both tasks to start');
    const processes = taskPids.map(pidOf);
    process.kill(parentOf(pidOf('graceful')), 'SIGKILL');
    await exited;
    await waitFor(
      () => processes.every((pid) => !alive(pid)),
      30_000,
      () => `the tasks to be stopped; alive: ${processes.filter(alive).map((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0, 80)).join(' | ')}`,
    );
    await waitFor(() => latest('killed').state !== 'RUNNING', 10_000, 'run.json to be marked');
    expect(latest('killed').state).toBe('CANCELLED');
  });

  it('a run left RUNNING by a runner that is gone (its watchdog too) is marked by the next run', async () => {
    writePipeline('abandoned', { stubborn: { script: stubborn() } });
    const { exited } = startDeploy('abandoned');
    await waitFor(() => haveAll(['stubborn', 'stubborn-child']), 120_000, 'the task to start');
    const runner = parentOf(pidOf('stubborn'));
    const watchdogs = readFileSync(`/proc/${runner}/task/${runner}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
      .filter((pid) => pid !== pidOf('stubborn'));
    for (const pid of [...watchdogs, runner]) process.kill(pid, 'SIGKILL');
    await exited;
    const abandoned = runs('abandoned')[0];
    expect(record(abandoned).state).toBe('RUNNING');
    process.kill(-pidOf('stubborn'), 'SIGKILL'); // what nothing was left to stop

    writePipeline('abandoned', { quick: { script: 'true' } });
    const next = workspace.nx('run', 'abandoned:deploy', '--run', '--wait', '--outputStyle=static');
    expect(next.status === 0 ? '' : next.output).toBe('');
    expect(next.output).toContain('was left RUNNING by a runner that is gone; marked CANCELLED');
    expect(record(abandoned)).toMatchObject({ state: 'CANCELLED', tasks: [{ state: 'CANCELLED' }] });
  });

  it('a failed task is told once: exit code, error message and traceback as text, then the log path', () => {
    const line = JSON.stringify({
      severity: 'ERROR',
      message: 'training failed',
      exception: 'Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n    main()\nValueError: the data is empty',
    });
    const steps = Array.from({ length: 25 }, (_, i) => `echo '{"severity": "INFO", "message": "step ${i}"}'`).join('; ');
    writePipeline('failing', { train: { script: `${steps}; printf '%s\\n' '${line}' >&2; exit 1` } });
    const result = workspace.nx('run', 'failing:deploy', '--run', '--wait', '--outputStyle=static');
    expect(result.status).not.toBe(0);
    expect(result.output.split('Traceback (most recent call last):')).toHaveLength(2);
    expect(result.output).toContain('\n    File "train.py", line 3, in <module>\n');
    expect(result.output).toContain('task "train" failed: exit code 1: ValueError: the data is empty');
    expect(result.output).toMatch(/log: \S*dist\/runs\/failing\/[^/]+\/train\/log\.txt/);
    expect(result.output).not.toContain('\\n');
    expect(result.output).not.toContain('"severity"');
  });

  it("a cached task's log.txt is in the new run folder, and settings.local.toml is in the cache key", () => {
    const config = join(workspace.root, 'components/shell-task/config');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'settings.toml'), '[default]\ndecimals = 3\n');
    writePipeline('cached', { report: { script: 'echo "read: $(cat config/*.toml | tr "\\n" " ")"', caching: true } });
    const deploy = () => workspace.nx('run', 'cached:deploy', '--run', '--wait', '--outputStyle=static');
    const state = () => latest('cached').tasks[0].state;
    expect(deploy().status).toBe(0);
    expect(state()).toBe('SUCCEEDED');
    expect(deploy().status).toBe(0);
    expect(state()).toBe('CACHED');
    const log = latest('cached').tasks[0].logFile;
    expect(log.startsWith(runs('cached').slice(-1)[0])).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('read: [default] decimals = 3');

    writeFileSync(join(config, 'settings.local.toml'), '[default]\ndecimals = 1\n');
    expect(deploy().status).toBe(0);
    expect(state()).toBe('SUCCEEDED');
    expect(readFileSync(latest('cached').tasks[0].logFile, 'utf8')).toContain('decimals = 1');
    rmSync(config, { recursive: true, force: true });
  });

  it('deploy.task_timeout_seconds fails a stuck task after it, saying so', () => {
    writePipeline('stuck', { hang: { script: `echo $$ > ${pids}/hang; sleep 300` } }, '[default]\ndeploy.task_timeout_seconds = 2\n');
    const result = workspace.nx('run', 'stuck:deploy', '--run', '--wait', '--outputStyle=static');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('task "hang" failed: timed out after 2s (deploy.task_timeout_seconds in the settings) and was stopped');
    expect(alive(pidOf('hang'))).toBe(false);
  });
});
