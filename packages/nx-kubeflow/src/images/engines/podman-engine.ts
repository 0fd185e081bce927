/**
 * podman: docker's command line, daemonless, with buildah's builder inside
 * (build secrets need no BuildKit). Its own store; a tag pushed to a registry
 * on this machine needs --tls-verify=false, as with buildah.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineProbe, LineListener } from './container-engine';
import { captureCommand, checkedCommand, executablesOnPath, firstMeaningfulLine } from './engine-cli';
import { DockerCliEngine } from './docker-cli-engine';
import { isLoopbackRegistry, parseImageReference } from '../registry/image-reference';

export class PodmanEngine extends DockerCliEngine {
  readonly name = 'podman' as const;

  protected override buildFlags(): string[] {
    return ['--layers'];
  }

  protected async probeEngine(): Promise<EngineProbe> {
    const [executable] = executablesOnPath('podman');
    if (!executable) return { name: 'podman', available: false, reason: 'no `podman` on PATH' };
    const info = await captureCommand(executable, ['version', '--format', '{{.Client.Version}}']);
    if (info.exitCode !== 0) {
      return { name: 'podman', available: false, executable, reason: `\`podman version\` failed: ${firstMeaningfulLine(info.tail)}` };
    }
    return { name: 'podman', available: true, executable, version: info.stdout.trim() };
  }

  override async imageExists(reference: string): Promise<boolean> {
    return (await captureCommand(await this.executable(), ['image', 'exists', reference])).exitCode === 0;
  }

  async push(reference: string, options: { onLine?: LineListener } = {}): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-push-'));
    try {
      const digestFile = join(dir, 'digest');
      await checkedCommand(
        await this.executable(),
        ['push', ...tlsFlags(reference), '--digestfile', digestFile, reference],
        options,
      );
      return readFileSync(digestFile, 'utf8').trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async pull(reference: string, options: { onLine?: LineListener } = {}): Promise<void> {
    await checkedCommand(await this.executable(), ['pull', ...tlsFlags(reference), reference], options);
  }
}

function tlsFlags(reference: string): string[] {
  return isLoopbackRegistry(parseImageReference(reference).registry) ? ['--tls-verify=false'] : [];
}
