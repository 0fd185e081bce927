/**
 * What docker and podman share: the same command-line shape for build, tag,
 * push, create/export and run. The subclasses say how each is detected and
 * how a push reports its digest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BuildRequest,
  BuildResult,
  ContainerEngine,
  EngineCommandError,
  EngineName,
  EngineProbe,
  ImageDetails,
  LineListener,
  RunRequest,
} from './container-engine';
import { captureCommand, checkedCommand } from './engine-cli';
import { runBuildCommand } from './failed-step';

export abstract class DockerCliEngine implements ContainerEngine {
  abstract readonly name: EngineName;
  private probe?: Promise<EngineProbe>;

  /** Finds a client that answers and can build; called once, then remembered. */
  protected abstract probeEngine(): Promise<EngineProbe>;

  /** Extra environment for `build` (docker: DOCKER_BUILDKIT=1). */
  protected buildEnv(): NodeJS.ProcessEnv {
    return process.env;
  }

  /** Extra `build` flags (podman: --layers). */
  protected buildFlags(): string[] {
    return [];
  }

  abstract push(reference: string, options?: { onLine?: LineListener }): Promise<string>;
  abstract pull(reference: string, options?: { onLine?: LineListener }): Promise<void>;

  detect(): Promise<EngineProbe> {
    this.probe ??= this.probeEngine();
    return this.probe;
  }

  /** The client executable, once detection said it can be used. */
  async executable(): Promise<string> {
    const probe = await this.detect();
    if (!probe.available || !probe.executable) {
      throw new EngineCommandError(`${this.name} cannot be used here: ${probe.reason ?? 'not found'}`);
    }
    return probe.executable;
  }

  async imageExists(reference: string): Promise<boolean> {
    const result = await captureCommand(await this.executable(), ['image', 'inspect', '--format', '{{.Id}}', reference]);
    return result.exitCode === 0;
  }

  async inspect(reference: string): Promise<ImageDetails | undefined> {
    const result = await captureCommand(await this.executable(), ['image', 'inspect', reference]);
    if (result.exitCode !== 0) return undefined;
    const [image] = JSON.parse(result.stdout) as Array<Record<string, any>>;
    return {
      id: image.Id,
      created: image.Created,
      labels: image.Config?.Labels ?? image.Labels ?? {},
      repoDigests: image.RepoDigests ?? [],
    };
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const args = ['build', ...this.buildFlags(), '--network', request.network, '-f', request.dockerfile];
    for (const [key, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${key}=${value}`);
    for (const secret of request.secrets) args.push('--secret', `id=${secret.id},src=${secret.file}`);
    for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
    for (const tag of request.tags) args.push('-t', tag);
    args.push(request.contextDir);

    return runBuildCommand(await this.executable(), args, request, this.buildEnv());
  }

  async tag(source: string, target: string): Promise<void> {
    await checkedCommand(await this.executable(), ['tag', source, target]);
  }

  async removeImage(reference: string): Promise<void> {
    await checkedCommand(await this.executable(), ['rmi', reference]);
  }

  /** create + export gives the flattened file system, whatever the layers did. */
  async listFiles(reference: string): Promise<string[]> {
    const executable = await this.executable();
    // The command is never run: create only needs one when the image has none.
    const id = (await checkedCommand(executable, ['create', reference, 'nx-kubeflow-list-files'])).trim();
    const dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-export-'));
    try {
      const archive = join(dir, 'rootfs.tar');
      await checkedCommand(executable, ['export', '-o', archive, id]);
      return tarListing(await checkedCommand('tar', ['-tf', archive]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await captureCommand(executable, ['rm', '-f', id]);
    }
  }

  async run(request: RunRequest): Promise<number> {
    const executable = await this.executable();
    const name = `nx-kubeflow-${randomBytes(6).toString('hex')}`;
    const args = ['run', '--rm', '--name', name, '--network', 'host'];
    for (const mount of request.mounts) {
      args.push('-v', `${mount.hostPath}:${mount.containerPath}${mount.readOnly ? ':ro' : ''}`);
    }
    // `-e NAME` takes the value from the client's own environment: values stay out of `ps`.
    for (const key of Object.keys(request.env)) args.push('-e', key);
    if (request.workdir) args.push('-w', request.workdir);
    const [entrypoint, ...commandRest] = request.command;
    if (entrypoint !== undefined) args.push('--entrypoint', entrypoint);
    args.push(request.image, ...commandRest, ...request.args);

    const stop = () => void captureCommand(executable, ['rm', '-f', name]);
    request.signal?.addEventListener('abort', stop, { once: true });
    try {
      const result = await captureCommand(executable, args, {
        env: { ...process.env, ...request.env },
        onLine: request.onLine,
      });
      return result.exitCode;
    } finally {
      request.signal?.removeEventListener('abort', stop);
    }
  }
}

/** `tar -tf` lines -> paths without `./` or a trailing slash. */
export function tarListing(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((line) => line !== '' && line !== '.');
}
