import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ExecutorContext, logger } from '@nx/devkit';
import settingsExecutor from './settings.impl';

let workspace: string;
let stdout: string;
let errors: string[];
const savedEnviron = { ...process.env };

function write(relativePath: string, text: string): void {
  const path = join(workspace, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function contextFor(projectName: string): ExecutorContext {
  return {
    root: workspace,
    cwd: workspace,
    isVerbose: false,
    projectName,
    projectsConfigurations: {
      version: 2,
      projects: {
        trainer: { root: 'components/trainer' },
        train: { root: 'pipelines/train' },
        evaluate: { root: 'pipelines/evaluate' },
        'nx-kubeflow': { root: 'packages/nx-kubeflow' },
      },
    },
  } as unknown as ExecutorContext;
}

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-settings-executor-'));
  write('components/trainer/component.yaml', 'name: trainer\n');
  write('components/trainer/config/settings.toml', '[default]\nbatch_size = 16\nkfp = { experiment = "trainer" }\n');
  write('pipelines/train/pipeline.yaml', 'name: train\n');
  write(
    'pipelines/train/config/settings.toml',
    '[default]\nkfp = { host = "local", namespace = "" }\n[production]\nkfp = { host = "https://kfp", namespace = "prod" }\n',
  );
  write('pipelines/evaluate/pipeline.yaml', 'name: evaluate\n');
  stdout = '';
  errors = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  jest.spyOn(logger, 'error').mockImplementation((message: unknown) => {
    errors.push(String(message));
  });
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('DYNACONF_') || name === 'ENV_FOR_DYNACONF') delete process.env[name];
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...savedEnviron };
  rmSync(workspace, { recursive: true, force: true });
});

describe('settings executor', () => {
  it("prints a component's settings as 2-space JSON", async () => {
    expect(await settingsExecutor({}, contextFor('trainer'))).toEqual({ success: true });
    expect(stdout).toBe(`${JSON.stringify({ BATCH_SIZE: 16, KFP: { experiment: 'trainer' } }, null, 2)}\n`);
  });

  it("layers the pipeline's settings under the component's with --pipeline", async () => {
    expect(await settingsExecutor({ pipeline: 'train', env: 'production' }, contextFor('trainer'))).toEqual({ success: true });
    expect(JSON.parse(stdout)).toEqual({ KFP: { experiment: 'trainer' }, BATCH_SIZE: 16 });
  });

  it("reads a pipeline project's own settings, with ENV_FOR_DYNACONF and DYNACONF_ variables", async () => {
    process.env['ENV_FOR_DYNACONF'] = 'production';
    process.env['DYNACONF_KFP__NAMESPACE'] = 'from-env';
    expect(await settingsExecutor({}, contextFor('train'))).toEqual({ success: true });
    expect(JSON.parse(stdout)).toEqual({ KFP: { host: 'https://kfp', namespace: 'from-env' } });
  });

  it('writes to --output-file relative to the workspace root, creating folders', async () => {
    expect(await settingsExecutor({ outputFile: 'dist/settings/train.json' }, contextFor('train'))).toEqual({ success: true });
    expect(JSON.parse(readFileSync(join(workspace, 'dist/settings/train.json'), 'utf-8'))).toEqual({
      KFP: { host: 'local', namespace: '' },
    });
    expect(stdout).toBe('');
  });

  it('explains where every leaf came from', async () => {
    process.env['DYNACONF_KFP__NAMESPACE'] = 'mine';
    expect(await settingsExecutor({ explain: true }, contextFor('train'))).toEqual({ success: true });
    expect(stdout).toContain('Environment: development');
    expect(stdout).toContain(`  KFP.host = "local"\n      <- ${join('pipelines', 'train', 'config', 'settings.toml')} [default]`);
    expect(stdout).toContain('  KFP.namespace = "mine"\n      <- environment variable DYNACONF_KFP__NAMESPACE');
  });

  it('lists the pipelines when --pipeline names none', async () => {
    expect(await settingsExecutor({ pipeline: 'nx-kubeflow' }, contextFor('trainer'))).toEqual({ success: false });
    expect(errors.join('\n')).toContain('Unknown pipeline "nx-kubeflow" for --pipeline. Pipelines in this workspace: evaluate, train.');
  });

  it('refuses --pipeline on a pipeline project', async () => {
    expect(await settingsExecutor({ pipeline: 'evaluate' }, contextFor('train'))).toEqual({ success: false });
    expect(errors.join('\n')).toContain('"train" is a pipeline');
  });

  it('reports broken settings files and fails', async () => {
    write('components/trainer/config/settings.local.toml', '[default\n');
    expect(await settingsExecutor({}, contextFor('trainer'))).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/components\/trainer\/config\/settings\.local\.toml:1:\d+/);
    expect(stdout).toBe('');
  });

  it('hides secret-looking values unless --show-secrets, in the JSON and in --explain', async () => {
    process.env['DYNACONF_WAREHOUSE__PASSWORD'] = 'hunter2';
    expect(await settingsExecutor({ explain: true }, contextFor('trainer'))).toEqual({ success: true });
    expect(stdout).not.toContain('hunter2');
    expect(JSON.parse(stdout.slice(0, stdout.indexOf('\nEnvironment:')))).toMatchObject({ WAREHOUSE: { PASSWORD: '***' } });
    expect(stdout).toContain('WAREHOUSE.PASSWORD = "***"');

    stdout = '';
    expect(await settingsExecutor({ showSecrets: true }, contextFor('trainer'))).toEqual({ success: true });
    expect(JSON.parse(stdout)).toMatchObject({ WAREHOUSE: { PASSWORD: 'hunter2' } });
  });

  it('hides session cookies and index credentials from settings.local.toml, in the JSON and in --explain', async () => {
    write(
      'pipelines/train/config/settings.local.toml',
      '[default]\nkfp = { cookies = "oauth2_proxy=s3ssion" }\nimage = { pip_index_url = "https://__token__:pypi-t0ken@pypi.example.com/simple" }\n',
    );
    expect(await settingsExecutor({ explain: true }, contextFor('train'))).toEqual({ success: true });
    expect(stdout).not.toContain('s3ssion');
    expect(stdout).not.toContain('pypi-t0ken');
    expect(stdout).toContain('https://***@pypi.example.com/simple');
  });
});
