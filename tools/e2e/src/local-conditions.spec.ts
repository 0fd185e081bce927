import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 14 (conditions) through the real nx CLI, on the local backend, with
 * real processes: a pipeline.yaml with If / Elif / Else on a parameter is
 * compiled to kfp's condition groups and run by `deploy --run`; the branch
 * the `--param` value selects runs, the others are SKIPPED in run.json with
 * the condition that was false, and the run SUCCEEDS.
 *
 * One component, `shell-value`, runs its `script` input with sh as its
 * command stands (no venv, no image build), `$1` being its Integer output.
 */
jest.setTimeout(300_000);

interface RunTask {
  name: string;
  state: string;
  error?: string;
  outputs: { parameters: Record<string, unknown> };
}
interface RunRecord {
  state: string;
  parameters: Record<string, unknown>;
  tasks: RunTask[];
  conditions?: { name: string; state: string; condition?: string; tasks: string[] }[];
}

const PIPELINE = `name: branching
description: issue 14 conditions, run locally
parameters:
  mode: {type: String, default: fast}
tasks:
  measure:
    component: shell-value
    arguments: {script: 'echo 7 > "$1"'}
  route:
    if: {left: {parameter: mode}, operator: '==', right: fast}
    then:
      fast-path: {component: shell-value, arguments: {script: 'echo 1 > "$1"'}}
    elif:
      - if: {left: {parameter: mode}, operator: '==', right: careful}
        then:
          careful-path: {component: shell-value, arguments: {script: 'echo 2 > "$1"'}}
    else:
      other-path: {component: shell-value, arguments: {script: 'echo 3 > "$1"'}}
`;

describe('conditions in pipeline.yaml, run locally through the nx CLI', () => {
  let workspace: WorkspaceCopy;

  const latestRun = (pipeline: string): RunRecord => {
    const dir = join(workspace.root, 'dist/runs', pipeline);
    const runs = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(runs.length).toBeGreaterThan(0);
    return JSON.parse(readFileSync(join(dir, runs[runs.length - 1], 'run.json'), 'utf8'));
  };
  const states = (run: RunRecord) => Object.fromEntries(run.tasks.map((task) => [task.name, task.state]));
  const errorOf = (run: RunRecord, name: string) => run.tasks.find((task) => task.name === name)?.error;
  const deploy = (mode: string) => workspace.nx('run', 'branching:deploy', '--run', '--wait', '--param', `mode=${mode}`, '--outputStyle=static');

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    const component = join(workspace.root, 'components/shell-value');
    mkdirSync(component, { recursive: true });
    writeFileSync(
      join(component, 'component.yaml'),
      [
        'name: Shell value',
        'description: Runs a shell script; $1 is its Integer output',
        'inputs:',
        '- {name: script, type: String}',
        'outputs:',
        '- {name: value, type: Integer}',
        'implementation:',
        '  container:',
        `    image: docker.io/library/busybox@sha256:${'0'.repeat(64)}`,
        `    command: [sh, -c, 'mkdir -p "$(dirname "$1")" && eval "$2"', sh, {outputPath: value}, {inputValue: script}]`,
        '',
      ].join('\n'),
    );
    const pipeline = join(workspace.root, 'pipelines/branching');
    mkdirSync(pipeline, { recursive: true });
    writeFileSync(join(pipeline, 'pipeline.yaml'), PIPELINE);
  });
  afterAll(() => workspace?.remove());

  it('runs the If branch for mode=fast: the Elif and Else tasks are SKIPPED with the condition, the run SUCCEEDS', () => {
    const result = deploy('fast');
    expect(result.status).toBe(0);
    const run = latestRun('branching');
    expect(run.state).toBe('SUCCEEDED');
    expect(run.parameters).toEqual({ mode: 'fast' });
    expect(states(run)).toEqual({ measure: 'SUCCEEDED', 'fast-path': 'SUCCEEDED', 'careful-path': 'SKIPPED', 'other-path': 'SKIPPED' });
    expect(run.tasks.find((task) => task.name === 'fast-path')!.outputs.parameters).toEqual({ value: 1 });
    expect(errorOf(run, 'careful-path')).toBe(
      `condition "condition-3" is false (!(inputs.parameter_values['pipelinechannel--mode'] == 'fast') && inputs.parameter_values['pipelinechannel--mode'] == 'careful')`,
    );
    expect(errorOf(run, 'other-path')).toMatch(/^condition "condition-4" is false \(!\(.*'fast'\) && !\(.*'careful'\)\)$/);
    expect(run.conditions!.map((condition) => [condition.name, condition.state, condition.tasks])).toEqual([
      ['condition-branches-1', 'TRUE', ['fast-path', 'careful-path', 'other-path']],
      ['condition-2', 'TRUE', ['fast-path']],
      ['condition-3', 'FALSE', ['careful-path']],
      ['condition-4', 'FALSE', ['other-path']],
    ]);
  });

  it('runs the Elif branch for mode=careful: the If and Else tasks are SKIPPED', () => {
    const result = deploy('careful');
    expect(result.status).toBe(0);
    const run = latestRun('branching');
    expect(run.state).toBe('SUCCEEDED');
    expect(run.parameters).toEqual({ mode: 'careful' });
    expect(states(run)).toEqual({ measure: expect.stringMatching(/^(SUCCEEDED|CACHED)$/), 'fast-path': 'SKIPPED', 'careful-path': 'SUCCEEDED', 'other-path': 'SKIPPED' });
    expect(errorOf(run, 'fast-path')).toBe(`condition "condition-2" is false (inputs.parameter_values['pipelinechannel--mode'] == 'fast')`);
    expect(run.tasks.find((task) => task.name === 'careful-path')!.outputs.parameters).toEqual({ value: 2 });
  });
});
