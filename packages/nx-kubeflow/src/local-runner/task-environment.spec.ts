import { taskEnvironment } from './task-environment';
import type { IrContainer } from './ir-reader';

describe('taskEnvironment and colour', () => {
  const context = { pipelineName: 'p', runId: 'r1', task: 't', component: 'c' };
  const container = (env: IrContainer['env'] = []): IrContainer => ({ image: 'i', command: [], args: [], env });
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("keeps what forces colour in this process (Nx's FORCE_COLOR=true) away from a task, whose output goes to log.txt", () => {
    Object.assign(process.env, { FORCE_COLOR: 'true', CLICOLOR_FORCE: '1', PY_COLORS: '1' });
    const { env } = taskEnvironment({ container: container(), extraEnv: {}, context, secretEnv: [] });
    expect([env.FORCE_COLOR, env.CLICOLOR_FORCE, env.PY_COLORS, env.NO_COLOR]).toEqual([undefined, undefined, undefined, '1']);
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('lets the IR and the env given to the runner set them, and leaves a container base as it is', () => {
    process.env.FORCE_COLOR = 'true';
    const asked = taskEnvironment({ container: container([{ name: 'FORCE_COLOR', value: '1' }]), extraEnv: {}, context, secretEnv: [] }).env;
    expect([asked.FORCE_COLOR, asked.NO_COLOR]).toEqual(['1', undefined]);
    expect(taskEnvironment({ container: container(), extraEnv: { NO_COLOR: '' }, context, secretEnv: [] }).env.NO_COLOR).toBe('');
    const inContainer = taskEnvironment({ container: container(), extraEnv: {}, context, secretEnv: [], base: {} }).env;
    expect([inContainer.FORCE_COLOR, inContainer.NO_COLOR]).toEqual([undefined, undefined]);
  });
});

describe('VenvProvider', () => {
  it("asks for the interpreter through the workspace's probe cache, as the venv and test targets do (a pyenv shim costs ~80 ms a probe)", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const interpreter = await import('../python/interpreter');
    const workspace = mkdtempSync(join(tmpdir(), 'venv-provider-'));
    mkdirSync(join(workspace, 'components/a'), { recursive: true });
    writeFileSync(join(workspace, 'components/a/pyproject.toml'), '[project]\nname = "a"\nversion = "0.1.0"\n');
    const probe = jest.spyOn(interpreter, 'findPythonInterpreter').mockRejectedValue(new Error('stopped here'));
    try {
      const { VenvProvider } = await import('./task-environment');
      await expect(new VenvProvider(workspace, {}, () => undefined).ensure('components/a')).rejects.toThrow('stopped here');
      const { interpreterCacheFile } = await import('../python/project-venv');
      // the workspace's own cache file (Nx's workspace data folder, which NX_WORKSPACE_DATA_DIRECTORY may move)
      expect(probe).toHaveBeenCalledWith(undefined, process.env, { cacheFile: interpreterCacheFile(workspace, process.env) });
      expect(interpreterCacheFile(workspace, process.env)).toContain('nx-kubeflow-python-interpreters.json');
    } finally {
      probe.mockRestore();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
