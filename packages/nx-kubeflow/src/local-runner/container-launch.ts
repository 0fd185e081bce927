/**
 * How the local runner starts a task in a container: the engine command line
 * that runs the task's command in its image, with the run folder mounted at
 * the same path inside (so every placeholder's path means the same file on
 * both sides) and only the task's own environment - never this machine's.
 * The command runs as the task's process (its log, its process group, its
 * interrupt), and cleanup removes what the launch left behind.
 */
import { runProcess } from '../process/run-process';
import { imageReferenceProblem } from '../pipeline/kubernetes-names';
import { runTimeImageInput } from '../kfp/ir-image';


/**
 * The image a task runs in, as KFP's driver finds it (resolvePodSpecInputRuntimeParameter): an executor image
 * naming one of the task's input parameters - what kfp writes for set_container_image of a pipeline parameter, an
 * upstream output or a loop item, {{$.inputs.parameters['pipelinechannel--p']}} - is that input's value, whole (text
 * around the placeholder is dropped, as the driver drops it); any other image is itself. `input` names the input a
 * run-time image came from. A value the driver would turn into an empty image (missing, or not text) or that is no
 * reference a node can pull is a problem: on KFP the pod would not start.
 */
export function resolveContainerImage(image: string, parameters: Readonly<Record<string, unknown>>): { image: string; input?: string } | { problem: string } {
  const input = runTimeImageInput(image);
  if (input === undefined) return { image };
  if (!Object.hasOwn(parameters, input)) return { problem: `its image ${image} names input "${input}", which the task does not have (KFP's driver: "executorInput did not contain container Image input parameter")` };
  const value = parameters[input];
  if (typeof value !== 'string') return { problem: `its image is input "${input}", whose value ${JSON.stringify(value)} is not text: KFP's driver would start the pod with an empty image` };
  const problem = imageReferenceProblem(value);
  if (problem) return { problem: `its image is input "${input}": ${problem}` };
  return { image: value, input };
}

export interface ContainerLaunchRequest {
  image: string;
  /** The task's command line, placeholders resolved; argv[0] replaces the image's entrypoint, as on Kubernetes. */
  argv: string[];
  /** The task's whole environment inside the container. */
  env: Record<string, string>;
  /** Host path -> same path inside. */
  mounts: string[];
  /** Host folder -> another path inside: the task's Kubernetes volumes (kubernetes-locally.ts). */
  volumes?: { host: string; path: string }[];
  /** A name unique to this attempt, for the container. */
  name: string;
}

export interface ContainerLaunch {
  command: string;
  args: string[];
  /** The engine client's own environment, where values travel that should not be in its argv (ps shows argv). */
  env?: NodeJS.ProcessEnv;
  /** Removes the container, also after an interrupt; never throws. */
  cleanup: () => Promise<void>;
}

export interface ContainerLauncher {
  readonly engine: string;
  launch(request: ContainerLaunchRequest): Promise<ContainerLaunch>;
}

/** docker, or podman (the same CLI for run). */
export class DockerLauncher implements ContainerLauncher {
  constructor(readonly engine: 'docker' | 'podman' = 'docker', private readonly program: string = engine) {}

  async launch(request: ContainerLaunchRequest): Promise<ContainerLaunch> {
    const [entrypoint, ...rest] = request.argv;
    const user = typeof process.getuid === 'function' && process.getuid() !== 0 ? ['--user', `${process.getuid()}:${process.getgid?.()}`] : [];
    return {
      command: this.program,
      args: [
        'run',
        '--rm',
        '--name',
        request.name,
        // Hosts here may have no bridge network; tasks reach what this machine reaches, as kfp.local's DockerRunner does.
        '--network',
        'host',
        ...user,
        ...request.mounts.flatMap((path) => ['--volume', `${path}:${path}`]),
        ...(request.volumes ?? []).flatMap(({ host, path }) => ['--volume', `${host}:${path}`]),
        // names only: docker reads the values from its own environment, so they never show in `ps`
        ...Object.keys(request.env).flatMap((key) => ['--env', key]),
        '--entrypoint',
        entrypoint,
        request.image,
        ...rest,
      ],
      env: { ...process.env, ...request.env },
      cleanup: async () => {
        // --rm removes it on a normal end; after a killed client the container may still exist.
        await runProcess(this.program, ['rm', '--force', request.name]).catch(() => undefined);
      },
    };
  }
}

/** buildah: a working container from the image, `buildah run` in it, removed afterwards. */
export class BuildahLauncher implements ContainerLauncher {
  readonly engine = 'buildah';

  /** globalArgs default: --storage-driver $STORAGE_DRIVER where set (buildah 1.28 ignores the variable itself), as the image builds use. */
  constructor(
    private readonly globalArgs: string[] = process.env.STORAGE_DRIVER ? ['--storage-driver', process.env.STORAGE_DRIVER] : [],
    private readonly program = 'buildah',
  ) {}

  async launch(request: ContainerLaunchRequest): Promise<ContainerLaunch> {
    const from = await runProcess(this.program, [...this.globalArgs, 'from', '--pull-never', '--name', request.name, request.image], { tailLines: 10 });
    if (from.exitCode !== 0) {
      throw new Error(`buildah could not make a container of ${request.image}: ${from.tail.join(' ').trim() || `exit code ${from.exitCode}`}`);
    }
    return {
      command: this.program,
      args: [
        ...this.globalArgs,
        'run',
        '--isolation',
        'chroot',
        '--network',
        'host',
        ...request.mounts.flatMap((path) => ['--volume', `${path}:${path}`]),
        ...(request.volumes ?? []).flatMap(({ host, path }) => ['--volume', `${host}:${path}`]),
        // buildah 1.28 takes no value from its own environment for `--env KEY` (checked: the variable
        // arrives empty), so values are in argv. What a task gets is the IR's env (committed settings)
        // and the run's names; cluster secrets do not exist locally.
        ...Object.entries(request.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
        request.name,
        '--',
        ...request.argv,
      ],
      cleanup: async () => {
        await runProcess(this.program, [...this.globalArgs, 'rm', request.name]).catch(() => undefined);
      },
    };
  }
}
