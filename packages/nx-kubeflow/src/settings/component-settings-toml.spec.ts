import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentSettingsToml, PLUGIN_SETTING_KEYS } from './component-settings-toml';
import { loadSettings } from './load-settings';

const SETTINGS = `# a pipeline's settings
[default]
kfp.host = "local"
"kfp.namespace" = "ml"
KFP__experiment = "Default"
image = { registry = "", base = "python:3.11-slim" }
threshold = 1.0
batch = 32
big = 99999999999999999999
when = 2024-02-29
warehouse = { dynaconf_merge = true, host = "db", port = 5432 }
names = ["a", 'b']
motto = "@format {env[HOME]}"

[default.parameters]
rows = 10

[default.schedule]
cron = "0 0 4 * * *"

[development]
deploy.run = true
deploy.wait = true

[production]
dynaconf_merge = true
Kfp = { dynaconf_merge = true, host = "https://kubeflow.example.com/pipeline" }
IMAGE = { dynaconf_merge = true, registry = "ghcr.io/acme/ml" }
threshold = 2.5

[staging]
dynaconf_merge = true
deploy.run = false
`;

let folder: string;
beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'component-settings-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function load(text: string, env: string): Record<string, unknown> {
  const file = join(folder, `${env}-${Math.random()}.toml`);
  writeFileSync(file, text);
  return loadSettings({ files: [file], env, environ: { HOME: '/home/me' }, cwd: folder }).values;
}

const withoutPluginKeys = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([key]) => !PLUGIN_SETTING_KEYS.has(key.toLowerCase())));

describe('componentSettingsToml', () => {
  it("leaves out the plugin's keys in every form and section", () => {
    const text = componentSettingsToml(SETTINGS);
    expect(text).not.toMatch(/kfp|image|schedule|deploy|parameters|cron|registry/i);
    // a section with nothing left but dynaconf_merge changes nothing: gone
    expect(text).not.toContain('[staging]');
  });

  it.each(['default', 'development', 'production', 'staging', 'testing'])(
    'gives components the same settings as the whole file in %s, minus the plugin keys (dynaconf semantics kept)',
    (env) => {
      const filtered = load(componentSettingsToml(SETTINGS), env);
      expect(filtered).toEqual(withoutPluginKeys(load(SETTINGS, env)));
      expect(Object.keys(filtered).length).toBeGreaterThan(3);
    },
  );

  it('keeps value types: a float stays a float, a big integer exact, a date a date', () => {
    const text = componentSettingsToml(SETTINGS);
    expect(text).toMatch(/^threshold = 1\.0$/m);
    expect(text).toMatch(/^batch = 32$/m);
    expect(text).toMatch(/^big = 99999999999999999999$/m);
    expect(text).toMatch(/^when = 2024-02-29$/m);
  });

  it('is empty when only plugin keys are there', () => {
    expect(componentSettingsToml('[default]\nkfp.host = "local"\n[production.parameters]\nrows = 3\n')).toBe('');
    expect(componentSettingsToml('')).toBe('');
  });
});
