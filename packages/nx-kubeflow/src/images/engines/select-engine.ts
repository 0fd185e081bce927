/** Choosing the engine: the one named, else the first of docker, podman, buildah that answers. */
import { BuildahEngine } from './buildah-engine';
import { ContainerEngine, ENGINE_NAMES, EngineName, EngineProbe } from './container-engine';
import { DockerEngine } from './docker-engine';
import { PodmanEngine } from './podman-engine';

export class EngineSelectionError extends Error {}

export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

export function createEngine(name: EngineName): ContainerEngine {
  switch (name) {
    case 'docker':
      return new DockerEngine();
    case 'podman':
      return new PodmanEngine();
    case 'buildah':
      return new BuildahEngine();
  }
}

const INSTALL_HINTS: Record<EngineName, string> = {
  docker: 'apt-get install docker.io (then start the daemon: systemctl start docker, or dockerd &)',
  podman: 'apt-get install podman',
  buildah: 'apt-get install buildah (builds as root, or rootless with subuid/subgid set up)',
};

/**
 * The engine to build with. `requested` names one (an error lists the valid
 * names when it is none of them); without it, the first that answers wins.
 * When none can be used, the error says what was looked for, why each one
 * failed, and how to install one.
 */
export async function selectEngine(
  requested?: string,
  create: (name: EngineName) => ContainerEngine = createEngine,
): Promise<ContainerEngine> {
  if (requested !== undefined && requested !== '') {
    if (!isEngineName(requested)) {
      throw new EngineSelectionError(`Unknown engine "${requested}". Valid engines: ${ENGINE_NAMES.join(', ')}.`);
    }
    const engine = create(requested);
    const probe = await engine.detect();
    if (!probe.available) throw new EngineSelectionError(noEngineMessage([probe], `--engine ${requested}`));
    return engine;
  }
  const probes: EngineProbe[] = [];
  for (const name of ENGINE_NAMES) {
    const engine = create(name);
    const probe = await engine.detect();
    if (probe.available) return engine;
    probes.push(probe);
  }
  return Promise.reject(new EngineSelectionError(noEngineMessage(probes, 'any engine')));
}

function noEngineMessage(probes: readonly EngineProbe[], wanted: string): string {
  return [
    `No container engine can build images here (looked for ${wanted}):`,
    ...probes.map((probe) => `  ${probe.name}: ${probe.reason ?? 'unavailable'}`),
    'Install one (Debian/Ubuntu):',
    ...probes.map((probe) => `  ${probe.name}: ${INSTALL_HINTS[probe.name]}`),
    'or name the one to use with --engine docker|podman|buildah.',
  ].join('\n');
}
