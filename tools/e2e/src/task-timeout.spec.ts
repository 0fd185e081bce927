import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12 (no task timeout) through the real nx CLI, on the local backend,
 * with real processes: a pipeline.yaml task's `timeout` is compiled as
 * kfp-kubernetes' set_timeout (activeDeadlineSeconds), and a local run stops
 * and fails the task once it has run that long, naming the task and
 * pipeline.yaml; a task's own timeout wins over deploy.task_timeout_seconds,
 * either way; a timeout Kubernetes would refuse is refused by compile, at
 * its line and column, every one at once.
 *
 * One component, `shell-task`, runs its `script` input with sh as its
 * command stands (no venv, no image build).
 */
jest.setTimeout(300_000);

/** A task of run.json, as far as these cases read it. */
interface RunTask {
  name: string;
  state: string;
  error?: string;
  durationMs: number;
  logFile: string;
}

interface TaskLine {
  script: string;
  timeout?: string;
}

describe('task timeouts from pipeline.yaml, through the nx CLI', () => {
  let workspace: WorkspaceCopy;

  const writePipeline = (name: string, tasks: Record<string, TaskLine>, settings?: string) => {
    const dir = join(workspace.root, 'pipelines', name);
    mkdirSync(join(dir, 'config'), { recursive: true });
    const lines = [`name: ${name}`, 'description: issue 12 task timeouts', 'tasks:'];
    for (const [task, { script, timeout }] of Object.entries(tasks)) {
      lines.push(`  ${task}:`, '    component: shell-task', '    caching: false', `    arguments: {script: ${JSON.stringify(script)}}`);
      if (timeout !== undefined) lines.push(`    timeout: ${timeout}`);
    }
    writeFileSync(join(dir, 'pipeline.yaml'), lines.join('\n') + '\n');
    if (settings !== undefined) writeFileSync(join(dir, 'config', 'settings.toml'), settings);
  };
  const latestRun = (pipeline: string) => {
    const dir = join(workspace.root, 'dist/runs', pipeline);
    const runs = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(runs.length).toBeGreaterThan(0);
    return JSON.parse(readFileSync(join(dir, runs[runs.length - 1], 'run.json'), 'utf8'));
  };
  const taskOf = (run: { tasks: RunTask[] }, name: string): RunTask => {
    const task = run.tasks.find((candidate) => candidate.name === name);
    if (!task) throw new Error(`run.json has no task ${name}: ${JSON.stringify(run.tasks.map((candidate) => candidate.name))}`);
    return task;
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const deploy = (pipeline: string) => workspace.nx('run', `${pipeline}:deploy`, '--run', '--wait', '--outputStyle=static');

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
  });
  afterAll(() => workspace?.remove());

  it("compiles timeout as set_timeout's activeDeadlineSeconds, and a local run fails the stuck task after it, naming pipeline.yaml", () => {
    const pidFile = join(workspace.root, 'tmp/hang.pid');
    mkdirSync(join(workspace.root, 'tmp'), { recursive: true });
    // the settings' default is far longer: the task's own timeout is the one that applies
    writePipeline('stuck', { hang: { script: `echo $$ > ${pidFile}; sleep 300`, timeout: '3s' } }, '[default]\ndeploy.task_timeout_seconds = 300\n');

    const compile = workspace.nx('run', 'stuck:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(compile.status).toBe(0);
    const ir = readFileSync(join(workspace.root, 'dist/pipelines/stuck/development/pipeline.yaml'), 'utf8');
    expect(ir).toMatch(/platforms:\n {2}kubernetes:\n {4}deploymentSpec:\n {6}executors:\n {8}exec-hang:\n {10}activeDeadlineSeconds: '3'\n/);

    const started = Date.now();
    const result = deploy('stuck');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('task "hang" failed: timed out after 3s (its timeout in pipeline.yaml) and was stopped');
    const run = latestRun('stuck');
    expect(run.state).toBe('FAILED');
    const hang = taskOf(run, 'hang');
    expect(hang.state).toBe('FAILED');
    expect(hang.error).toContain('timed out after 3s (its timeout in pipeline.yaml)');
    // about the timeout: not before it, and well before the 300s the script would sleep (the
    // kill grace is 5s, which sleep does not need: it ends on SIGTERM)
    expect(hang.durationMs).toBeGreaterThanOrEqual(3000);
    expect(hang.durationMs).toBeLessThan(3000 + 5000);
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('a task with its own timeout is not held to the shorter deploy.task_timeout_seconds; one without it is', () => {
    writePipeline(
      'mixed',
      {
        patient: { script: 'sleep 3; echo finished', timeout: '30' },
        bounded: { script: 'sleep 300' },
      },
      '[default]\ndeploy.task_timeout_seconds = 1\n',
    );
    const result = deploy('mixed');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('task "bounded" failed: timed out after 1s (deploy.task_timeout_seconds in the settings) and was stopped');
    const run = latestRun('mixed');
    expect(run.state).toBe('FAILED');
    const patient = taskOf(run, 'patient');
    expect(patient.state).toBe('SUCCEEDED');
    expect(patient.durationMs).toBeGreaterThanOrEqual(3000);
    expect(readFileSync(patient.logFile, 'utf8')).toContain('finished');
    expect(taskOf(run, 'bounded').state).toBe('FAILED');
  });

  it('refuses timeouts Kubernetes would refuse, each at its line and column, all at once, and writes no IR', () => {
    writePipeline('refused', {
      zero: { script: 'true', timeout: '0' },
      fraction: { script: 'true', timeout: '1.5h' },
      huge: { script: 'true', timeout: '2147483648' },
      fine: { script: 'true', timeout: '2h' },
    });
    const result = workspace.nx('run', 'refused:compile', '--outputStyle=static', '--skip-nx-cache');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('3 problems found; nothing was written');
    expect(result.output).toContain('pipelines/refused/pipeline.yaml:8:14: task "zero", timeout: must be 1 second or more');
    expect(result.output).toContain('pipelines/refused/pipeline.yaml:13:14: task "fraction", timeout: must be a whole number of seconds (3600) or a whole number and one unit: 90s, 30m, 2h or 1d (got "1.5h")');
    expect(result.output).toContain("pipelines/refused/pipeline.yaml:18:14: task \"huge\", timeout: 2147483648 is more than 2147483647 seconds (about 68 years), the most Kubernetes takes for a pod's activeDeadlineSeconds.");
    expect(result.output).not.toContain('task "fine"');
    expect(existsSync(join(workspace.root, 'dist/pipelines/refused/development/pipeline.yaml'))).toBe(false);
  });
});
