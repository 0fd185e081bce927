/**
 * Hand-written expectations, as documentation of what dynaconf does. The
 * differential spec (dynaconf-differential.spec.ts) is what proves the
 * loader agrees with real dynaconf; each behaviour here was checked there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSettings, LeftoverDynaconfMarker } from './load-settings';
import { settingsFilesFor } from './settings-files';
import { SettingsFileError, SettingsValueError } from './settings-errors';

let workspace: string;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-settings-'));
});

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
});

function write(relativePath: string, text: string): string {
  const path = join(workspace, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const pipelineFiles = () => settingsFilesFor({ pipelineRoot: join(workspace, 'pipeline') });
const layeredFiles = () =>
  settingsFilesFor({ pipelineRoot: join(workspace, 'pipeline'), componentRoot: join(workspace, 'component') });

describe('environments', () => {
  beforeEach(() => {
    write(
      'pipeline/config/settings.toml',
      `
[default]
mode = "default"
[development]
mode = "development"
[production]
mode = "production"
[global]
always = true
`,
    );
  });

  it('uses [development] when neither env nor ENV_FOR_DYNACONF is given', () => {
    expect(loadSettings({ files: pipelineFiles(), environ: {} }).values).toEqual({ MODE: 'development', ALWAYS: true });
  });

  it('takes ENV_FOR_DYNACONF from the environment', () => {
    const settings = loadSettings({ files: pipelineFiles(), environ: { ENV_FOR_DYNACONF: 'production' } });
    expect(settings.values['MODE']).toBe('production');
    expect(settings.env).toBe('production');
  });

  it('lets an explicit env win over ENV_FOR_DYNACONF', () => {
    const settings = loadSettings({ files: pipelineFiles(), env: 'development', environ: { ENV_FOR_DYNACONF: 'production' } });
    expect(settings.values['MODE']).toBe('development');
  });
});

describe('layering', () => {
  it('replaces a nested table from [default] when [development] sets one key of it with a TOML dotted key', () => {
    write(
      'pipeline/config/settings.toml',
      `
[default]
kfp.host = "local"
kfp.namespace = "team"
[development]
kfp.host = "http://dev"
`,
    );
    expect(loadSettings({ files: pipelineFiles(), environ: {} }).values).toEqual({ KFP: { host: 'http://dev' } });
  });

  it('merges with a quoted "a.b" key, dynaconf_merge or @merge', () => {
    write(
      'pipeline/config/settings.toml',
      `
[default]
a = { x = 1, y = 1 }
b = { x = 1, y = 1 }
c = { x = 1, y = 1 }
[development]
"a.x" = 2
b = { x = 2, dynaconf_merge = true }
c = '@merge {"x": 2}'
`,
    );
    expect(loadSettings({ files: pipelineFiles(), environ: {} }).values).toEqual({
      A: { x: 2, y: 1 },
      B: { x: 2, y: 1 },
      C: { x: 2, y: 1 },
    });
  });

  it('loads every main file, then the .local. sibling of each existing main file', () => {
    write('pipeline/config/settings.toml', '[default]\na = "pipeline"\nb = "pipeline"\nc = "pipeline"\n');
    write('pipeline/config/settings.local.toml', '[default]\na = "pipeline local"\nb = "pipeline local"\n');
    write('component/config/settings.toml', '[default]\na = "component"\nb = "component"\n');
    write('component/config/settings.local.toml', '[default]\nb = "component local"\n');
    const settings = loadSettings({ files: layeredFiles(), environ: {} });
    expect(settings.values).toEqual({ A: 'pipeline local', B: 'component local', C: 'pipeline' });
    expect(settings.files.map((file) => file.slice(workspace.length + 1))).toEqual([
      'pipeline/config/settings.toml',
      'component/config/settings.toml',
      'pipeline/config/settings.local.toml',
      'component/config/settings.local.toml',
    ]);
  });

  it('skips missing files, and a local file beside a missing main file', () => {
    write('component/config/settings.local.toml', '[default]\nlocal_only = true\n');
    write('pipeline/config/settings.toml', '[default]\nfrom_pipeline = true\n');
    expect(loadSettings({ files: layeredFiles(), environ: {} }).values).toEqual({ FROM_PIPELINE: true });
  });

  it('reads inline settings text as the file it stands for would be, without a .local. sibling, in its place in the order', () => {
    const pipelineText = '[default]\na = "pipeline"\nb = "pipeline"\nc = "pipeline"\n';
    write('component/config/settings.toml', '[default]\na = "component"\nb = "component"\n');
    write('component/config/settings.local.toml', '[default]\nb = "component local"\n');
    const standIn = join(workspace, 'pipeline/config/settings.toml');
    // a local file beside where the inline one stands is not its sibling: nothing on disk is read for it
    write('pipeline/config/settings.local.toml', '[default]\nc = "must not be read"\n');
    const inline = loadSettings({ files: layeredFiles(), inlineFiles: { [standIn]: pipelineText }, environ: {} });
    expect(inline.values).toEqual({ A: 'component', B: 'component local', C: 'pipeline' });
    expect(inline.files.map((file) => file.slice(workspace.length + 1))).toEqual([
      'pipeline/config/settings.toml',
      'component/config/settings.toml',
      'component/config/settings.local.toml',
    ]);
    expect(inline.origins['C']).toMatchObject({ kind: 'file', file: standIn });
    // the same text on disk, with no local sibling, gives the same values
    rmSync(join(workspace, 'pipeline/config/settings.local.toml'));
    write('pipeline/config/settings.toml', pipelineText);
    expect(loadSettings({ files: layeredFiles(), environ: {} }).values).toEqual(inline.values);
  });

  it('names the inline text\'s stand-in path when it does not parse', () => {
    const standIn = join(workspace, 'pipeline/config/settings.toml');
    expect(() => loadSettings({ files: [standIn], inlineFiles: { [standIn]: '[default\n' }, environ: {} })).toThrow(standIn);
  });

  it('never reads .secrets files', () => {
    write('pipeline/config/settings.toml', '[default]\npublic = 1\n');
    write('pipeline/config/.secrets.toml', '[default]\npassword = "hunter2"\n');
    expect(loadSettings({ files: pipelineFiles(), environ: {} }).values).toEqual({ PUBLIC: 1 });
  });
});

describe('keys', () => {
  it('upper-cases top-level keys and keeps nested keys as written', () => {
    write('pipeline/config/settings.toml', '[default]\nkfp = { Host = "h" }\nLog_Level = "info"\n');
    expect(loadSettings({ files: pipelineFiles(), environ: {} }).values).toEqual({ KFP: { Host: 'h' }, LOG_LEVEL: 'info' });
  });

  it('upper-cases nested keys that a quoted dotted key or a __ variable creates', () => {
    write('pipeline/config/settings.toml', '[default]\n"image.registry" = "r"\n');
    const settings = loadSettings({ files: pipelineFiles(), environ: { DYNACONF_KFP__HOST: 'h' } });
    expect(settings.values).toEqual({ IMAGE: { REGISTRY: 'r' }, KFP: { HOST: 'h' } });
  });
});

describe('environment variables', () => {
  it('parses DYNACONF_ values as TOML and applies them last', () => {
    write('pipeline/config/settings.toml', '[default]\nkfp = { host = "local", namespace = "team" }\nport = 1\n');
    const settings = loadSettings({
      files: pipelineFiles(),
      environ: {
        DYNACONF_PORT: '8080',
        DYNACONF_KFP__HOST: 'http://env',
        DYNACONF_TAGS: '["a", 1]',
        DYNACONF_DEBUG: 'True',
        DYNACONF_RATIO: '@float 1',
        OTHER: 'ignored',
      },
    });
    expect(settings.values).toEqual({
      KFP: { host: 'http://env', namespace: 'team' },
      PORT: 8080,
      TAGS: ['a', 1],
      DEBUG: true,
      RATIO: 1,
    });
  });
});

describe('origins', () => {
  it('names the file and section, or the variable, for every leaf', () => {
    const pipelineFile = write(
      'pipeline/config/settings.toml',
      '[default]\nkfp = { host = "local", namespace = "team" }\n[development]\nkfp = { host = "dev", dynaconf_merge = true }\n',
    );
    const settings = loadSettings({ files: pipelineFiles(), environ: { DYNACONF_KFP__EXPERIMENT: 'exp' } });
    expect(settings.origins).toEqual({
      'KFP.host': { kind: 'file', file: pipelineFile, section: 'development' },
      'KFP.namespace': { kind: 'file', file: pipelineFile, section: 'default' },
      'KFP.EXPERIMENT': { kind: 'environment', variable: 'DYNACONF_KFP__EXPERIMENT' },
    });
  });
});

describe('tokens', () => {
  it('evaluates @format and @get against the final settings', () => {
    write(
      'pipeline/config/settings.toml',
      '[default]\nhost = "local"\nurl = "@format http://{this.HOST}/x"\ncopy = "@get host"\n[production]\nhost = "prod"\n',
    );
    expect(loadSettings({ files: pipelineFiles(), env: 'production', environ: {} }).values).toEqual({
      HOST: 'prod',
      URL: 'http://prod/x',
      COPY: 'prod',
    });
  });

  it('keeps a marker that had nothing to act on, as dynaconf does', () => {
    write('pipeline/config/settings.toml', '[default]\nkfp = { host = "@del" }\n');
    const kfp = loadSettings({ files: pipelineFiles(), environ: {} }).values['KFP'] as Record<string, unknown>;
    expect(kfp['host']).toEqual(new LeftoverDynaconfMarker('Del', '@del'));
  });

  it('names the source of a value that cannot be converted', () => {
    write('pipeline/config/settings.toml', '[default]\nport = "@int eighty"\n');
    expect(() => loadSettings({ files: pipelineFiles(), environ: {} })).toThrow(
      /settings\.toml \[default\], key PORT: Cannot convert 'eighty' to integer/,
    );
    expect(() => loadSettings({ files: [], environ: { DYNACONF_X: '@int x' } })).toThrow(SettingsValueError);
  });
});

describe('what the plugin refuses instead of guessing', () => {
  it('refuses dynaconf_include, whose files it would not load', () => {
    write('pipeline/config/settings.toml', '[default]\ndynaconf_include = ["extra.toml"]\n');
    expect(() => loadSettings({ files: pipelineFiles(), environ: {} })).toThrow(/dynaconf_include is set/);
  });

  it('refuses @jinja, which needs jinja2 on the Python side', () => {
    write('pipeline/config/settings.toml', '[default]\na = "@jinja {{ this.B }}"\n');
    expect(() => loadSettings({ files: pipelineFiles(), environ: {} })).toThrow(/reading A: .*@jinja templates are not evaluated/);
  });
});

describe('broken files', () => {
  it('reports every broken file with line and column in one error', () => {
    write('pipeline/config/settings.toml', '[default]\nname = "unterminated\n');
    write('component/config/settings.toml', '[default]\nok = 1\n');
    write('component/config/settings.local.toml', '[default]\nkfp = { host = "h",\n  namespace = "n" }\n');
    let error: unknown;
    try {
      loadSettings({ files: layeredFiles(), environ: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsFileError);
    const problems = (error as SettingsFileError).problems;
    expect(problems.map((problem) => [problem.file.slice(workspace.length + 1), problem.line])).toEqual([
      ['pipeline/config/settings.toml', 2],
      ['component/config/settings.local.toml', 2],
    ]);
    expect((error as Error).message).toContain('pipeline/config/settings.toml:2:');
    expect((error as Error).message).toContain('newline inside an inline table (allowed from TOML 1.1 only)');
    expect((error as Error).message).toContain('Fix the syntax');
  });

  it('refuses an environment name used as a plain key', () => {
    write('pipeline/config/settings.toml', 'development = "x"\n');
    expect(() => loadSettings({ files: pipelineFiles(), environ: {} })).toThrow(SettingsFileError);
  });
});
