import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 4's main job on a fresh copy: `nx run training-pipeline:deploy` with the
 * default (development, kfp.host = "local") settings publishes and runs the
 * example pipeline on this machine.
 */
describe('deploy and run the example pipeline locally', () => {
  let workspace: WorkspaceCopy;
  const runsDir = () => join(workspace.root, 'dist/runs/training-pipeline');
  const latestRun = () => {
    const runs = readdirSync(runsDir()).sort();
    return JSON.parse(readFileSync(join(runsDir(), runs[runs.length - 1], 'run.json'), 'utf8'));
  };

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  it('publishes and runs it end to end, one line per task state change and a summary', () => {
    const result = workspace.nx('run', 'training-pipeline:deploy', '--outputStyle=static');
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/Published version [0-9a-f]{12} of training-pipeline/);
    expect(result.output).toMatch(/\] data-loader RUNNING/);
    expect(result.output).toMatch(/\] trainer SUCCEEDED/);
    expect(result.output).toMatch(/task\s+state\s+duration\s+attempts\s+cached/);

    const run = latestRun();
    expect(run.state).toBe('SUCCEEDED');
    const trainer = run.tasks.find((task: { name: string }) => task.name === 'trainer');
    expect(trainer.outputs.parameters.rmse).toBeGreaterThan(0);
    expect(existsSync(trainer.outputs.artifacts.model.path)).toBe(true);
    expect(JSON.parse(readFileSync(trainer.outputs.artifacts.model.path, 'utf8')).weights).toHaveLength(2);
  });

  it('publishes nothing new for an unchanged pipeline and takes its tasks from the cache', () => {
    const result = workspace.nx('run', 'training-pipeline:run', '--outputStyle=static');
    expect(result.status).toBe(0);
    expect(result.output).toContain('Unchanged: version');
    expect(latestRun().tasks.map((task: { state: string }) => task.state)).toEqual(['CACHED', 'CACHED']);
  });

  it('only publishes in production, where deploy.run is not set', () => {
    const before = readdirSync(runsDir()).length;
    // -c production passes --settingsEnv=production: run-commands keeps --env for its environment variables
    const result = workspace.nx('run', 'training-pipeline:deploy', '-c', 'production', '--outputStyle=static');
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/Compiled training-pipeline \(production\)/);
    // its [production] leaves kfp.host at "local": said before anything happens
    expect(result.output).toContain('WARNING: the production environment deploys to the LOCAL backend (kfp.host = "local")');
    expect(readdirSync(runsDir())).toHaveLength(before);
  });

  it('refuses an environment the pipeline\'s settings never declare, instead of deploying [default] locally', () => {
    // -c names only declared environments (Nx drops an unknown one); --settingsEnv names any
    const result = workspace.nx('run', 'training-pipeline:deploy', '--settingsEnv', 'prodution', '--outputStyle=static');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('the environment "prodution" is declared in no settings file of pipelines/training-pipeline');
    expect(result.output).toContain('they declare: development, production');
  });

  it('fails a run whose task fails, naming it, and skips what depends on it', () => {
    const result = workspace.nx('run', 'training-pipeline:run', '--param', 'rows=0', '--outputStyle=static');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/data-loader/);
    expect(result.output).toMatch(/rows must be at least 1/);
    const run = latestRun();
    expect(run.state).toBe('FAILED');
    expect(run.tasks.map((task: { state: string }) => task.state)).toEqual(['FAILED', 'SKIPPED']);
  });

  it('refuses a Kubeflow URL without an image registry before building or calling anything, saying what to set', () => {
    const settings = join(workspace.root, 'pipelines/training-pipeline/config/settings.local.toml');
    writeFileSync(settings, '[development]\nkfp = { dynaconf_merge = true, host = "https://kubeflow.example.com/pipeline" }\n');
    const result = workspace.nx('run', 'training-pipeline:deploy', '--outputStyle=static');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('image.registry is empty in the development settings of training-pipeline');
    expect(result.output).toContain('Set image.registry for development');
    expect(result.output).not.toMatch(/Building the images/);
  });
});
