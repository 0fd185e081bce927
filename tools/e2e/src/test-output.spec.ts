import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12, stumble 8, through the real nx CLI in a CI-like shell: no
 * terminal (pipes), CI=true, and neither FORCE_COLOR nor NO_COLOR set by the
 * user (Nx then gives every task FORCE_COLOR=true).
 *
 * - A cached test replayed "Creating venv… Installing…" lines that did not
 *   happen: Nx replays a cached task's output as it was. The venv is made by
 *   the venv target, which test depends on and which is never cached, so the
 *   test task's own output never claims a venv step, cached or not.
 * - Colour was forced into non-terminal output: pytest's and pip's output,
 *   and a local run's task logs (a task's program that honours FORCE_COLOR,
 *   as rich does, wrote escape codes into log.txt).
 */
const VENV_CLAIM = /Creating venv|Installing .* into its venv|pip: |Installed \S+ in \d/;
const ESC = '\u001b';

/** This process's environment as a CI job's shell has it: colour variables of whoever runs the spec left out. */
function ciEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR_FORCE', 'PY_COLORS', 'PYTHON_COLORS']) delete env[name];
  // set when this spec itself runs as an Nx task: they describe that task, not the one started here
  for (const name of Object.keys(env)) if (name.startsWith('NX_TASK_') || name.startsWith('NX_TERMINAL_')) delete env[name];
  return env;
}

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * The lines a task printed in `nx --outputStyle=static` output: after its
 * "> nx run <task>" header, up to the next header, Nx's summary or the
 * divider before it (a line of colour codes only). Nx's own lines are kept
 * out: Nx colours them under CI=true, as it chooses.
 */
function taskOutput(output: string, task: string): string | undefined {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^> nx run ${task}(\\s|$)`).test(stripAnsi(line).trim()));
  if (start < 0) return undefined;
  const isNxLine = (line: string) => /^(> nx run |NX\s)/.test(stripAnsi(line).trim()) || (line.includes(ESC) && stripAnsi(line).trim() === '');
  const end = lines.findIndex((line, index) => index > start && isNxLine(line));
  // Nx echoes a run-commands target's command ("> node …python-cli.js test …") under its header: Nx's line, coloured as Nx likes
  const isCommandEcho = (line: string) => /^> \S/.test(stripAnsi(line).trim());
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((line) => !isCommandEcho(line))
    .join('\n');
}

function taskHeader(output: string, task: string): string | undefined {
  return stripAnsi(output)
    .split('\n')
    .find((line) => new RegExp(`^> nx run ${task}(\\s|$)`).test(line.trim()));
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('what test and a local run print and write in CI (issue 12, stumble 8)', () => {
  let workspace: WorkspaceCopy;
  const nx = (...args: string[]) => {
    // before the arguments: after a `--` nx passes everything on to the executor
    const result = spawnSync(join(workspace.root, 'node_modules/.bin/nx'), ['--outputStyle=static', ...args], {
      cwd: workspace.root,
      env: ciEnvironment(),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  };

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  it('a cache hit of test replays no venv step; the venv target, which always runs, says what it did in this run', () => {
    const first = nx('run', 'trainer:test');
    expect(first.status === 0 ? '' : first.output).toBe('');
    expect(taskOutput(first.output, 'trainer:venv')).toMatch(/Creating venv components\/trainer\/\.venv/);
    expect(taskOutput(first.output, 'trainer:test')).toMatch(/passed/);
    expect(taskOutput(first.output, 'trainer:test')).not.toMatch(VENV_CLAIM);

    const second = nx('run', 'trainer:test');
    expect(second.status === 0 ? '' : second.output).toBe('');
    expect(taskHeader(second.output, 'trainer:test')).toContain('[local cache]');
    expect(taskOutput(second.output, 'trainer:test')).not.toMatch(VENV_CLAIM);
    expect(taskOutput(second.output, 'trainer:venv')).toMatch(/venv components\/trainer\/\.venv is up to date/);
    expect(taskOutput(second.output, 'trainer:venv')).not.toMatch(VENV_CLAIM);

    // The venv gone (a fresh clone with a shared cache): made again, by the venv target, while test stays a cache hit.
    rmSync(join(workspace.root, 'components/trainer/.venv'), { recursive: true, force: true });
    const third = nx('run', 'trainer:test');
    expect(third.status === 0 ? '' : third.output).toBe('');
    expect(taskOutput(third.output, 'trainer:venv')).toMatch(/Creating venv components\/trainer\/\.venv/);
    expect(taskHeader(third.output, 'trainer:test')).toContain('[local cache]');
    expect(taskOutput(third.output, 'trainer:test')).not.toMatch(VENV_CLAIM);
  });

  it('test prints no colour codes without a terminal, and writes none into its JUnit report', () => {
    const run = nx('run', 'trainer:test', '--skip-nx-cache', '--', '-v');
    expect(run.status === 0 ? '' : run.output).toBe('');
    const own = `${taskOutput(run.output, 'trainer:venv')}\n${taskOutput(run.output, 'trainer:test')}`;
    expect(own).toMatch(/PASSED/);
    expect(JSON.stringify(own.split('\n').filter((line) => line.includes(ESC)))).toBe('[]');
    expect(readFileSync(join(workspace.root, 'dist/test-results/trainer/junit.xml'), 'utf8')).not.toContain(ESC);
  });

  it("a local run writes no colour codes into its task logs or run.json, though the task's program colours when told to (rich honours FORCE_COLOR)", () => {
    // A component run by its command as it stands (no pyproject.toml, no Dockerfile): the system python with pip's rich.
    const component = join(workspace.root, 'components/colour-probe');
    mkdirSync(component, { recursive: true });
    const script = 'from pip._vendor.rich.console import Console; Console().print("[bold red]error[/]: the colour probe")';
    writeFileSync(
      join(component, 'component.yaml'),
      [
        'name: Colour probe',
        'description: Prints a line in colour where it is told colour is wanted',
        'implementation:',
        '  container:',
        `    image: docker.io/library/python@sha256:${'0'.repeat(64)}`,
        `    command: [python3, -c, '${script}']`,
        '',
      ].join('\n'),
    );
    const pipeline = join(workspace.root, 'pipelines/colour-probe-pipeline');
    mkdirSync(pipeline, { recursive: true });
    writeFileSync(
      join(pipeline, 'pipeline.yaml'),
      ['name: colour-probe-pipeline', 'description: One task that prints in colour when told to', 'tasks:', '  probe:', '    component: colour-probe', '    caching: false', ''].join('\n'),
    );

    const run = nx('run', 'colour-probe-pipeline:run');
    expect(run.status === 0 ? '' : run.output).toBe('');
    const files = filesUnder(join(workspace.root, 'dist/runs/colour-probe-pipeline'));
    const logs = files.filter((file) => file.endsWith('log.txt'));
    expect(logs.length).toBeGreaterThan(0);
    expect(files.filter((file) => readFileSync(file, 'latin1').includes(ESC)).map((file) => file.slice(workspace.root.length + 1))).toEqual([]);
    // the probe ran and printed its line
    expect(stripAnsi(logs.map((file) => readFileSync(file, 'utf8')).join(''))).toContain('error: the colour probe');
  });
});
