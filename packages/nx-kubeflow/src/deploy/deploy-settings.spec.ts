import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploySettingsError, readDeploySettings } from './deploy-settings';

let workspaceRoot: string;
beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-deploy-settings-'));
  mkdirSync(join(workspaceRoot, 'pipelines/p/config'), { recursive: true });
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

const read = (settings: string, env = 'production', environ: Record<string, string> = {}) => {
  writeFileSync(join(workspaceRoot, 'pipelines/p/config/settings.toml'), settings);
  return readDeploySettings({ workspaceRoot, pipelineRoot: 'pipelines/p', env, environ });
};

describe('readDeploySettings', () => {
  it('reads the backend, registry and schedule of the environment, local files and DYNACONF_* included', () => {
    writeFileSync(join(workspaceRoot, 'pipelines/p/config/settings.local.toml'), '[production]\nkfp = { dynaconf_merge = true, token_path = "/t" }\n');
    const settings = read(
      '[default]\nkfp.host = "local"\n[production]\nkfp = { host = "https://kf.example.com/pipeline", namespace = "ml" }\nimage.registry = "ghcr.io/acme"\nschedule = { cron = "0 0 4 * * *" }\n',
      'production',
      { DYNACONF_KFP__EXPERIMENT: 'nightly' },
    );
    expect(settings).toMatchObject({
      env: 'production',
      host: 'https://kf.example.com/pipeline',
      namespace: 'ml',
      experiment: 'nightly',
      mode: 'api',
      imageRegistry: 'ghcr.io/acme',
      schedule: { cron: '0 0 4 * * *' },
    });
    expect(settings.kfp).toMatchObject({ host: 'https://kf.example.com/pipeline', token_path: '/t' });
  });

  it('defaults to the local backend with no schedule', () => {
    expect(read('[default]\n', 'development')).toMatchObject({ host: 'local', mode: 'api', imageRegistry: '', kfp: {} });
    expect(read('[default]\n', 'development').schedule).toBeUndefined();
    expect(read('[production]\nschedule = { cron = "0 0 4 * * *", enabled = false }\n').schedule).toBeUndefined();
    expect(read('[production]\nschedule = { interval_second = 3600 }\n').schedule).toMatchObject({ intervalSecond: 3600 });
  });

  it('reads deploy.task_timeout_seconds, the local runner\'s default task timeout (under deploy, so it stays out of the IR)', () => {
    expect(read('[default]\ndeploy.task_timeout_seconds = 90\n', 'development').taskTimeoutSeconds).toBe(90);
    expect(read('[default]\n', 'development').taskTimeoutSeconds).toBeUndefined();
    expect(read('[default]\ndeploy.task_timeout_seconds = 0\n', 'development').taskTimeoutSeconds).toBeUndefined();
    expect(() => read('[default]\ndeploy.task_timeout_seconds = "1h"\n', 'development')).toThrow(/deploy.task_timeout_seconds is "1h": give a number of seconds/);
  });

  it('reports every problem of the schedule and mode at once, naming the keys and how to fix them', () => {
    const attempt = () => read('[production]\nkfp.mode = "helm"\nschedule = { cron = "0 4 * * *" }\n');
    expect(attempt).toThrow(DeploySettingsError);
    expect(attempt).toThrow(/2 problems in the production settings of pipelines\/p/);
    expect(attempt).toThrow(/kfp.mode is "helm": use "api" .* or "crd"/);
    expect(attempt).toThrow(/schedule.cron is "0 4 \* \* \*": KFP reads six fields, seconds first/);
    expect(() => read('[production]\nschedule = { cron = "0 0 4 * * *", interval_second = 5 }\n')).toThrow(/both cron and interval_second/);
    expect(() => read('[production]\nschedule = { interval_second = -1 }\n')).toThrow(/whole number of seconds above 0/);
    expect(() => read('[production]\nschedule = { foo = 1 }\n')).toThrow(/neither cron nor interval_second/);
  });
});
