import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_PIPELINE, writeProbePipeline } from './probe-pipeline';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12, broken 6: `nx run p:deploy --run --wait --parallel 1` ran two
 * tasks at once, because Nx takes --parallel for itself. The option is
 * --max-parallel-tasks; through the real nx CLI, a pipeline whose two
 * independent tasks look for each other runs them one after the other with
 * 1, and at the same time with 2.
 */
describe('deploy --max-parallel-tasks through the nx CLI', () => {
  let workspace: WorkspaceCopy;
  const markers = () => join(workspace.root, 'tmp/overlap-markers');
  const overlaps = () => readdirSync(markers()).filter((name) => name.startsWith('overlap-'));
  const latestRun = () => {
    const runs = join(workspace.root, 'dist/runs', PROBE_PIPELINE);
    const names = readdirSync(runs).sort();
    return JSON.parse(readFileSync(join(runs, names[names.length - 1], 'run.json'), 'utf8'));
  };
  const deploy = (...options: string[]) => {
    rmSync(markers(), { recursive: true, force: true });
    writeProbePipeline(workspace.root, markers());
    return workspace.nx('run', `${PROBE_PIPELINE}:deploy`, '--run', '--wait', ...options, '--outputStyle=static');
  };

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    writeProbePipeline(workspace.root, join(workspace.root, 'tmp/overlap-markers'));
  });
  afterAll(() => workspace?.remove());

  it('--max-parallel-tasks 1 runs the two independent tasks one after the other', () => {
    const result = deploy('--max-parallel-tasks', '1');
    expect(result.status === 0 ? '' : result.output).toBe('');
    expect(latestRun().tasks.map((task: { state: string }) => task.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(existsSync(join(markers(), 'ended-first')) && existsSync(join(markers(), 'ended-second'))).toBe(true);
    expect(overlaps()).toEqual([]);
  });

  it('--max-parallel-tasks=2 runs them at the same time (the probe sees an overlap when there is one)', () => {
    const result = deploy('--max-parallel-tasks=2');
    expect(result.status === 0 ? '' : result.output).toBe('');
    // The first to see the other marks it and ends, so the other may or may not see it in turn.
    expect(overlaps().length).toBeGreaterThan(0);
  });

  it('the run target takes it too', () => {
    rmSync(markers(), { recursive: true, force: true });
    writeProbePipeline(workspace.root, markers());
    const result = workspace.nx('run', `${PROBE_PIPELINE}:run`, '--max-parallel-tasks', '1', '--outputStyle=static');
    expect(result.status === 0 ? '' : result.output).toBe('');
    expect(readdirSync(markers()).sort()).toEqual(['ended-first', 'ended-second', 'started-first', 'started-second']);
  });

  it("the old form that got past Nx, '-- --parallel=1', still works on a project.json target running the deploy executor, with a note to use the new name", () => {
    rmSync(markers(), { recursive: true, force: true });
    writeProbePipeline(workspace.root, markers());
    // The inferred deploy is a run-commands target, and run-commands takes --parallel for itself:
    // the old name reaches only the executor, kept for project.json targets (a shell over the same command).
    writeFileSync(join(workspace.root, 'pipelines', PROBE_PIPELINE, 'project.json'), JSON.stringify({ targets: { 'deploy-executor': { executor: 'nx-kubeflow:deploy' } } }));
    try {
      // After `--` Nx passes only what follows it, so the other options go there too.
      const result = workspace.nx('run', `${PROBE_PIPELINE}:deploy-executor`, '--outputStyle=static', '--', '--run', '--wait', '--parallel=1');
      expect(result.status === 0 ? '' : result.output).toBe('');
      expect(result.output).toContain('Use --max-parallel-tasks');
      expect(readdirSync(markers()).sort()).toEqual(['ended-first', 'ended-second', 'started-first', 'started-second']);
    } finally {
      rmSync(join(workspace.root, 'pipelines', PROBE_PIPELINE, 'project.json'), { force: true });
    }
  });
});
