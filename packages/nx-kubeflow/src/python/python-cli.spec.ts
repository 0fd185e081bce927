import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { pythonCommandLauncher } from '../graph/inferred-targets';
import { workspaceDataDirectory } from '../process/workspace-data-directory';
import { parsePythonCommand, PythonCommandUsageError, runTestCommand, runVenvCommand } from './python-cli';
import { findTestTarget, findVenvTarget } from './python-target-lookup';

describe('parsePythonCommand', () => {
  it('takes its own options as Nx forwards them and leaves every other argument to pytest, in order', () => {
    expect(
      parsePythonCommand(['test', 'trainer', 'components/trainer', '--settingsEnv=ci', '-k', 'settings and not slow', '--extras=test, gpu', '-x', '--python', 'python3.12', '--', '--settingsEnv=x', 'tests/test_run.py']),
    ).toEqual({
      command: 'test',
      projectName: 'trainer',
      projectRoot: 'components/trainer',
      python: 'python3.12',
      extras: ['test', 'gpu'],
      indexUrl: undefined,
      settingsEnv: 'ci',
      junitFile: 'dist/test-results/trainer/junit.xml',
      showInstallOutput: false,
      // after --, even the command's own option names are pytest's
      pytestArgs: ['-k', 'settings and not slow', '-x', '--settingsEnv=x', 'tests/test_run.py'],
    });
  });

  it('has the test executor defaults, and reads booleans as Nx writes them', () => {
    const options = parsePythonCommand(['test', 'c', 'components/c', '--showInstallOutput=true', '--junitFile=out/c.xml']);
    expect(options).toMatchObject({ extras: ['test'], settingsEnv: 'testing', junitFile: 'out/c.xml', showInstallOutput: true, pytestArgs: [] });
    expect(parsePythonCommand(['venv', 'c', 'components/c', '--showInstallOutput=false'])).toMatchObject({ command: 'venv', showInstallOutput: false });
    expect(parsePythonCommand(['venv', 'c', 'components/c', '--showInstallOutput', '--extras=dev'])).toMatchObject({ showInstallOutput: true, extras: ['dev'] });
  });

  it('refuses a command line without its subcommand, the project and its root, an option without its value, and pytest arguments to venv', () => {
    expect(() => parsePythonCommand([])).toThrow(/expected venv or test first, got: \(nothing\)/);
    expect(() => parsePythonCommand(['pytest', 'trainer', 'components/trainer'])).toThrow(PythonCommandUsageError);
    expect(() => parsePythonCommand(['test', 'trainer', '-k', 'x'])).toThrow(/expected test <project> <project root>, got: test trainer -k/);
    expect(() => parsePythonCommand(['test', 'trainer', 'components/trainer', '--python'])).toThrow('--python needs a value');
    // settingsEnv is test's: given to venv it is refused, not ignored
    expect(() => parsePythonCommand(['venv', 'trainer', 'components/trainer', '--settingsEnv=ci', '-x'])).toThrow(/venv takes no arguments besides .*; got: --settingsEnv=ci -x/);
    expect(parsePythonCommand(['--help'])).toBe('help');
  });
});

describe('pythonCommandLauncher', () => {
  it('runs the built command with plain node, by a path relative to the workspace', () => {
    expect(pythonCommandLauncher('/ws', '/ws/node_modules/nx-kubeflow/src/graph/inferred-targets.js')).toBe('node node_modules/nx-kubeflow/src/commands/python-cli.js');
    expect(pythonCommandLauncher('/my ws', "/my ws/node_modules/nx kubeflow's/src/graph/inferred-targets.js")).toBe(
      `node 'node_modules/nx kubeflow'\\''s/src/commands/python-cli.js'`,
    );
  });

  it('runs the TypeScript source through @swc-node/register with the plugin tsconfig', () => {
    expect(pythonCommandLauncher('/repo', '/repo/packages/nx-kubeflow/src/graph/inferred-targets.ts')).toBe(
      'SWC_NODE_PROJECT=packages/nx-kubeflow/tsconfig.lib.json node -r @swc-node/register packages/nx-kubeflow/src/python/python-cli.ts',
    );
  });
});

describe('findTestTarget and findVenvTarget', () => {
  it('know the inferred commands and the executors, and nothing else', () => {
    const venv = { executor: 'nx:run-commands', options: { command: 'node node_modules/nx-kubeflow/src/python/python-cli.js venv t components/t', extras: 'test,gpu' } };
    const test = { executor: 'nx:run-commands', options: { command: "node 'my libs/nx-kubeflow/src/python/python-cli.js' test t components/t" } };
    const targets = { lint: { executor: 'nx-kubeflow:lint' }, venv, test };
    expect(findTestTarget(targets)).toBe(test);
    expect(findVenvTarget(targets)).toBe(venv);
    const explicit = { executor: 'nx-kubeflow:test', options: { extras: ['dev'] } };
    expect(findTestTarget({ pytest: explicit })).toBe(explicit);
    expect(findVenvTarget({ v: { executor: 'nx-kubeflow:venv' } })).toEqual({ executor: 'nx-kubeflow:venv' });
    expect(findTestTarget({ other: { executor: 'nx:run-commands', options: { command: 'node scripts/python-cli-helper.js test x y' } } })).toBeUndefined();
    expect(findTestTarget(undefined)).toBeUndefined();
  });
});

