import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageSettingsError, parseBuildArgFlags, readImageSettings } from './image-settings';

describe('readImageSettings', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-image-settings-'));
    mkdirSync(join(workspace, 'c/config'), { recursive: true });
    mkdirSync(join(workspace, 'p/config'), { recursive: true });
    writeFileSync(
      join(workspace, 'c/config/settings.toml'),
      [
        '[default]',
        'image.base = "python:3.11-slim"',
        '[default.image.build_args]',
        'EXTRA = "1"',
        'NUMBER = 2',
        '[production]',
        'image = { dynaconf_merge = true, registry = "ghcr.io/acme/ml" }',
      ].join('\n'),
    );
    writeFileSync(join(workspace, 'p/config/settings.toml'), '[default]\nimage.registry = "pipeline.example/ml"\n');
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('reads registry, base image and build args for the environment', () => {
    const development = readImageSettings({ workspaceRoot: workspace, projectRoot: 'c', environ: {} });
    expect(development).toEqual({
      env: 'development',
      registry: '',
      baseImage: 'python:3.11-slim',
      buildArgs: { EXTRA: '1', NUMBER: '2' },
      pipIndexUrl: undefined,
      pipExtraIndexUrl: undefined,
    });
    const production = readImageSettings({ workspaceRoot: workspace, projectRoot: 'c', env: 'production', environ: {} });
    expect(production.registry).toBe('ghcr.io/acme/ml');
    expect(production.baseImage).toBe('python:3.11-slim');
  });

  it('layers the component over the pipeline, and takes index credentials from the environment first', () => {
    // An image table in the component's [default] would replace the pipeline's whole (dynaconf).
    writeFileSync(join(workspace, 'c/config/settings.toml'), '[default]\nlog_level = "INFO"\n');
    writeFileSync(join(workspace, 'c/config/settings.local.toml'), '[default]\nimage = { dynaconf_merge = true, pip_index_url = "https://u:local@idx/simple" }\n');
    const settings = readImageSettings({
      workspaceRoot: workspace,
      projectRoot: 'c',
      pipelineRoot: 'p',
      environ: { ENV_FOR_DYNACONF: 'testing', PIP_EXTRA_INDEX_URL: 'https://u:env@extra/simple' },
    });
    expect(settings.env).toBe('testing');
    expect(settings.registry).toBe('pipeline.example/ml');
    expect(settings.pipIndexUrl).toBe('https://u:local@idx/simple');
    expect(settings.pipExtraIndexUrl).toBe('https://u:env@extra/simple');
  });

  it('refuses a registry that is not a string', () => {
    writeFileSync(join(workspace, 'c/config/settings.toml'), '[default]\nimage.registry = 3\n');
    expect(() => readImageSettings({ workspaceRoot: workspace, projectRoot: 'c', environ: {} })).toThrow(ImageSettingsError);
  });
});

describe('parseBuildArgFlags', () => {
  it('reads NAME=value, later wins, value may hold =', () => {
    expect(parseBuildArgFlags(['A=1', 'B=x=y', 'A=2', 'EMPTY='])).toEqual({ A: '2', B: 'x=y', EMPTY: '' });
    expect(() => parseBuildArgFlags(['novalue'])).toThrow(ImageSettingsError);
  });
});
