/**
 * docker-build as a library call: stage the context, hash it, skip when the
 * content-hash tag exists, else build with labels and secrets, tag, push, and
 * record the result in dist/components/<name>/image.json. The executor and
 * deploy both call this; it has no Nx imports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { writeBuildSecrets, PIP_CERT_SECRET, PIP_EXTRA_INDEX_URL_SECRET, PIP_INDEX_URL_SECRET } from './build-secrets';
import { contentHash } from './content-hash';
import { ContainerEngine } from './engines/container-engine';
import { indent } from './engines/engine-cli';
import { EngineSelectionError, isEngineName, selectEngine } from './engines/select-engine';
import { gitFacts, imageLabels, pyprojectVersion } from './image-labels';
import { withPathLock } from '../python/path-lock';
import { ImageRecord, imageRecordPath, readImageRecord, removeImageRecord, writeImageRecord } from './image-record';
import { ImageSettings, readImageSettings } from './image-settings';
import { contentTag, extraTagReferences, imageRepository } from './image-tags';
import { parseImageReference, repositoryOf } from './registry/image-reference';
import { remoteTagState, RemoteTagState } from './registry/remote-tag';
import { StagedContext, stageContext } from './staging/stage-context';
import { EnvLookup } from './registry/registry-credentials';

export interface BuildComponentImageOptions {
  workspaceRoot: string;
  projectName: string;
  /** Workspace-relative component root. */
  projectRoot: string;
  /** Workspace-relative pipeline root whose settings load under the component's (optional). */
  pipelineRoot?: string;
  /** Settings environment; default ENV_FOR_DYNACONF, else development. */
  env?: string;
  /** An engine name (docker, podman, buildah) or an engine; default the first that answers. */
  engine?: string | ContainerEngine;
  /** Push after building; default: when image.registry is set for the environment. */
  push?: boolean;
  /** Build even when the content-hash tag exists. */
  force?: boolean;
  /** Extra tags: a bare tag for the image's repository, or a full reference. */
  tags?: string[];
  /** Build args over those from settings (BASE_IMAGE from image.base, image.build_args). */
  buildArgs?: Record<string, string>;
  /** Dockerfile, workspace-relative; default <projectRoot>/Dockerfile. */
  dockerfile?: string;
  /** Where settings, PIP_INDEX_URL and DYNACONF_* are read; default process.env. */
  environ?: Readonly<Record<string, string | undefined>>;
  /** Receives every output line, already prefixed with `[<projectName>] `. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** A build that did not produce an image; the message says why and what to check. */
export class ImageBuildError extends Error {}

/**
 * One build of a component at a time across processes: two pipelines'
 * deploys (or docker-build beside a deploy) share its staged context and its
 * image.json, and the second finds the first's image instead of racing it.
 */
export function buildComponentImage(options: BuildComponentImageOptions): Promise<ImageRecord> {
  return withPathLock(join(options.workspaceRoot, 'dist', 'components', options.projectName), () => buildUnlocked(options));
}

/** Everything a build decides before it asks an engine: settings, staged context, hash, tag. */
interface PreparedImage {
  settings: ImageSettings;
  buildArgs: Record<string, string>;
  push: boolean;
  dockerfileRelative: string;
  dockerfile: string;
  contextDir: string;
  staged: StagedContext;
  hash: string;
  tag: string;
  extraTags: string[];
  tags: string[];
}

