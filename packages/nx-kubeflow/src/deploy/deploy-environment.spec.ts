import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEnvironmentDeclared, localBackendWarning } from './deploy-environment';
import { DeployError } from './deploy-backend';
import { readDeploySettings } from './deploy-settings';

let workspace: string;
const pipelineRoot = 'pipelines/p';
const write = (file: string, text: string) => {
  mkdirSync(join(workspace, pipelineRoot, 'config'), { recursive: true });
  writeFileSync(join(workspace, pipelineRoot, 'config', file), text);
};
beforeEach(() => (workspace = mkdtempSync(join(tmpdir(), 'deploy-environment-'))));
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('checkEnvironmentDeclared', () => {
  it('refuses an environment no settings file declares, naming the files, what they declare and what to add', () => {
    write('settings.toml', '[default]\nkfp.host = "local"\n[staging]\nkfp.host = "https://kfp.example.com"\n');
    expect(() => checkEnvironmentDeclared({ workspaceRoot: workspace, pipelineRoot, env: 'production' })).toThrow(DeployError);
    expect(() => checkEnvironmentDeclared({ workspaceRoot: workspace, pipelineRoot, env: 'production' })).toThrow(
      'the environment "production" is declared in no settings file of pipelines/p (pipelines/p/config/settings.toml; they declare: staging)',
    );
    expect(() => checkEnvironmentDeclared({ workspaceRoot: workspace, pipelineRoot, env: 'production' })).toThrow(
      'Add a [production] section to pipelines/p/config/settings.toml',
    );
  });

  it('takes development without a section, and an environment declared in settings.toml or settings.local.toml, in any case', () => {
    write('settings.toml', '[default]\nkfp.host = "local"\n[Production]\n');
    write('settings.local.toml', '[mine.kfp]\nhost = "http://localhost:8888"\n');
    for (const env of ['development', 'production', 'PRODUCTION', 'mine']) {
      expect(() => checkEnvironmentDeclared({ workspaceRoot: workspace, pipelineRoot, env })).not.toThrow();
    }
  });
});

describe('localBackendWarning', () => {
  it('says loudly when a named environment resolves to the local backend, and stays quiet for development or a URL', () => {
    write('settings.toml', '[default]\nkfp.host = "local"\n[production]\ndeploy.run = false\n[staging]\nkfp.host = "https://kfp.example.com"\n');
    const settingsFor = (env: string) => readDeploySettings({ workspaceRoot: workspace, pipelineRoot: join(workspace, pipelineRoot), env, environ: {} });
    expect(localBackendWarning(settingsFor('production'), pipelineRoot)).toMatch(
      /^WARNING: the production environment deploys to the LOCAL backend .*Set kfp.host under \[production\] in pipelines\/p\/config\/settings.toml/,
    );
    expect(localBackendWarning(settingsFor('development'), pipelineRoot)).toBeUndefined();
    expect(localBackendWarning(settingsFor('staging'), pipelineRoot)).toBeUndefined();
  });
});
