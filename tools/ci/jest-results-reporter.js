// A jest reporter that writes the run's aggregated results to
// dist/test-results/<displayName>/jest-results.json (folders made), where
// tools/ci/summarize-results.mjs adds them up with pytest's JUnit files.
// jest's own --outputFile does not create the folder.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class ResultsFileReporter {
  constructor(globalConfig, _options, context) {
    this.globalConfig = globalConfig;
    this.context = context;
  }

  onRunComplete(testContexts, results) {
    const [first] = [...testContexts];
    const name = first?.config.displayName?.name ?? 'jest';
    const dir = join(__dirname, '../../dist/test-results', name);
    mkdirSync(dir, { recursive: true });
    const summary = {
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numPendingTests: results.numPendingTests,
      numTodoTests: results.numTodoTests,
      testResults: results.testResults.map((suite) => ({
        name: suite.testFilePath,
        status: suite.testExecError || suite.failureMessage ? 'failed' : 'passed',
        assertionResults: suite.testResults.map(({ fullName, status }) => ({ fullName, status })),
      })),
    };
    writeFileSync(join(dir, 'jest-results.json'), JSON.stringify(summary, null, 2) + '\n');
  }
}

module.exports = ResultsFileReporter;
