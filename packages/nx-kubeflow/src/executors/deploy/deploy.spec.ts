import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import deployExecutor from './deploy.impl';
import runExecutor from '../run/run.impl';

/** The executors for project.json targets: shells over the pipeline command's runDeployCommand (pipeline-cli.spec.ts covers it). */
let workspace: string;
let lines: string[];
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
};
const context = (): ExecutorContext =>
  ({
    root: workspace,
    cwd: workspace,
    isVerbose: false,
    projectName: 'p',
    projectsConfigurations: { version: 2, projects: { p: { root: 'pipelines/p' }, echo: { root: 'components/echo' } } },
  }) as unknown as ExecutorContext;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-deploy-executor-'));
  write('components/echo/component.yaml', `name: echo\nimplementation:\n  container:\n    image: registry.example.com/echo@sha256:${'c'.repeat(64)}\n    command: [echo, hi]\n`);
  write('pipelines/p/pipeline.yaml', 'name: p\ntasks:\n  say: {component: echo}\n');
  write('pipelines/p/config/settings.toml', '[default]\nkfp.host = "local"\n');
  lines = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(`${level} ${String(args[0])}`));
  }
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(workspace, { recursive: true, force: true });
});

describe('deploy and run executors', () => {
  it("run deploys and follows a run through Nx's logger, and says success", async () => {
    expect(await runExecutor({ maxParallelTasks: 1 }, context())).toEqual({ success: true });
    expect(lines.join('\n')).toMatch(/info .*say SUCCEEDED/);
    const runs = readdirSync(join(workspace, 'dist/runs/p'));
    expect(JSON.parse(readFileSync(join(workspace, 'dist/runs/p', runs[0], 'run.json'), 'utf8')).state).toBe('SUCCEEDED');
  });

  it('deploy fails on a broken settings file, named file:line:column through logger.error, before anything runs', async () => {
    write('pipelines/p/config/settings.toml', '[default\n');
    expect(await deployExecutor({ run: true }, context())).toEqual({ success: false });
    expect(lines[0]).toMatch(/^error \[p\] /);
    expect(lines.join('\n')).toContain('pipelines/p/config/settings.toml:1:');
    expect(() => readdirSync(join(workspace, 'dist'))).toThrow();
  });
});
