import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireOrSkip } from '../testing/suite-requirements';
import schema from '../executors/lint/schema.json';
import { lintPythonProject, type LintPythonProjectResult } from './lint-python-project';
import { ensureRuff, RUFF_VERSION, RuffInstallError } from './ruff';

/** PyPI answers (the venv installs setuptools and ruff from it). */
function pypiMissing(): string | undefined {
  const probe = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--quiet', '--dest', join(tmpdir(), 'nx-kubeflow-lint-pypi-probe'), `ruff==${RUFF_VERSION}`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return probe.status === 0 ? undefined : `PyPI is unreachable (pip download ruff: ${(probe.stderr || String(probe.error)).trim().slice(-300)})`;
}

describe('lint options', () => {
  it("the executor's ruffVersion default is the pinned RUFF_VERSION", () => {
    expect(schema.properties.ruffVersion.default).toBe(RUFF_VERSION);
  });

  it('refuses a ruffVersion that is not a version before running pip', async () => {
    await expect(ensureRuff({ python: '/nonexistent/bin/python', venvDir: '/nonexistent', version: '0.1; --index-url=http://x' })).rejects.toThrow(RuffInstallError);
    await expect(ensureRuff({ python: '/nonexistent/bin/python', venvDir: '/nonexistent', version: '>=0.1' })).rejects.toThrow(/is not a version/);
  });
});

const ready = requireOrSkip('lint with a real ruff in a real venv', 'pypi', pypiMissing());

(ready ? describe : describe.skip)('lint with a real ruff in a real venv', () => {
  let workspaceRoot: string;
  const projectRoot = 'components/probe';
  const write = (file: string, text: string) => {
    const path = join(workspaceRoot, projectRoot, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  const logs: string[] = [];
  const lint = (): Promise<LintPythonProjectResult> =>
    lintPythonProject({
      workspaceRoot,
      projectRoot,
      projectName: 'probe',
      extras: ['test'],
      ruffVersion: RUFF_VERSION,
      verbose: false,
      log: (message) => logs.push(message),
    });
  const failed = (result: LintPythonProjectResult) => result.checks.filter((check) => check.exitCode !== 0).map((check) => check.command);

  beforeAll(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-lint-'));
    write('pyproject.toml', '[project]\nname = "probe"\nversion = "0.1.0"\n\n[tool.setuptools]\npackages = []\n');
    write('src/run.py', 'import json\n\n\ndef main() -> str:\n    return json.dumps({"ok": True})\n');
  });
  afterAll(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  it('passes a clean project, with the pinned ruff installed in its venv', async () => {
    const result = await lint();
    expect(result).toEqual({ success: true, checks: [{ command: 'ruff check', exitCode: 0 }, { command: 'ruff format --check', exitCode: 0 }], problems: [] });
    expect(logs).toContain(`Installing ruff ${RUFF_VERSION} into ${join(workspaceRoot, projectRoot, '.venv')}`);
    const version = spawnSync(join(workspaceRoot, projectRoot, '.venv/bin/ruff'), ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(`ruff ${RUFF_VERSION}`);
    // ruff wrote no cache into the project (it would be an input of the cached target)
    expect(spawnSync('ls', ['-A', join(workspaceRoot, projectRoot)], { encoding: 'utf8' }).stdout.split('\n')).not.toContain('.ruff_cache');
  }, 600_000);

  it('fails on an unused import (ruff check) and names the command that fixes it', async () => {
    logs.length = 0;
    write('src/run.py', 'import json\nimport os\n\n\ndef main() -> str:\n    return json.dumps({"ok": True})\n');
    const result = await lint();
    expect(result.success).toBe(false);
    expect(failed(result)).toEqual(['ruff check']);
    expect(result.problems).toEqual([
      `ruff check found problems in ${projectRoot} (listed above); fix what ruff can with \`${projectRoot}/.venv/bin/ruff check --fix ${projectRoot}\``,
    ]);
    // the venv and its ruff are reused
    expect(logs.filter((line) => /Installing|Creating venv/.test(line))).toEqual([]);
  }, 600_000);

  it('fails on a badly formatted file (ruff format --check), and on both at once', async () => {
    write('src/run.py', 'import json\n\n\ndef main( ) -> str:\n    return json.dumps( {"ok":True} )\n');
    expect(failed(await lint())).toEqual(['ruff format --check']);
    write('src/run.py', 'import json\nimport os\n\n\ndef main( ) -> str:\n    return json.dumps( {"ok":True} )\n');
    const both = await lint();
    expect(failed(both)).toEqual(['ruff check', 'ruff format --check']);
    expect(both.problems[1]).toBe(`ruff format --check found problems in ${projectRoot} (listed above); format with \`${projectRoot}/.venv/bin/ruff format ${projectRoot}\``);
  }, 600_000);

  it('passes again once fixed, and reports a ruff configuration it cannot read as ruff failing, not as findings', async () => {
    write('src/run.py', 'import json\n\n\ndef main() -> str:\n    return json.dumps({"ok": True})\n');
    expect((await lint()).success).toBe(true);
    write('ruff.toml', 'line-length = "wide"\n');
    const broken = await lint();
    rmSync(join(workspaceRoot, projectRoot, 'ruff.toml'));
    expect(broken.success).toBe(false);
    expect(broken.problems[0]).toMatch(/^ruff check could not run in components\/probe \(exit 2\)/);
  }, 600_000);
});
