import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stageContext, StagingError } from './stage-context';
import { isExcludedFromContext } from './staging-rules';

function write(root: string, file: string, text = 'x') {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

describe('stageContext', () => {
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-stage-'));
    write(
      workspace,
      'components/loader/pyproject.toml',
      '[project]\nname = "loader"\nversion = "1.0.0"\n[tool.uv.sources]\nruntime = { path = "../../packages/runtime" }\n',
    );
    write(workspace, 'components/loader/Dockerfile', 'FROM scratch\n');
    write(workspace, 'components/loader/src/run.py', 'print(1)\n');
    write(workspace, 'components/loader/src/lib/build/helper.py', '# a package named build stays\n');
    write(workspace, 'components/loader/config/settings.toml', '[default]\n');
    // What must never be staged, at several depths.
    write(workspace, 'components/loader/config/settings.local.toml', 'token = "local"\n');
    write(workspace, 'components/loader/.secrets.toml', 'token = "secret"\n');
    write(workspace, 'components/loader/config/.secrets.yaml', 'token: secret\n');
    write(workspace, 'components/loader/.venv/bin/python', '');
    write(workspace, 'components/loader/src/__pycache__/run.cpython-311.pyc', '');
    write(workspace, 'components/loader/.pytest_cache/v/cache', '');
    write(workspace, 'components/loader/loader.egg-info/PKG-INFO', '');
    write(workspace, 'components/loader/build/lib/x.py', '');
    write(workspace, 'components/loader/dist/loader.whl', '');
    write(workspace, 'components/loader/.git/HEAD', '');
    write(workspace, 'components/loader/src/.git/config', '');
    write(workspace, 'components/loader/.env', 'TOKEN=secret\n');
    write(workspace, 'components/loader/config/.env', 'TOKEN=secret\n');
    write(workspace, 'components/loader/config/.env.production', 'TOKEN=secret\n');
    write(workspace, 'components/loader/src/.env.local', 'TOKEN=secret\n');
    write(workspace, 'components/loader/config/.env.example', 'TOKEN=\n');
    write(workspace, 'components/loader/.netrc', 'machine pypi.example password secret\n');
    write(workspace, 'components/loader/config/.pypirc', '[pypi]\npassword = secret\n');
    write(
      workspace,
      'packages/runtime/pyproject.toml',
      '[project]\nname = "runtime"\n[tool.uv.sources]\nbase = { path = "../base" }\n',
    );
    write(workspace, 'packages/runtime/src/runtime/__init__.py', '');
    write(workspace, 'packages/runtime/.venv/lib/x', '');
    write(workspace, 'packages/runtime/config/.secrets.toml', 'x');
    write(workspace, 'packages/base/pyproject.toml', '[project]\nname = "base"\n');
    write(workspace, 'packages/base/src/base/__init__.py', '');
  });

  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const stage = () =>
    stageContext({ workspaceRoot: workspace, projectRoot: 'components/loader', contextDir: join(workspace, 'dist/ctx') });

  it('stages the component and its local packages, transitively, without settings.local.toml, secrets, .env, .netrc, .pypirc, .git, venvs or caches', () => {
    const staged = stage();
    expect(staged.packages).toEqual(['packages/base', 'packages/runtime']);
    expect(staged.files.map((file) => file.path)).toEqual([
      'component/Dockerfile',
      'component/config/.env.example',
      'component/config/settings.toml',
      'component/pyproject.toml',
      'component/src/lib/build/helper.py',
      'component/src/run.py',
      'packages/base/pyproject.toml',
      'packages/base/src/base/__init__.py',
      'packages/runtime/pyproject.toml',
      'packages/runtime/src/runtime/__init__.py',
    ]);
    expect(existsSync(join(workspace, 'dist/ctx/component/config/settings.local.toml'))).toBe(false);
    expect(existsSync(join(workspace, 'dist/ctx/component/.venv'))).toBe(false);
  });

  it('replaces an earlier context whole, and leaves no staging folder behind', () => {
    stage();
    write(workspace, 'dist/ctx/component/stale.txt');
    rmSync(join(workspace, 'components/loader/src/run.py'));
    const staged = stage();
    expect(existsSync(join(workspace, 'dist/ctx/component/stale.txt'))).toBe(false);
    expect(staged.files.map((file) => file.path)).not.toContain('component/src/run.py');
    expect(readdirSync(join(workspace, 'dist'))).toEqual(['ctx']);
  });

  it('fails before touching the old context when a local dependency is missing', () => {
    stage();
    rmSync(join(workspace, 'packages/base'), { recursive: true });
    expect(stage).toThrow(StagingError);
    expect(existsSync(join(workspace, 'dist/ctx/component/src/run.py'))).toBe(true);
    expect(readdirSync(join(workspace, 'dist'))).toEqual(['ctx']);
  });
});