describe('workspaceDataDirectory', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['NX_WORKSPACE_DATA_DIRECTORY', 'NX_PROJECT_GRAPH_CACHE_DIRECTORY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it.each([
    [{}],
    [{ NX_WORKSPACE_DATA_DIRECTORY: 'tmp/data' }],
    [{ NX_WORKSPACE_DATA_DIRECTORY: '/abs/data', NX_PROJECT_GRAPH_CACHE_DIRECTORY: 'x' }],
    [{ NX_PROJECT_GRAPH_CACHE_DIRECTORY: 'graph-cache' }],
  ])('finds the folder Nx finds with %j', (environ: Record<string, string>) => {
    delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
    delete process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
    Object.assign(process.env, environ);
    const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-data-dir-'));
    try {
      writeFileSync(join(root, 'nx.json'), '{}');
      expect(workspaceDataDirectory(root, process.env)).toBe(workspaceDataDirectoryForWorkspace(root));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('runVenvCommand and runTestCommand', () => {
  jest.setTimeout(300_000);
  let workspaceRoot: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const capture = () => {
    const lines: { info: string[]; error: string[] } = { info: [], error: [] };
    return { lines, output: { info: (line: string) => lines.info.push(line), error: (line: string) => lines.error.push(line) } };
  };
  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-test-cli-'));
    write(
      'components/demo/pyproject.toml',
      '[project]\nname = "demo-component"\nversion = "0.1.0"\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n' +
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n[tool.setuptools]\npackages = []\n' +
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    );
    write(
      'components/demo/tests/test_env.py',
      'import os\n\ndef test_settings_env():\n    assert os.environ["ENV_FOR_DYNACONF"] == os.environ.get("EXPECTED_ENV", "testing")\n\n' +
        'def test_other():\n    assert True\n',
    );
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  it('reports a broken settings file and a broken component.yaml together, and makes no venv', async () => {
    write('components/demo/config/settings.toml', '[default]\nx = \n');
    write('components/demo/component.yaml', 'name: demo\ninputs:\n- {name: n, type: Integer, default: many}\nimplementation: {container: {image: i}}\n');
    for (const command of ['venv', 'test']) {
      const { lines, output } = capture();
      expect(await runVenvOrTest(command, output)).toBe(1);
      const errors = lines.error.join('\n');
      expect(errors).toMatch(/\[demo\] .*components\/demo\/config\/settings\.toml:2:\d+/);
      expect(errors).toMatch(/\[demo\] components\/demo\/component\.yaml:3:\d+: inputs\[0\]\.default: "many" is not a valid Integer/);
    }
    expect(existsSync(join(workspaceRoot, 'components/demo/.venv'))).toBe(false);
  });
  const runVenvOrTest = (command: string, output: { info: (l: string) => void; error: (l: string) => void }) => {
    const options = parsePythonCommand([command, 'demo', 'components/demo']);
    if (options === 'help') throw new Error('help');
    return command === 'venv' ? runVenvCommand(options, workspaceRoot, output) : runTestCommand(options, workspaceRoot, output);
  };
  it('through its launcher: venv makes the venv and says so, test runs pytest with the settings env and the pytest arguments and no venv line', () => {
    // the command as the inferred targets run it (this checkout's source, from the workspace root)
    const launcher = pythonCommandLauncher(workspaceRoot, resolve(__dirname, '../graph/inferred-targets.ts'));
    const run = (args: string, env: Record<string, string> = {}) =>
      spawnSync(`${launcher} ${args}`, {
        cwd: workspaceRoot,
        shell: true,
        encoding: 'utf8',
        // @swc-node/register is this repository's; the built command needs no such thing
        env: { ...process.env, ...env, NODE_PATH: resolve(__dirname, '../../../../node_modules') },
      });
    const venv = run('venv demo components/demo');
    expect(venv.stderr).toBe('');
    expect(venv.status).toBe(0);
    expect(venv.stdout).toMatch(/^\[demo\] Creating venv components\/demo\/\.venv with Python \d/m);
    expect(venv.stdout).toMatch(/\[demo\] Installed components\/demo\[test\] in \d+\.\ds/);
    expect(run('venv demo components/demo').stdout).toBe('[demo] venv components/demo/.venv is up to date\n');

    const test = run('test demo components/demo --settingsEnv=ci -k settings_env', { EXPECTED_ENV: 'ci' });
    expect(test.stderr).toBe('');
    expect(test.status).toBe(0);
    expect(test.stdout).not.toMatch(/venv|Installed/);
    expect(test.stdout).toMatch(/1 passed, 1 deselected/);
    expect(readFileSync(join(workspaceRoot, 'dist/test-results/demo/junit.xml'), 'utf8')).toContain('test_settings_env');

    // other extras than the venv target's: the venv is taken as made, not reinstalled in turn
    const otherExtras = run('test demo components/demo --extras=dev');
    expect(otherExtras.status).toBe(0);
    expect(otherExtras.stdout).not.toMatch(/venv|Installed/);
    expect(otherExtras.stdout).toMatch(/2 passed/);

    const failing = run('test demo components/demo --settingsEnv=production -k settings_env');
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/1 failed/);

    // without its venv task (--exclude-task-dependencies): test makes the venv, and its first line says why
    rmSync(join(workspaceRoot, 'components/demo/.venv'), { recursive: true, force: true });
    const alone = run('test demo components/demo');
    expect(alone.status).toBe(0);
    expect(alone.stdout).toMatch(/^\[demo\] The venv is not ready, as its venv target did not run first: the test target makes it \(a cache hit of this test replays these lines\)\.\n\[demo\] Creating venv/);
    expect(alone.stdout).toMatch(/2 passed/);

    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: .* venv <project> <project root> \[options\]\n.* test <project> <project root> \[options\] \[pytest arguments\]/);

    const usage = run('test demo components/demo --junitFile');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('nx-kubeflow: --junitFile needs a value');
  });
});
