import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_WORKSPACE } from './workspace-copy';

/**
 * Issue 12, "tests that pass without testing", as CI meets it: a suite whose
 * outside resource is missing skips on a developer's machine, fails under
 * NX_KUBEFLOW_REQUIRE_ALL=1 (what .ci/run sets), and the summary's last line
 * counts skips beside passes and failures.
 */
describe('CI and skipped suites', () => {
  /** The plugin's jest on two suites that need ../shared/kfp, pointed at a folder that does not exist. */
  function jestWithoutUpstreamKfp(env: Record<string, string>) {
    const result = spawnSync(
      join(SOURCE_WORKSPACE, 'node_modules/.bin/jest'),
      [
        '-c', 'packages/nx-kubeflow/jest.config.js',
        'packages/nx-kubeflow/src/kfp/conformance-golden.spec.ts',
        'packages/nx-kubeflow/src/backends/gitops/kubeflow-resources.spec.ts',
        // the default reporter only: the results file under dist/test-results is CI's own (last: it takes a list)
        '--reporters=default',
      ],
      {
        cwd: SOURCE_WORKSPACE,
        encoding: 'utf8',
        // FORCE_COLOR=0: Nx runs this suite with FORCE_COLOR set, and colour codes would split the summary line
        env: { ...process.env, FORCE_COLOR: '0', NX_KUBEFLOW_REQUIRE_ALL: '', NX_KUBEFLOW_REQUIRE: '', NX_KUBEFLOW_SHARED_KFP: '/nonexistent/shared/kfp', ...env },
      },
    );
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  }

  it('a suite without ../shared/kfp skips, saying so, where nothing requires it', () => {
    const result = jestWithoutUpstreamKfp({});
    expect(result.output).toMatch(/SKIPPED CRD validation of the GitOps output: \/nonexistent\/shared\/kfp is absent/);
    expect(result.output).toMatch(/Tests: +\d+ skipped, \d+ passed/);
    expect(result.status).toBe(0);
  });

  it('fails, naming what is missing, under NX_KUBEFLOW_REQUIRE_ALL=1', () => {
    const result = jestWithoutUpstreamKfp({ NX_KUBEFLOW_REQUIRE_ALL: '1' });
    expect(result.output).toContain('golden IR conformance cannot run: /nonexistent/shared/kfp is absent');
    expect(result.output).toContain('CRD validation of the GitOps output cannot run');
    expect(result.output).toMatch(/Tests: +2 failed, \d+ skipped/);
    expect(result.status).not.toBe(0);
  });

  it('.ci/run requires every resource', () => {
    const script = spawnSync('grep', ['-c', '^export NX_KUBEFLOW_REQUIRE_ALL=1$', join(SOURCE_WORKSPACE, '.ci/run')], { encoding: 'utf8' });
    expect(script.stdout.trim()).toBe('1');
  });

  it("the summary's last line is 'N passed, N failed, N skipped', jest's skips and todos and pytest's skips counted", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-summary-'));
    try {
      mkdirSync(join(dir, 'plugin'));
      writeFileSync(
        join(dir, 'plugin/jest-results.json'),
        JSON.stringify({ numPassedTests: 5, numFailedTests: 0, numPendingTests: 3, numTodoTests: 1, testResults: [] }),
      );
      mkdirSync(join(dir, 'component'));
      writeFileSync(join(dir, 'component/junit.xml'), '<testsuites><testsuite name="c" tests="4" failures="0" errors="0" skipped="2"></testsuite></testsuites>');
      const summary = spawnSync(process.execPath, [join(SOURCE_WORKSPACE, 'tools/ci/summarize-results.mjs'), 'plugin', 'component'], {
        encoding: 'utf8',
        env: { ...process.env, TEST_RESULTS_DIR: dir, RUN_STATUS: '0' },
      });
      const lines = summary.stdout.trim().split('\n');
      expect(lines.at(-1)).toBe('7 passed, 0 failed, 6 skipped');
      expect(summary.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
