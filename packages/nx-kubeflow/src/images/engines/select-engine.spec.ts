import { ContainerEngine, EngineName } from './container-engine';
import { EngineSelectionError, selectEngine } from './select-engine';

function fakeEngine(name: EngineName, available: boolean, reason?: string): ContainerEngine {
  return { name, detect: async () => ({ name, available, reason }) } as ContainerEngine;
}

describe('selectEngine', () => {
  it('refuses an unknown engine and lists the valid ones', async () => {
    await expect(selectEngine('kaniko')).rejects.toThrow('Unknown engine "kaniko". Valid engines: docker, podman, buildah.');
  });

  it('takes the first engine that answers, in the order docker, podman, buildah', async () => {
    const engine = await selectEngine(undefined, (name) => fakeEngine(name, name !== 'docker', 'daemon down'));
    expect(engine.name).toBe('podman');
  });

  it('when none answers, says what was looked for, why each failed and how to install one', async () => {
    const error = await selectEngine(undefined, (name) => fakeEngine(name, false, `${name} is missing`)).catch((e) => e);
    expect(error).toBeInstanceOf(EngineSelectionError);
    expect(error.message).toContain('docker: docker is missing');
    expect(error.message).toContain('podman: podman is missing');
    expect(error.message).toContain('buildah: buildah is missing');
    expect(error.message).toContain('apt-get install docker.io');
    expect(error.message).toContain('apt-get install buildah');
  });

  it('reports a named engine that cannot be used', async () => {
    await expect(selectEngine('buildah', (name) => fakeEngine(name, false, 'no `buildah` on PATH'))).rejects.toThrow(
      /--engine buildah[\s\S]*buildah: no `buildah` on PATH/,
    );
  });
});
