/**
 * docker, through whichever `docker` client on PATH can make BuildKit builds.
 *
 * BuildKit is required: the Dockerfiles mount build secrets
 * (`RUN --mount=type=secret`), which the legacy builder does not know.
 * Clients before 23.0 carry BuildKit inside (`DOCKER_BUILDKIT=1`); from 23.0
 * `docker build` hands BuildKit builds to the buildx plugin and fails without
 * it. A machine can hold both kinds (a newer static client in /usr/local/bin
 * beside the distribution's), so every `docker` on PATH is tried in order.
 * NX_KUBEFLOW_DOCKER names one client and skips the search.
 */
import { EngineProbe, EngineRemoteState, LineListener } from './container-engine';
import { captureCommand, checkedCommand, executablesOnPath, firstMeaningfulLine } from './engine-cli';
import { DockerCliEngine } from './docker-cli-engine';
import { isLoopbackRegistry, parseImageReference, repositoryOf } from '../registry/image-reference';

export class DockerEngine extends DockerCliEngine {
  readonly name = 'docker' as const;

  constructor(private readonly candidates?: string[]) {
    super();
  }

  protected override buildEnv(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' };
  }

  protected override buildFlags(): string[] {
    return ['--progress', 'plain'];
  }

  protected async probeEngine(): Promise<EngineProbe> {
    const named = process.env['NX_KUBEFLOW_DOCKER'];
    const candidates = this.candidates ?? (named ? [named] : executablesOnPath('docker'));
    if (candidates.length === 0) return { name: 'docker', available: false, reason: 'no `docker` on PATH' };
    const reasons: string[] = [];
    for (const executable of candidates) {
      const probe = await probeDockerClient(executable);
      if (probe.available) return probe;
      reasons.push(`${executable}: ${probe.reason}`);
    }
    return { name: 'docker', available: false, executable: candidates.at(-1), reason: reasons.join('; ') };
  }

  async push(reference: string, options: { onLine?: LineListener } = {}): Promise<string> {
    const executable = await this.executable();
    let reported: string | undefined;
    await checkedCommand(executable, ['push', reference], {
      onLine: (line, stream) => {
        // "<tag>: digest: sha256:... size: 1234"
        reported = /digest: (sha256:[0-9a-f]{64})/.exec(line)?.[1] ?? reported;
        options.onLine?.(line, stream);
      },
    });
    if (reported) return reported;
    const details = await this.inspect(reference);
    const repository = repositoryOf(reference);
    const match = details?.repoDigests.find((entry) => entry.startsWith(`${repository}@`));
    if (!match) throw new Error(`docker pushed ${reference} but reported no digest for ${repository}.`);
    return parseImageReference(match).digest!;
  }

  async pull(reference: string, options: { onLine?: LineListener } = {}): Promise<void> {
    await checkedCommand(await this.executable(), ['pull', reference], options);
  }

  /**
   * `docker manifest inspect --verbose`: the client's own credentials,
   * credential helpers included (checked with the 20.10 client). `--insecure`
   * (plain HTTP) for registries on this machine. The verbose form gives the
   * manifest's digest; for a manifest list it lists the platforms' manifests
   * instead, so the tag is present but its own digest is not known.
   */
  async remoteManifest(reference: string): Promise<EngineRemoteState> {
    const insecure = isLoopbackRegistry(parseImageReference(reference).registry) ? ['--insecure'] : [];
    const result = await captureCommand(await this.executable(), ['manifest', 'inspect', '--verbose', ...insecure, reference]);
    if (result.exitCode === 0) {
      try {
        const parsed = JSON.parse(result.stdout) as { Descriptor?: { digest?: string } } | unknown[];
        const digest = Array.isArray(parsed) ? undefined : parsed.Descriptor?.digest;
        return { state: 'present', ...(digest ? { digest } : {}) };
      } catch {
        return { state: 'present' };
      }
    }
    const complaint = result.tail.map((line) => line.trim()).filter(Boolean);
    if (complaint.some((line) => /no such manifest|manifest unknown/i.test(line))) return { state: 'absent' };
    return { state: 'unknown', reason: `docker manifest inspect: ${firstMeaningfulLine(complaint.slice(-3))}` };
  }
}

async function probeDockerClient(executable: string): Promise<EngineProbe> {
  const versions = await captureCommand(executable, ['version', '--format', '{{.Client.Version}}|{{.Server.Version}}']);
  const [client = '', server = ''] = versions.stdout.trim().split('|');
  if (versions.exitCode === 127) return { name: 'docker', available: false, executable, reason: 'cannot be run' };
  if (versions.exitCode !== 0 || server === '') {
    return {
      name: 'docker',
      available: false,
      executable,
      version: client || undefined,
      reason: `the docker daemon does not answer (${firstMeaningfulLine(versions.tail)}); start dockerd`,
    };
  }
  const major = Number.parseInt(client, 10);
  if (Number.isNaN(major) || major >= 23) {
    const buildx = await captureCommand(executable, ['buildx', 'version']);
    if (buildx.exitCode !== 0) {
      return {
        name: 'docker',
        available: false,
        executable,
        version: client,
        reason:
          `client ${client} needs the buildx plugin for BuildKit builds and has none ` +
          '(install docker-buildx-plugin or Debian\'s docker-buildx)',
      };
    }
  }
  return { name: 'docker', available: true, executable, version: `client ${client}, daemon ${server}` };
}
