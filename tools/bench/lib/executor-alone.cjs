// The test executor's work (interpreter probe, venv check, pytest) without Nx:
// loads the plugin source the way Nx does (swc) and calls it directly.
//   node -r @swc-node/register tools/bench/lib/executor-alone.cjs <workspace> <projectRoot> <projectName>
const { join } = require('node:path');
const [workspaceRoot, projectRoot, projectName] = process.argv.slice(2);
const { testPythonProject } = require(join(workspaceRoot, 'packages/nx-kubeflow/src/python/test-python-project.ts'));
testPythonProject({
  workspaceRoot,
  projectRoot,
  projectName,
  extras: ['test'],
  settingsEnv: 'testing',
  junitFile: `dist/test-results/${projectName}/junit.xml`,
  pytestArgs: [],
  verbose: false,
  log: () => undefined,
}).then((result) => process.exit(result.success ? 0 : 1));
