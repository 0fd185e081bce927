import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { findPythonInterpreter, type PythonInterpreter } from './interpreter';
import { ensureProjectVenv, VenvInstallError } from './venv';
import { VENV_FRESH_STAMP } from './venv-fresh-shell';

/**
 * Real venvs and a real pip: the install needs setuptools from the package
 * index (PyPI, or PIP_INDEX_URL), as every component install does.
 */
describe('ensureProjectVenv', () => {
  jest.setTimeout(300_000);
  let workspaceRoot: string;
  let interpreter: PythonInterpreter;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const pyproject = (name: string, extra = '') =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\n${extra}\n` +
    `[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n` +
    `[tool.setuptools]\npackages = []\n`;

  beforeAll(async () => {
    interpreter = await findPythonInterpreter(undefined);
  });
  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-venv-'));
    write('packages/helper/pyproject.toml', pyproject('helper-lib'));
    write(
      'components/demo/pyproject.toml',
      pyproject('demo-component', 'dependencies = ["helper-lib"]') +
        '[tool.uv.sources]\nhelper-lib = { path = "../../packages/helper", editable = true }\n',
    );
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  const ensure = () =>
    ensureProjectVenv({ workspaceRoot, projectRoot: 'components/demo', interpreter, extras: [] });

  it('creates the venv once and reinstalls only when a pyproject.toml changes', async () => {
    const first = await ensure();
    expect(first.installed).toBe(true);
    expect(existsSync(first.python)).toBe(true);
    // editable installs as path entries, not setuptools' import hook, which every task's Python would import at start-up
    const sitePackages = readdirSync(join(first.dir, 'lib')).map((python) => join(first.dir, 'lib', python, 'site-packages'));
    const pthFiles = sitePackages.flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.pth')).map((name) => join(folder, name)));
    expect(pthFiles.map((file) => basename(file))).toEqual(expect.arrayContaining(['__editable__.demo_component-0.1.0.pth', '__editable__.helper_lib-0.1.0.pth']));
    expect(pthFiles.filter((file) => /^import __editable__/m.test(readFileSync(file, 'utf8'))).map((file) => basename(file))).toEqual([]);

    // the venv target's shell fast path answers from this stamp (venv-fresh.ts): it stays while nothing changes in the venv
    const freshStamp = join(first.dir, VENV_FRESH_STAMP);
    writeFileSync(freshStamp, 'a stamp of the venv as it was\n');
    expect((await ensure()).installed).toBe(false);
    expect(existsSync(freshStamp)).toBe(true);

    write('packages/helper/pyproject.toml', pyproject('helper-lib').replace('0.1.0', '0.2.0'));
    const afterDependencyChange = await ensure();
    expect(afterDependencyChange.installed).toBe(true);
    expect(afterDependencyChange.dir).toBe(first.dir);
    expect(afterDependencyChange.localDependencies).toEqual(['packages/helper']);
    // and goes before anything in the venv changes
    expect(existsSync(freshStamp)).toBe(false);
  });

  it('says what pip is doing while it installs, and how long the install took (stumble 5)', async () => {
    const messages: string[] = [];
    await ensureProjectVenv({ workspaceRoot, projectRoot: 'components/demo', interpreter, extras: [], log: (message) => messages.push(message) });
    expect(messages.filter((message) => message.startsWith('  pip: ')).length).toBeGreaterThan(0);
    expect(messages.some((message) => /^ {2}pip: Successfully installed .*demo-component/.test(message))).toBe(true);
    expect(messages[messages.length - 1]).toMatch(/^Installed components\/demo in \d+\.\ds$/);
  });

  it("ends a failed install with pip's last lines and leaves no stamp claiming success", async () => {
    write(
      'components/demo/pyproject.toml',
      pyproject('demo-component', 'dependencies = ["nx-kubeflow-no-such-package-x7"]'),
    );
    const error = await ensure().catch((e) => e);
    expect(error).toBeInstanceOf(VenvInstallError);
    expect(error.message).toContain('pip install failed for components/demo');
    expect(error.message).toMatch(/nx-kubeflow-no-such-package-x7/);
    // The next run tries again instead of trusting a broken venv.
    await expect(ensure()).rejects.toBeInstanceOf(VenvInstallError);
  });
});

describe('ensureProjectVenv under concurrency', () => {
  jest.setTimeout(300_000);

  it('lets two processes share one venv: one creates it, the other waits and reuses it', async () => {
    const workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-venv-race-'));
    try {
      mkdirSync(join(workspaceRoot, 'components/demo'), { recursive: true });
      writeFileSync(
        join(workspaceRoot, 'components/demo/pyproject.toml'),
        '[project]\nname = "demo-component"\nversion = "0.1.0"\n[build-system]\nrequires = ["setuptools>=68"]\n' +
          'build-backend = "setuptools.build_meta"\n[tool.setuptools]\npackages = []\n',
      );
      const interpreter = await findPythonInterpreter(undefined);
      const ensure = () => ensureProjectVenv({ workspaceRoot, projectRoot: 'components/demo', interpreter, extras: [] });
      const results = await Promise.all([ensure(), ensure()]);
      expect(results.map((result) => result.installed).sort()).toEqual([false, true]);
      expect(existsSync(results[0].python)).toBe(true);
    } finally {
      rmSync(workspaceRoot, { recursive: true, force: true });
    }
  });
});
