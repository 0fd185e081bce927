#!/usr/bin/env node
// Adds up every suite's results under dist/test-results: jest's JSON reports
// (<project>/jest-results.json) and pytest's JUnit files (<project>/junit.xml).
// Prints one line per project, then, last, "N passed, N failed, N skipped":
// jest's skipped and todo tests, pytest's skipped ones. A skip is not a
// failure here; a skip CI does not expect is made one by the suite itself
// (NX_KUBEFLOW_REQUIRE_ALL=1, see packages/nx-kubeflow/src/testing/suite-requirements.ts).
// A project that was expected to report (listed as an argument) but wrote
// nothing counts as one failure: a suite that could not start did not pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const resultsDir = process.env.TEST_RESULTS_DIR ?? 'dist/test-results';
const expectedProjects = process.argv.slice(2);

/** Counts from one JUnit XML file: the attributes of each <testsuite>. */
function junitCounts(xml) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [, attributes] of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attribute = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    const failed = attribute('failures') + attribute('errors');
    const skipped = attribute('skipped');
    counts.failed += failed;
    counts.skipped += skipped;
    counts.passed += attribute('tests') - failed - skipped;
  }
  return counts;
}

/** Counts from jest's --json report; a suite that failed to run counts as a failure. */
function jestCounts(report) {
  const suitesThatCrashed = report.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + suitesThatCrashed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const reported = new Set();
const projects = existsSync(resultsDir) ? readdirSync(resultsDir).sort() : [];
for (const project of projects) {
  const dir = join(resultsDir, project);
  let counts;
  if (existsSync(join(dir, 'jest-results.json'))) counts = jestCounts(JSON.parse(readFileSync(join(dir, 'jest-results.json'), 'utf8')));
  else if (existsSync(join(dir, 'junit.xml'))) counts = junitCounts(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  else continue;
  reported.add(project);
  console.log(`${project}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  for (const key of Object.keys(totals)) totals[key] += counts[key];
}
for (const project of expectedProjects.filter((name) => !reported.has(name))) {
  console.log(`${project}: no test report (the suite did not run to the end): counted as 1 failed`);
  totals.failed += 1;
}
// The test command failed but no report says so (a target that is not a test suite,
// such as a compile, or a crash before any report): that is a failure too.
if (Number(process.env.RUN_STATUS ?? 0) !== 0 && totals.failed === 0) {
  console.log(`the test command exited ${process.env.RUN_STATUS} without a failing report: counted as 1 failed`);
  totals.failed += 1;
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
