import { ExecutorContext, logger } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor, { normalizeOptions } from './docker-build.impl';
import { ContainerEngine, imageRecordPath, planComponentImage, readImageRecord } from '../../images/index';
import type { ImageRecord } from '../../images/index';

/** An image.json as a build of the current sources (env `env`) would write it, or of other sources. */
async function writeRecord(root: string, env: string | undefined, current: boolean): Promise<ImageRecord> {
  const noEngine = { name: 'docker', detect: async () => ({ name: 'docker', available: false, reason: 'test' }) } as unknown as ContainerEngine;
  const plan = await planComponentImage({ workspaceRoot: root, projectName: 'loader', projectRoot: 'components/loader', env, engine: noEngine, push: false });
  const record: ImageRecord = {
    reference: plan.tag,
    tag: plan.tag,
    tags: [plan.tag],
    contentHash: current ? plan.contentHash : '0'.repeat(64),
    engine: 'docker',
    builtAt: '2026-01-01T00:00:00.000Z',
  };
  mkdirSync(join(root, 'dist/components/loader'), { recursive: true });
  writeFileSync(imageRecordPath(root, 'loader'), JSON.stringify(record));
  return record;
}

function contextFor(root: string): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'loader',
    projectsConfigurations: {
      version: 2,
      projects: { loader: { root: 'components/loader' }, flow: { root: 'pipelines/flow' } },
    },
  } as unknown as ExecutorContext;
}

describe('docker-build executor', () => {
  let root: string;
  let errors: string[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-docker-build-'));
    mkdirSync(join(root, 'components/loader'), { recursive: true });
    writeFileSync(join(root, 'components/loader/Dockerfile'), 'FROM scratch\n');
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((message) => void errors.push(String(message)));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  it('normalizes repeatable flags given once or many times', () => {
    const options = normalizeOptions(
      { tag: 'abc123', buildArg: ['A=1', 'B=2'], pipeline: 'flow', push: true, env: 'production' },
      contextFor(root),
    );
    expect(options).toMatchObject({
      projectName: 'loader',
      projectRoot: 'components/loader',
      pipelineRoot: 'pipelines/flow',
      tags: ['abc123'],
      buildArgs: { A: '1', B: '2' },
      push: true,
      force: false,
      env: 'production',
    });
  });

  it('fails with the valid engine names for an unknown engine, keeping image.json of unchanged sources', async () => {
    const record = await writeRecord(root, undefined, true);
    const result = await dockerBuildExecutor({ engine: 'kaniko' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('[loader] Unknown engine "kaniko". Valid engines: docker, podman, buildah.');
    expect(readImageRecord(imageRecordPath(root, 'loader'))).toEqual(record);
  });

  it('fails for an unknown engine removing image.json of other sources, and writes none', async () => {
    await writeRecord(root, undefined, false);
    expect(await dockerBuildExecutor({ engine: 'kaniko' }, contextFor(root))).toEqual({ success: false });
    expect(existsSync(imageRecordPath(root, 'loader'))).toBe(false);
    expect(await dockerBuildExecutor({ engine: 'kaniko' }, contextFor(root))).toEqual({ success: false });
    expect(existsSync(imageRecordPath(root, 'loader'))).toBe(false);
  });

  it('fails on --push without a registry, saying where to set one, keeping image.json of unchanged sources only', async () => {
    const record = await writeRecord(root, 'production', true);
    const result = await dockerBuildExecutor({ push: true, env: 'production' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('image.registry is empty for environment "production"');
    expect(readImageRecord(imageRecordPath(root, 'loader'))).toEqual(record);

    await writeRecord(root, 'production', false);
    expect(await dockerBuildExecutor({ push: true, env: 'production' }, contextFor(root))).toEqual({ success: false });
    expect(existsSync(imageRecordPath(root, 'loader'))).toBe(false);
  });

  it('fails on a malformed --build-arg', async () => {
    const result = await dockerBuildExecutor({ buildArg: 'oops' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('--build-arg "oops" must look like NAME=value');
  });
});