/** Reads settings, stages the context into `contextDir`, hashes it and names the image. No engine, no registry. */
function prepareImage(options: BuildComponentImageOptions, contextDir: string): PreparedImage {
  const { workspaceRoot, projectName, projectRoot } = options;
  const settings = readImageSettings({
    workspaceRoot,
    projectRoot,
    pipelineRoot: options.pipelineRoot,
    env: options.env,
    environ: options.environ,
  });
  const buildArgs: Record<string, string> = {
    ...settings.buildArgs,
    ...(settings.baseImage ? { BASE_IMAGE: settings.baseImage } : {}),
    ...options.buildArgs,
  };
  const dockerfileRelative = options.dockerfile ?? join(projectRoot, 'Dockerfile');
  if (!existsSync(join(workspaceRoot, dockerfileRelative))) {
    throw new ImageBuildError(`${dockerfileRelative} does not exist: a component builds an image only from a Dockerfile.`);
  }
  const staged = stageContext({ workspaceRoot, projectRoot, contextDir });
  // The default Dockerfile is the staged copy: it is what the hash covered.
  const dockerfile =
    options.dockerfile === undefined
      ? join(contextDir, 'component', 'Dockerfile')
      : isAbsolute(options.dockerfile)
        ? options.dockerfile
        : join(workspaceRoot, options.dockerfile);
  const hash = contentHash({ files: staged.files, dockerfile: readFileSync(dockerfile), buildArgs });
  const repository = imageRepository(settings.registry, projectName);
  const tag = contentTag(repository, hash);
  const extraTags = extraTagReferences(repository, options.tags ?? []);
  const tags = [tag, ...extraTags.filter((extra) => extra !== tag)];
  return {
    settings,
    buildArgs,
    push: options.push ?? settings.registry !== '',
    dockerfileRelative,
    dockerfile,
    contextDir,
    staged,
    hash,
    tag,
    extraTags,
    tags,
  };
}

function requireRegistryForPush(prepared: PreparedImage, projectRoot: string): void {
  const { settings } = prepared;
  if (prepared.push && settings.registry === '') {
    throw new ImageBuildError(
      `--push needs a registry, and image.registry is empty for environment "${settings.env}". ` +
        `Set it in ${projectRoot}/config/settings.toml (or the pipeline's), e.g. [${settings.env}] image.registry = "ghcr.io/acme/ml".`,
    );
  }
}

/** DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME... from `environ` when it sets them, else the process's. */
function envLookup(options: { environ?: Readonly<Record<string, string | undefined>> }): EnvLookup {
  return (name) => options.environ?.[name] ?? process.env[name];
}

