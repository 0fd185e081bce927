/**
 * buildComponentImage and planComponentImage against an engine that holds
 * nothing (a fresh CI runner) and a registry that refuses anonymous reads
 * (the token flow of ghcr.io and Docker Hub): no real engine needed, fast.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildComponentImage, ImageBuildError, planComponentImage, PlanComponentImageOptions, settingsHint } from './build-component-image';
import { BuildRequest, ContainerEngine, EngineProbe } from './engines/container-engine';
import { imageRecordPath, readImageRecord } from './image-record';
import { basicAuthEntry, startTokenRegistry, TEST_PASSWORD, TokenRegistry, writeDockerConfig } from './registry/test-registries';

const DIGEST = `sha256:${'cd'.repeat(32)}`;

/** An engine with an empty store: every call is counted; build and push succeed unless told otherwise. */
function emptyEngine(options: { available?: boolean; buildExitCode?: number } = {}) {
  const calls: string[] = [];
  const engine: ContainerEngine = {
    name: 'docker',
    detect: async (): Promise<EngineProbe> =>
      options.available === false
        ? { name: 'docker', available: false, reason: 'the docker daemon does not answer' }
        : { name: 'docker', available: true, executable: '/usr/bin/docker', version: 'fake' },
    executable: async () => '/usr/bin/docker',
    imageExists: async (reference) => {
      calls.push(`imageExists ${reference}`);
      return false;
    },
    inspect: async () => undefined,
    build: async (request: BuildRequest) => {
      calls.push(`build ${request.tags.join(',')}`);
      return { exitCode: options.buildExitCode ?? 0, tail: ['boom'] };
    },
    tag: async (source, target) => void calls.push(`tag ${source} ${target}`),
    push: async (reference) => {
      calls.push(`push ${reference}`);
      return DIGEST;
    },
    pull: async (reference) => void calls.push(`pull ${reference}`),
    removeImage: async () => undefined,
    listFiles: async () => [],
    run: async () => 0,
  };
  return { engine, calls };
}

