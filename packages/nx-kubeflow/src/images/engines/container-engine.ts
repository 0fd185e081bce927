/**
 * One small interface over the container engines the plugin builds and runs
 * images with (docker, podman, buildah). Everything above this file talks to
 * an engine only through it, so tests can count calls and a new engine is one file.
 */

export const ENGINE_NAMES = ['docker', 'podman', 'buildah'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A line of an engine's output, as it arrives. */
export type LineListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface BuildSecret {
  /** The id a Dockerfile mounts: `RUN --mount=type=secret,id=<id>`. */
  id: string;
  /** A file holding the value (mode 0600). */
  file: string;
}

export interface BuildRequest {
  /** Folder sent to the engine as the build context. */
  contextDir: string;
  /** Path of the Dockerfile (absolute, or relative to contextDir). */
  dockerfile: string;
  /** Every reference the image gets (the first is the main one). */
  tags: string[];
  buildArgs: Record<string, string>;
  /** Build secrets: mounted for one RUN step, never stored in a layer or the history. */
  secrets: BuildSecret[];
  labels: Record<string, string>;
  /** Builds reach package indexes through the host's network (no bridge is assumed). */
  network: 'host';
  onLine?: LineListener;
  signal?: AbortSignal;
}

export interface BuildResult {
  exitCode: number;
  /** The last lines of the engine's output, for an error message. */
  tail: string[];
  /** The Dockerfile step that failed, as the engine named it, when the build failed in one. */
  failedStep?: string;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

export interface RunRequest {
  image: string;
  /**
   * Replaces the image's entrypoint, as a KFP container's `command` does; its
   * first element is the executable. Empty: the image's own entrypoint.
   */
  command: string[];
  /** Arguments after the command (KFP's `args`). */
  args: string[];
  mounts: Mount[];
  env: Record<string, string>;
  /** Working directory in the container; default the image's WORKDIR. */
  workdir?: string;
  onLine?: LineListener;
  /** Aborting stops the container (and removes it). */
  signal?: AbortSignal;
}

export interface ImageDetails {
  id: string;
  /** When the image was built (ISO 8601), as the engine reports it. */
  created?: string;
  labels: Record<string, string>;
  /** `repository@sha256:...` references the engine knows for pushed or pulled images. */
  repoDigests: string[];
}

/** What `detect` found: whether the engine can build here, and if not, why not. */
export interface EngineProbe {
  name: EngineName;
  available: boolean;
  /** The executable used (or the last one tried). */
  executable?: string;
  version?: string;
  /** Why it cannot be used, in one sentence a person can act on. */
  reason?: string;
}

/** What an engine says about a tag in a registry (ContainerEngine.remoteManifest). */
export type EngineRemoteState =
  | { state: 'present'; digest?: string }
  | { state: 'absent' }
  | { state: 'unknown'; reason: string };

export interface ContainerEngine {
  readonly name: EngineName;
  detect(): Promise<EngineProbe>;
  /**
   * The client executable detection chose (for docker: the `docker` on PATH
   * that can build, or NX_KUBEFLOW_DOCKER), so other code runs the same one.
   * Rejects with EngineCommandError when the engine cannot be used here.
   */
  executable(): Promise<string>;
  /**
   * Looks a tag up in its registry with the engine's own credentials (which
   * may sit in a credential helper only the engine can ask). Optional: docker
   * has it (`docker manifest inspect`).
   */
  remoteManifest?(reference: string): Promise<EngineRemoteState>;
  imageExists(reference: string): Promise<boolean>;
  inspect(reference: string): Promise<ImageDetails | undefined>;
  build(request: BuildRequest): Promise<BuildResult>;
  /** Adds `target` as another name of the image `source`. */
  tag(source: string, target: string): Promise<void>;
  /** Pushes and returns the manifest digest (`sha256:...`) the registry stored. */
  push(reference: string, options?: { onLine?: LineListener }): Promise<string>;
  pull(reference: string, options?: { onLine?: LineListener }): Promise<void>;
  removeImage(reference: string): Promise<void>;
  /** Every path in the image's file system, without a leading slash (`app/src/run.py`). */
  listFiles(reference: string): Promise<string[]>;
  /** Runs a container to its end and returns its exit code; the container is removed after. */
  run(request: RunRequest): Promise<number>;
}

/** An engine command failed in a way the caller cannot fix by retrying. */
export class EngineCommandError extends Error {
  constructor(
    message: string,
    readonly tail: string[] = [],
  ) {
    super(message);
  }
}
