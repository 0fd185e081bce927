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