describe('buildComponentImage / planComponentImage with a registry that needs credentials', () => {
  let root: string;
  let registry: TokenRegistry;
  let environ: Record<string, string>;
  const logs: string[] = [];
  const recordFile = () => imageRecordPath(root, 'loader');
  const options = (extra: Partial<PlanComponentImageOptions> = {}): PlanComponentImageOptions => ({
    workspaceRoot: root,
    projectName: 'loader',
    projectRoot: 'components/loader',
    env: 'production',
    environ,
    log: (line) => logs.push(line),
    ...extra,
  });
  const listTree = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath ?? entry.path, entry.name)).sort()
      : [];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-build-image-'));
    mkdirSync(join(root, 'components/loader/src'), { recursive: true });
    writeFileSync(join(root, 'components/loader/Dockerfile'), 'FROM scratch\nCOPY component /app\n');
    writeFileSync(join(root, 'components/loader/src/run.py'), 'print("hi")\n');
    registry = await startTokenRegistry();
    environ = {
      HOME: join(root, 'home'),
      DOCKER_CONFIG: writeDockerConfig(join(root, 'docker-config'), { auths: { [registry.host]: basicAuthEntry() } }),
      DYNACONF_IMAGE__REGISTRY: `${registry.host}/team`,
    };
    logs.length = 0;
  });

  afterEach(async () => {
    await registry.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('skips the build of unchanged sources found in the registry with the credentials, and records the digest', async () => {
    const plan = await planComponentImage(options({ engine: emptyEngine().engine }));
    expect(plan).toMatchObject({ state: 'would-build', reference: plan.tag, push: true, engine: 'docker' });
    expect(plan.tag).toMatch(new RegExp(`^${registry.host}/team/loader:[0-9a-f]{16}$`));
    registry.manifests.set(`team/loader:${plan.tag.split(':').at(-1)}`, DIGEST);

    const { engine, calls } = emptyEngine();
    const record = await buildComponentImage({ ...options(), engine });
    expect(calls).toEqual([`imageExists ${plan.tag}`]); // no build, no push
    expect(record).toMatchObject({
      tag: plan.tag,
      contentHash: plan.contentHash,
      digest: DIGEST,
      reference: `${registry.host}/team/loader@${DIGEST}`,
      skipped: true,
      pushed: true,
    });
    expect(readImageRecord(recordFile())).toEqual(record);
    expect(logs).toContain(`[loader] up to date: ${plan.tag} already exists in the registry ${registry.host}/team; not building (--force rebuilds).`);
    expect(logs.join('\n')).not.toContain(TEST_PASSWORD);
  });

  it('builds and pushes when the registry cannot be read without credentials, saying why', async () => {
    const { engine, calls } = emptyEngine();
    const plan = await planComponentImage(options({ engine }));
    registry.manifests.set(`team/loader:${plan.tag.split(':').at(-1)}`, DIGEST);
    const record = await buildComponentImage({ ...options(), engine, environ: { ...environ, DOCKER_CONFIG: join(root, 'nothing') } });
    expect(calls.filter((call) => call.startsWith('build') || call.startsWith('push'))).toEqual([`build ${plan.tag}`, `push ${plan.tag}`]);
    expect(record.skipped).toBeUndefined();
    expect(logs.some((line) => line.includes(`cannot tell whether ${plan.tag} is in the registry`) && line.includes('no credentials'))).toBe(true);
  });

  it('plans without writing under dist/, with the tag a later build gives, and says when no engine answers', async () => {
    mkdirSync(join(root, 'dist/components/loader'), { recursive: true });
    writeFileSync(recordFile(), '{"reference":"old","tag":"old","tags":[],"contentHash":"old","engine":"docker","builtAt":"x"}\n');
    const before = listTree(join(root, 'dist'));
    const tmpBefore = readdirSync(tmpdir()).filter((name) => name.startsWith('nx-kubeflow-plan-'));

    const noEngine = await planComponentImage(options({ engine: emptyEngine({ available: false }).engine }));
    expect(noEngine).toMatchObject({ state: 'would-build', engineUnavailable: 'docker: the docker daemon does not answer' });
    expect(noEngine.engine).toBeUndefined();

    registry.manifests.set(`team/loader:${noEngine.tag.split(':').at(-1)}`, DIGEST);
    const found = await planComponentImage(options({ engine: emptyEngine({ available: false }).engine }));
    expect(found).toMatchObject({ state: 'in-registry', digest: DIGEST, reference: `${registry.host}/team/loader@${DIGEST}` });

    const local = await planComponentImage(options({ engine: emptyEngine().engine, push: false }));
    expect(local).toMatchObject({ state: 'would-build', push: false, tag: noEngine.tag });
    expect(local.registry).toBeUndefined();

    expect(listTree(join(root, 'dist'))).toEqual(before);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('nx-kubeflow-plan-'))).toEqual(tmpBefore);

    const built = await buildComponentImage({ ...options(), engine: emptyEngine().engine, force: true });
    expect(built.tag).toBe(noEngine.tag);
    expect(built.contentHash).toBe(noEngine.contentHash);
  });

  it('rejects an unknown engine name in a plan as a build does', async () => {
    await expect(planComponentImage(options({ engine: 'kaniko' }))).rejects.toThrow('Unknown engine "kaniko"');
  });

  it('keeps image.json of unchanged sources through a failed registry check and an unknown engine; drops it when a build fails', async () => {
    const { engine } = emptyEngine();
    const plan = await planComponentImage(options({ engine }));
    registry.manifests.set(`team/loader:${plan.tag.split(':').at(-1)}`, DIGEST);
    const record = await buildComponentImage({ ...options(), engine });

    await expect(buildComponentImage({ ...options(), engine: 'kaniko' })).rejects.toThrow('Unknown engine');
    expect(readImageRecord(recordFile())).toEqual(record);

    await registry.close();
    const unreachable = await buildComponentImage({ ...options(), engine }).catch((error) => error);
    expect(unreachable).toBeInstanceOf(ImageBuildError);
    expect(unreachable.message).toContain(`The registry ${registry.host} cannot be reached`);
    expect(readImageRecord(recordFile())).toEqual(record);
    registry = await startTokenRegistry(); // for afterEach

    const failing = emptyEngine({ buildExitCode: 1 });
    const failed = await buildComponentImage({ ...options(), engine: failing.engine, push: false, force: true }).catch((error) => error);
    expect(failed).toBeInstanceOf(ImageBuildError);
    expect(existsSync(recordFile())).toBe(false);
  });

  it('drops image.json of other sources as soon as the hash differs, even when the engine is unknown', async () => {
    const { engine } = emptyEngine();
    registry.manifests.set('team/loader:anything', DIGEST);
    await buildComponentImage({ ...options(), engine, push: false });
    expect(existsSync(recordFile())).toBe(true);
    writeFileSync(join(root, 'components/loader/src/run.py'), 'print("changed")\n');
    await expect(buildComponentImage({ ...options(), engine: 'kaniko' })).rejects.toThrow('Unknown engine');
    expect(existsSync(recordFile())).toBe(false);
  });
});

describe('settingsHint', () => {
  it('names the real component, and the pipeline whose settings the build read', () => {
    expect(settingsHint({ projectName: 'trainer' }, 'production')).toBe('nx run trainer:settings --env production --explain');
    expect(settingsHint({ projectName: 'trainer', pipelineRoot: 'pipelines/training-pipeline' }, 'production')).toBe(
      'nx run trainer:settings --env production --pipeline training-pipeline --explain',
    );
  });
});