async function buildUnlocked(options: BuildComponentImageOptions): Promise<ImageRecord> {
  const { workspaceRoot, projectName, projectRoot } = options;
  const say = (line: string) => (options.log ?? ((text) => process.stdout.write(`${text}\n`)))(`[${projectName}] ${line}`);
  const recordFile = imageRecordPath(workspaceRoot, projectName);
  const contextDir = join(workspaceRoot, 'dist', 'components', projectName, 'context');

  let prepared: PreparedImage;
  try {
    prepared = prepareImage(options, contextDir);
  } catch (error) {
    // Whether image.json still describes these sources cannot be told: it goes.
    removeImageRecord(recordFile);
    throw error;
  }
  const { settings, buildArgs, push, dockerfileRelative, dockerfile, staged, hash, tag, extraTags, tags } = prepared;
  // A record of other sources (or another tag) goes now. A record of these
  // sources stays through engine selection and the registry check, and goes
  // just before anything that makes or publishes an image (build, push): from
  // there on, a failure leaves no image.json.
  if (!recordDescribes(recordFile, hash, tag)) removeImageRecord(recordFile);
  requireRegistryForPush(prepared, projectRoot);

  const engine = typeof options.engine === 'object' ? options.engine : await selectEngine(options.engine);
  const probe = await engine.detect();
  say(`image ${tag} (${engine.name} ${probe.version ?? ''}`.trimEnd() + `, environment ${settings.env})`);

  const remote: RemoteTagState | undefined = push ? await remoteTagState(tag, { engine, env: envLookup(options) }) : undefined;
  if (remote?.state === 'unreachable') throw unreachableRegistry(settings, tag, remote.reason, options);
  if (remote?.state === 'unknown' && !options.force) say(`cannot tell whether ${tag} is in the registry (${remote.reason}).`);

  const existsLocally = !options.force && (await engine.imageExists(tag));
  const existsRemotely = !options.force && remote?.state === 'present';
  const skipped = existsLocally || existsRemotely;
  let builtAt: string;

  if (skipped) {
    const where = existsLocally ? engine.name : `the registry ${settings.registry}`;
    say(`up to date: ${tag} already exists in ${where}; not building (--force rebuilds).`);
    if (!existsLocally && extraTags.length > 0) await engine.pull(tag, { onLine: (line) => say(line) });
    for (const extra of extraTags) if (extra !== tag) await engine.tag(tag, extra);
    const details = existsLocally ? await engine.inspect(tag) : undefined;
    builtAt = normalizeTime(details?.labels['org.opencontainers.image.created'] ?? details?.created);
  } else {
    const secrets = writeBuildSecrets(
      { [PIP_INDEX_URL_SECRET]: settings.pipIndexUrl, [PIP_EXTRA_INDEX_URL_SECRET]: settings.pipExtraIndexUrl },
      { [PIP_CERT_SECRET]: settings.pipCert && resolve(workspaceRoot, settings.pipCert) },
    );
    const created = new Date();
    try {
      const labels = imageLabels({
        name: projectName,
        version: pyprojectVersion(workspaceRoot, projectRoot),
        contentHash: hash,
        git: gitFacts(workspaceRoot, [projectRoot, ...staged.packages]),
        created,
      });
      say(`building with ${engine.name} from ${relative(workspaceRoot, contextDir)}`);
      removeImageRecord(recordFile);
      const result = await engine.build({
        contextDir,
        dockerfile,
        tags,
        buildArgs,
        secrets: secrets.secrets,
        labels,
        network: 'host',
        onLine: (line) => say(line),
        signal: options.signal,
      });
      if (result.exitCode !== 0) {
        const step = result.failedStep ? ` in step ${result.failedStep}` : '';
        throw new ImageBuildError(
          [
            `docker-build of ${projectName} failed: ${engine.name} build exited with code ${result.exitCode}${step}.`,
            `Last lines of ${engine.name}'s output:`,
            indent(result.tail.slice(-15)),
            `Dockerfile: ${dockerfileRelative}; build context: ${relative(workspaceRoot, contextDir)}. No image.json was written.`,
          ].join('\n'),
        );
      }
    } finally {
      secrets.remove();
    }
    builtAt = created.toISOString();
    say(`built ${tags.join(', ')}`);
  }

  let digest: string | undefined;
  if (push) {
    if (existsRemotely && remote?.state === 'present' && extraTags.length === 0) {
      digest = remote.digest;
      say(`${tag} is already in the registry; nothing to push.`);
    } else {
      removeImageRecord(recordFile);
      for (const reference of tags) {
        say(`pushing ${reference}`);
        try {
          const pushed = await engine.push(reference, { onLine: (line) => say(line) });
          if (reference === tag) digest = pushed;
        } catch (error) {
          throw pushFailed(settings, reference, error as Error);
        }
      }
      say(`pushed ${tag}${digest ? ` (${digest})` : ''}`);
    }
  }

  const record: ImageRecord = {
    reference: digest ? `${repositoryOf(tag)}@${digest}` : tag,
    tag,
    tags,
    ...(digest ? { digest } : {}),
    contentHash: hash,
    engine: engine.name,
    builtAt,
    ...(skipped ? { skipped: true } : {}),
    ...(push ? { pushed: true } : {}),
  };
  writeImageRecord(recordFile, record);
  say(`wrote ${relative(workspaceRoot, recordFile)}: ${record.reference}`);
  return record;
}

export type PlanComponentImageOptions = Omit<BuildComponentImageOptions, 'force' | 'tags'>;

/** What a build would do, found without doing it (planComponentImage). */
export interface ComponentImagePlan {
  /** The content-hash tag, exactly as a build of these sources names it. */
  tag: string;
  contentHash: string;
  /** `repository@digest` when the tag is in the registry, else the tag. */
  reference: string;
  digest?: string;
  /**
   * in-registry: a build would skip (and, pushing, publish nothing);
   * in-engine: a build would skip the engine build (and push it when pushing);
   * would-build: a build would run the engine build.
   */
  state: 'in-registry' | 'in-engine' | 'would-build';
  /** The engine asked; absent when none could be (see engineUnavailable). */
  engine?: string;
  /** Why the engine was not asked (none installed or answering): `would-build` then means "not in the registry". */
  engineUnavailable?: string;
  /** Whether a build would push (image.registry set, or options.push). */
  push: boolean;
  /** What the registry said, when a build would push (and so would look there). */
  registry?: RemoteTagState;
}

/**
 * deploy --dry-run: stages the context into a temporary folder (removed
 * after), hashes it and names the image exactly as buildComponentImage would,
 * and looks the tag up in the engine and, when a build would push, the
 * registry (with the user's credentials). Builds nothing, pushes nothing,
 * writes and removes nothing under dist/. Needs no engine: when none answers
 * the engine check is skipped and `engineUnavailable` says why. An unknown
 * engine name, settings errors and an unreachable registry throw as a build
 * would.
 */
