import { ExecutorContext, logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor, { normalizeOptions } from './docker-build.impl';

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

  it('fails with the valid engine names for an unknown engine, and writes no image.json', async () => {
    const result = await dockerBuildExecutor({ engine: 'kaniko' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('[loader] Unknown engine "kaniko". Valid engines: docker, podman, buildah.');
  });

  it('fails on --push without a registry, saying where to set one', async () => {
    const result = await dockerBuildExecutor({ push: true, env: 'production' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('image.registry is empty for environment "production"');
  });

  it('fails on a malformed --build-arg', async () => {
    const result = await dockerBuildExecutor({ buildArg: 'oops' }, contextFor(root));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('--build-arg "oops" must look like NAME=value');
  });
});