describe('stageContext with the component\'s .dockerignore', () => {
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-stage-'));
    write(workspace, 'components/loader/pyproject.toml', '[project]\nname = "loader"\n[tool.uv.sources]\nruntime = { path = "../../packages/runtime" }\n');
    write(workspace, 'components/loader/Dockerfile', 'FROM scratch\n');
    write(workspace, 'components/loader/README.md', '# loader\n');
    write(workspace, 'components/loader/NOTES.md', 'notes\n');
    write(workspace, 'components/loader/notes.txt', 'top-level notes\n');
    write(workspace, 'components/loader/src/notes.txt', 'notes beside the code\n');
    write(workspace, 'components/loader/src/run.py', 'print(1)\n');
    write(workspace, 'components/loader/src/lib/test_run.py', '');
    write(workspace, 'components/loader/src/lib/model.py', '');
    write(workspace, 'components/loader/docs/guide.md', '');
    write(workspace, 'components/loader/docs/img/a.png', '');
    write(workspace, 'components/loader/data/big.csv', '');
    write(workspace, 'components/loader/data/nested/more.csv', '');
    write(workspace, 'components/loader/data/keep.csv', '');
    write(workspace, 'components/loader/Makefile.LOCAL', '');
    write(workspace, 'components/loader/config/.env', 'TOKEN=secret\n');
    write(workspace, 'components/loader/config/settings.local.toml', 'token = "local"\n');
    write(workspace, 'packages/runtime/pyproject.toml', '[project]\nname = "runtime"\n');
    write(workspace, 'packages/runtime/src/runtime/__init__.py', '');
    write(workspace, 'packages/runtime/notes.txt', '');
    // Only the component's .dockerignore is read, as Docker reads the one at the context's root.
    write(workspace, 'packages/runtime/.dockerignore', 'src\n');
  });

  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const stage = () =>
    stageContext({ workspaceRoot: workspace, projectRoot: 'components/loader', contextDir: join(workspace, 'dist/ctx') }).files.map(
      (file) => file.path,
    );

  it('leaves out what it lists, with Docker\'s rules: anchored at the component, folders whole, ** and ! exceptions, case-sensitive', () => {
    write(
      workspace,
      'components/loader/.dockerignore',
      [
        '# comments and blank lines are skipped',
        '',
        '*.md',
        '!README.md',
        'notes.txt',
        'docs/',
        '**/test_*.py',
        'data',
        '!data/keep.csv',
        '*.local',
        '.dockerignore',
      ].join('\n'),
    );
    expect(stage()).toEqual([
      'component/Dockerfile',
      'component/Makefile.LOCAL',
      'component/README.md',
      'component/data/keep.csv',
      'component/pyproject.toml',
      'component/src/lib/model.py',
      'component/src/notes.txt',
      'component/src/run.py',
      'packages/runtime/.dockerignore',
      'packages/runtime/notes.txt',
      'packages/runtime/pyproject.toml',
      'packages/runtime/src/runtime/__init__.py',
    ]);
    // A folder left out is not made at all, even when walked for an exception.
    expect(existsSync(join(workspace, 'dist/ctx/component/docs'))).toBe(false);
    expect(existsSync(join(workspace, 'dist/ctx/component/data/nested'))).toBe(false);
  });

  it('cannot bring back what staging never stages, and never leaves out the Dockerfile the build reads', () => {
    write(workspace, 'components/loader/.dockerignore', '*\n!config/.env\n!config/settings.local.toml\n!**/.env\n!src\n');
    expect(stage()).toEqual([
      'component/Dockerfile',
      'component/src/lib/model.py',
      'component/src/lib/test_run.py',
      'component/src/notes.txt',
      'component/src/run.py',
      'packages/runtime/.dockerignore',
      'packages/runtime/notes.txt',
      'packages/runtime/pyproject.toml',
      'packages/runtime/src/runtime/__init__.py',
    ]);
  });

  it('stages everything staging allows when there is no .dockerignore', () => {
    expect(stage()).toContain('component/docs/guide.md');
    expect(stage()).toContain('component/notes.txt');
  });

  it('names the file and line of a pattern that is not valid, before touching the old context', () => {
    stage();
    write(workspace, 'components/loader/.dockerignore', 'docs\n[z-\n');
    expect(stage).toThrow(StagingError);
    expect(stage).toThrow(/^components\/loader\/\.dockerignore line 2: "\[z-" is not a valid pattern/);
    expect(existsSync(join(workspace, 'dist/ctx/component/docs/guide.md'))).toBe(true);
  });
});

describe('isExcludedFromContext', () => {
  it.each([
    ['config/settings.local.toml', true],
    ['deep/er/settings.local.toml', true],
    ['.secrets.toml', true],
    ['config/.secrets.json', true],
    ['.venv', true],
    ['src/__pycache__', true],
    ['x.egg-info', true],
    ['build', true],
    ['dist', true],
    ['src/build', false],
    ['config/settings.toml', false],
    ['src/secrets.py', false],
    ['.env', true],
    ['config/.env', true],
    ['.env.local', true],
    ['config/.env.production', true],
    ['.env.example', false],
    ['config/.env.sample', false],
    ['.env.template', false],
    ['src/env.py', false],
    ['.environment', false],
    ['.netrc', true],
    ['config/_netrc', true],
    ['.pypirc', true],
    ['src/.pypirc', true],
    ['.git', true],
    ['src/vendored/.git', true],
    ['.gitignore', false],
  ])('%s -> %s', (path, excluded) => {
    expect(isExcludedFromContext(path)).toBe(excluded);
  });
});
