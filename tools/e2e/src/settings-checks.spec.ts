import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 12, settings as a user meets them through the real nx CLI: the
 * `settings` target hides every secret shape the corpus in
 * src/settings/redact-secrets.spec.ts names, and a TOML error in a settings
 * file is reported as file:line:column by every target that reads the file,
 * before the target does anything else (no venv, no pytest, no build, no run).
 */
describe('settings through the CLI: secrets hidden, broken files named before anything runs', () => {
  let workspace: WorkspaceCopy;
  const file = (path: string) => join(workspace.root, path);

  beforeAll(() => {
    workspace = new WorkspaceCopy();
  });
  afterAll(() => workspace?.remove());

  it('settings hides pwd, pass, key, access_key_id and a libpq password=, and shows keyboard_layout, monkey and passes', () => {
    writeFileSync(
      file('components/data-loader/config/settings.local.toml'),
      [
        '[development]',
        'pwd = "sekrit-pwd"',
        'db_pass = "sekrit-pass"',
        'ssh_key = "sekrit-key"',
        'aws = { access_key_id = "AKIASEKRIT", region = "eu-west-1" }',
        'dsn = "host=db.internal user=ml password=sekrit-dsn dbname=features"',
        'keyboard_layout = "us"',
        'monkey = "banana"',
        'passes = 3',
        '',
      ].join('\n'),
    );
    const shown = workspace.nx('run', 'data-loader:settings', '--outputStyle=static');
    const explained = workspace.nx('run', 'data-loader:settings', '--explain', '--outputStyle=static');
    for (const result of [shown, explained]) {
      expect(result.status).toBe(0);
      expect(result.output).not.toMatch(/sekrit|AKIASEKRIT/);
    }
    const values = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('{'), shown.stdout.lastIndexOf('}') + 1));
    expect(values).toMatchObject({
      PWD: '***',
      DB_PASS: '***',
      SSH_KEY: '***',
      AWS: { access_key_id: '***', region: 'eu-west-1' },
      DSN: 'host=db.internal user=ml password=*** dbname=features',
      KEYBOARD_LAYOUT: 'us',
      MONKEY: 'banana',
      PASSES: 3,
    });
  });

  describe("a TOML error in a component's settings.toml", () => {
    const settingsFile = 'components/data-loader/config/settings.toml';
    let original: string;
    let brokenLine: number;

    beforeAll(() => {
      original = readFileSync(file(settingsFile), 'utf8');
      brokenLine = original.split('\n').length + 1;
      // line `brokenLine`, column 12: a value that is not TOML
      appendFileSync(file(settingsFile), '\nbatch_size = 16 17\n');
    });
    afterAll(() => writeFileSync(file(settingsFile), original));

    const position = () => new RegExp(`components/data-loader/config/settings\\.toml:${brokenLine}:\\d+: `);

    it('test names it and stops before the venv and pytest', () => {
      const result = workspace.nx('run', 'data-loader:test', '--skip-nx-cache', '--outputStyle=static');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(position());
      expect(result.output).not.toMatch(/Traceback|tomllib|Creating venv|pytest/i);
      expect(existsSync(file('dist/test-results/data-loader/junit.xml'))).toBe(false);
    });

    it("compile of a pipeline that uses the component names it and writes no IR", () => {
      const result = workspace.nx('run', 'training-pipeline:compile', '--skip-nx-cache', '--outputStyle=static');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(position());
      expect(existsSync(file('dist/pipelines/training-pipeline/development/pipeline.yaml'))).toBe(false);
    });

    it('docker-build names it before staging or building', () => {
      const result = workspace.nx('run', 'data-loader:docker-build', '--skip-nx-cache', '--outputStyle=static');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(position());
      expect(existsSync(file('dist/components/data-loader/image.json'))).toBe(false);
    });

    it('run names it before any task starts', () => {
      const result = workspace.nx('run', 'training-pipeline:run', '--skip-nx-cache', '--outputStyle=static');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(position());
      expect(existsSync(file('dist/runs/training-pipeline'))).toBe(false);
    });

    it('deploy names it before compiling or publishing', () => {
      const result = workspace.nx('run', 'training-pipeline:deploy', '--skip-nx-cache', '--outputStyle=static');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(position());
      expect(existsSync(file('dist/kfp-local'))).toBe(false);
    });
  });

  it("a broken pipeline settings.local.toml is named by the pipeline's compile", () => {
    writeFileSync(file('pipelines/training-pipeline/config/settings.local.toml'), '[development]\nkfp = { host = "local", }\n');
    const result = workspace.nx('run', 'training-pipeline:compile', '--skip-nx-cache', '--outputStyle=static');
    writeFileSync(file('pipelines/training-pipeline/config/settings.local.toml'), '');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/pipelines\/training-pipeline\/config\/settings\.local\.toml:2:\d+: /);
  });

  it('test fails a broken component.yaml at file:line:column before the venv and pytest (issue 12, stumble 9)', () => {
    const componentFile = file('components/data-loader/component.yaml');
    const original = readFileSync(componentFile, 'utf8');
    writeFileSync(componentFile, original.replace(/^name: .*$/m, 'name: [unclosed'));
    const result = workspace.nx('run', 'data-loader:test', '--skip-nx-cache', '--outputStyle=static');
    writeFileSync(componentFile, original);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/components\/data-loader\/component\.yaml:\d+:\d+: \(file\): not valid YAML/);
    expect(result.output).not.toMatch(/Creating venv|passed/);
  });
});
