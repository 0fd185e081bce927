/**
 * buildah: daemonless builds into the containers/storage store that podman
 * shares. Isolation is `chroot` unless BUILDAH_ISOLATION says otherwise: it
 * needs no OCI runtime and no user namespaces, so it works in CI containers
 * and VMs where `oci` isolation does not. The storage driver is buildah's own
 * configuration (/etc/containers/storage.conf, or CONTAINERS_STORAGE_CONF
 * naming another file), or STORAGE_DRIVER (e.g. `vfs` where overlay is
 * unavailable), which is passed as --storage-driver because buildah 1.28
 * itself ignores that variable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BuildRequest,
  BuildResult,
  ContainerEngine,
  EngineCommandError,
  EngineProbe,
  ImageDetails,
  LineListener,
  RunRequest,
} from './container-engine';
import { captureCommand, checkedCommand, executablesOnPath, firstMeaningfulLine } from './engine-cli';
import { runBuildCommand } from './failed-step';
import { isLoopbackRegistry, parseImageReference } from '../registry/image-reference';
import { listTree } from './list-tree';

export class BuildahEngine implements ContainerEngine {
  readonly name = 'buildah' as const;
  private probe?: Promise<EngineProbe>;

  detect(): Promise<EngineProbe> {
    this.probe ??= probeBuildah();
    return this.probe;
  }

  /** The buildah executable, once detection said it can be used. */
  async executable(): Promise<string> {
    const probe = await this.detect();
    if (!probe.available || !probe.executable) {
      throw new EngineCommandError(`buildah cannot be used here: ${probe.reason ?? 'not found'}`);
    }
    return probe.executable;
  }

  private isolation(): string {
    return process.env['BUILDAH_ISOLATION'] || 'chroot';
  }

  async imageExists(reference: string): Promise<boolean> {
    const result = await captureCommand(await this.executable(), [...storageFlags(), 'inspect', '--type', 'image', '--format', '{{.FromImageID}}', reference]);
    return result.exitCode === 0;
  }

  async inspect(reference: string): Promise<ImageDetails | undefined> {
    const result = await captureCommand(await this.executable(), [...storageFlags(), 'inspect', '--type', 'image', reference]);
    if (result.exitCode !== 0) return undefined;
    const image = JSON.parse(result.stdout) as Record<string, any>;
    return {
      id: image.FromImageID,
      created: image.OCIv1?.created,
      labels: image.OCIv1?.config?.Labels ?? {},
      repoDigests: image.FromImageDigest ? [`${image.FromImageDigest}`] : [],
    };
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const args = [...storageFlags(), 'bud', '--isolation', this.isolation(), '--layers', '--network', request.network, '-f', request.dockerfile];
    for (const [key, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${key}=${value}`);
    for (const secret of request.secrets) args.push('--secret', `id=${secret.id},src=${secret.file}`);
    for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
    for (const tag of request.tags) args.push('-t', tag);
    args.push(request.contextDir);

    return runBuildCommand(await this.executable(), args, request);
  }

  async tag(source: string, target: string): Promise<void> {
    await checkedCommand(await this.executable(), [...storageFlags(), 'tag', source, target]);
  }

  async push(reference: string, options: { onLine?: LineListener } = {}): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-push-'));
    try {
      const digestFile = join(dir, 'digest');
      await checkedCommand(
        await this.executable(),
        [...storageFlags(), 'push', ...tlsFlags(reference), '--digestfile', digestFile, reference, `docker://${reference}`],
        options,
      );
      return readFileSync(digestFile, 'utf8').trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async pull(reference: string, options: { onLine?: LineListener } = {}): Promise<void> {
    await checkedCommand(await this.executable(), [...storageFlags(), 'pull', ...tlsFlags(reference), `docker://${reference}`], options);
  }

  async removeImage(reference: string): Promise<void> {
    await checkedCommand(await this.executable(), [...storageFlags(), 'rmi', reference]);
  }

  async listFiles(reference: string): Promise<string[]> {
    return this.withContainer(reference, async (executable, container) => {
      const mountPoint = (await checkedCommand(executable, [...storageFlags(), 'mount', container])).trim();
      try {
        return listTree(mountPoint);
      } finally {
        await captureCommand(executable, [...storageFlags(), 'umount', container]);
      }
    });
  }

  /**
   * `buildah run` ignores the image's ENTRYPOINT and CMD, so they are applied
   * here as docker would: `command` replaces the entrypoint, args follow it,
   * and with neither the image's own entrypoint + cmd run.
   */
  async run(request: RunRequest): Promise<number> {
    const details = await this.configOf(request.image);
    const argv =
      request.command.length > 0
        ? [...request.command, ...request.args]
        : [...details.entrypoint, ...(request.args.length > 0 ? request.args : details.cmd)];
    if (argv.length === 0) throw new EngineCommandError(`${request.image} has no entrypoint or command, and none was given.`);

    return this.withContainer(request.image, async (executable, container) => {
      const args = [...storageFlags(), 'run', '--isolation', this.isolation(), '--network', 'host'];
      for (const mount of request.mounts) {
        args.push('-v', `${mount.hostPath}:${mount.containerPath}${mount.readOnly ? ':ro' : ''}`);
      }
      // Values in argv (visible in `ps` while the container runs): buildah 1.28
      // has no way to take them from elsewhere. Checked: `--env KEY` and
      // `--env 'KEY*'` leave KEY unset (no value from buildah's environment,
      // unlike docker's `-e KEY`), `buildah run` has no --env-file, and it
      // ignores containers.conf's `env` (CONTAINERS_CONF). `buildah config
      // --env` is argv too. Left: a 0600 file mounted into the container and
      // sourced by a shell wrapper, which needs /bin/sh in the image.
      for (const [key, value] of Object.entries(request.env)) args.push('--env', `${key}=${value}`);
      if (request.workdir) args.push('--workingdir', request.workdir);
      args.push(container, '--', ...argv);
      const result = await captureCommand(executable, args, { onLine: request.onLine, signal: request.signal });
      return result.exitCode;
    });
  }

  private async configOf(reference: string): Promise<{ entrypoint: string[]; cmd: string[] }> {
    const result = await captureCommand(await this.executable(), [...storageFlags(), 'inspect', '--type', 'image', reference]);
    if (result.exitCode !== 0) throw new EngineCommandError(`buildah has no image ${reference}.`, result.tail);
    const config = (JSON.parse(result.stdout) as Record<string, any>).OCIv1?.config ?? {};
    return { entrypoint: config.Entrypoint ?? [], cmd: config.Cmd ?? [] };
  }

  /** A working container from the image for the duration of `work`, removed after, whatever happens. */
  private async withContainer<T>(reference: string, work: (executable: string, container: string) => Promise<T>): Promise<T> {
    const executable = await this.executable();
    const container = (await checkedCommand(executable, [...storageFlags(), 'from', '--pull-never', reference])).trim().split('\n').at(-1)!;
    try {
      return await work(executable, container);
    } finally {
      await captureCommand(executable, [...storageFlags(), 'rm', container]);
    }
  }
}

async function probeBuildah(): Promise<EngineProbe> {
  const [executable] = executablesOnPath('buildah');
  if (!executable) return { name: 'buildah', available: false, reason: 'no `buildah` on PATH' };
  const version = await captureCommand(executable, [...storageFlags(), 'version']);
  if (version.exitCode !== 0) {
    return { name: 'buildah', available: false, executable, reason: `\`buildah version\` failed: ${firstMeaningfulLine(version.tail)}` };
  }
  const number = /^Version:\s*(\S+)/m.exec(version.stdout)?.[1];
  return { name: 'buildah', available: true, executable, version: number };
}

function storageFlags(): string[] {
  const driver = process.env['STORAGE_DRIVER'];
  return driver ? ['--storage-driver', driver] : [];
}

function tlsFlags(reference: string): string[] {
  return isLoopbackRegistry(parseImageReference(reference).registry) ? ['--tls-verify=false'] : [];
}