export async function planComponentImage(options: PlanComponentImageOptions): Promise<ComponentImagePlan> {
  const say = (line: string) => options.log?.(`[${options.projectName}] ${line}`);
  const temporary = mkdtempSync(join(tmpdir(), 'nx-kubeflow-plan-'));
  try {
    const prepared = prepareImage(options, join(temporary, 'context'));
    requireRegistryForPush(prepared, options.projectRoot);
    const { tag, hash, push, settings } = prepared;

    let engine: ContainerEngine | undefined;
    let engineUnavailable: string | undefined;
    if (typeof options.engine === 'object') {
      const probe = await options.engine.detect();
      if (probe.available) engine = options.engine;
      else engineUnavailable = `${probe.name}: ${probe.reason ?? 'unavailable'}`;
    } else {
      if (options.engine && !isEngineName(options.engine)) await selectEngine(options.engine); // throws: unknown name
      try {
        engine = await selectEngine(options.engine);
      } catch (error) {
        if (!(error instanceof EngineSelectionError)) throw error;
        engineUnavailable = error.message;
      }
    }

    const registry = push ? await remoteTagState(tag, { engine, env: envLookup(options) }) : undefined;
    if (registry?.state === 'unreachable') throw unreachableRegistry(settings, tag, registry.reason, options);
    const inEngine = engine ? await engine.imageExists(tag) : false;
    const digest = registry?.state === 'present' ? registry.digest : undefined;
    const state = registry?.state === 'present' ? 'in-registry' : inEngine ? 'in-engine' : 'would-build';
    const plan: ComponentImagePlan = {
      tag,
      contentHash: hash,
      reference: digest ? `${repositoryOf(tag)}@${digest}` : tag,
      ...(digest ? { digest } : {}),
      state,
      ...(engine ? { engine: engine.name } : { engineUnavailable }),
      push,
      ...(registry ? { registry } : {}),
    };
    say(
      `plan: ${tag} ${state}` +
        (engine ? '' : ' (no engine asked)') +
        (registry?.state === 'unknown' ? `; registry: cannot tell (${registry.reason})` : ''),
    );
    return plan;
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** Does image.json describe this content hash and tag (a record to keep while nothing new is made)? */
function recordDescribes(recordFile: string, hash: string, tag: string): boolean {
  try {
    const record = readImageRecord(recordFile);
    return record?.contentHash === hash && record.tag === tag;
  } catch {
    return false;
  }
}

function normalizeTime(value: string | undefined): string {
  const time = value ? new Date(value) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : new Date().toISOString();
}

/**
 * The settings command that shows where a key of this build came from: with
 * --pipeline when the build read a pipeline's settings, since image.registry
 * usually lives there and the component's own settings would not show it.
 */
export function settingsHint(options: { projectName: string; pipelineRoot?: string }, env: string): string {
  const pipeline = options.pipelineRoot ? ` --pipeline ${basename(options.pipelineRoot)}` : '';
  return `nx run ${options.projectName}:settings --env ${env}${pipeline} --explain`;
}

function unreachableRegistry(
  settings: ImageSettings,
  tag: string,
  reason: string,
  options: { projectName: string; pipelineRoot?: string },
): ImageBuildError {
  const registry = parseImageReference(tag).registry ?? settings.registry;
  return new ImageBuildError(
    [
      `The registry ${registry} cannot be reached (${reason}), so ${tag} cannot be pushed.`,
      `Check image.registry for environment "${settings.env}" (${settingsHint(options, settings.env)} shows where it is set),`,
      'that the registry is running and this machine can reach it (VPN, proxy, firewall),',
      'and that it speaks HTTPS (plain HTTP is used only for localhost/127.0.0.1). No image was built and no image.json written.',
    ].join('\n'),
  );
}

function pushFailed(settings: ImageSettings, reference: string, error: Error): ImageBuildError {
  const registry = parseImageReference(reference).registry ?? '(Docker Hub)';
  return new ImageBuildError(
    [
      `Pushing ${reference} to ${registry} failed:`,
      indent(error.message.split('\n')),
      `Check that you are logged in to ${registry} (docker login / buildah login) with push rights,`,
      `and image.registry for environment "${settings.env}". No image.json was written.`,
    ].join('\n'),
  );
}
