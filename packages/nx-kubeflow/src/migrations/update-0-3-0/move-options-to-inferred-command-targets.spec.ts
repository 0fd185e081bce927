import { addProjectConfiguration, logger, readJson, readNxJson, updateNxJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipelineCommand } from '../../pipeline/pipeline-cli';
import { parsePythonCommand } from '../../python/python-cli';
import moveOptionsToInferredCommandTargets from './move-options-to-inferred-command-targets';

const PACKAGE_ROOT = join(__dirname, '..', '..', '..');

describe('migration 0.3.0: options of the inferred targets that became commands', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    setNxJson({ plugins: ['nx-kubeflow'] });
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const warnings = () => warn.mock.calls.map((call) => String(call[0])).join('\n');
  const defaults = () => readJson(tree, 'nx.json').targetDefaults;
  const snapshot = () => tree.listChanges().map((change) => [change.path, change.content?.toString()]);

  function setNxJson(changes: Partial<NxJsonConfiguration>): void {
    updateNxJson(tree, { ...readNxJson(tree)!, ...changes });
  }

  /** A component with a pyproject.toml: the plugin infers venv and test on it. */
  function component(name: string, targets?: Record<string, unknown>): void {
    tree.write(`components/${name}/component.yaml`, `name: ${name}\n`);
    tree.write(`components/${name}/pyproject.toml`, `[project]\nname = "${name}"\n`);
    if (targets) addProjectConfiguration(tree, name, { root: `components/${name}`, targets: targets as never });
  }

  /** A pipeline: the plugin infers compile, deploy and run on it. */
  function pipeline(name: string, targets?: Record<string, unknown>): void {
    tree.write(`pipelines/${name}/pipeline.yaml`, `name: ${name}\ntasks: {}\n`);
    if (targets) addProjectConfiguration(tree, name, { root: `pipelines/${name}`, targets: targets as never });
  }

  /** The words a shell makes of run-commands' `args`, which it appends to the command line. */
  function shellWords(args: string): string[] {
    const result = spawnSync('sh', ['-c', `printf '%s\\0' ${args}`], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    return result.stdout.split('\0').slice(0, -1);
  }

  it('is listed in migrations.json at 0.3.0, the version that made these targets commands', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const entry = JSON.parse(readFileSync(join(PACKAGE_ROOT, manifest['nx-migrations'].migrations), 'utf8')).generators['move-options-to-inferred-command-targets'];
    expect(entry).toEqual({
      version: '0.3.0',
      description: expect.stringContaining('settingsEnv'),
      implementation: './src/migrations/update-0-3-0/move-options-to-inferred-command-targets',
    });
    expect(require(join(PACKAGE_ROOT, entry.implementation)).default).toBe(moveOptionsToInferredCommandTargets);
  });

  it('moves targetDefaults["nx-kubeflow:test"] to test, its venv options to venv (extras comma-separated), pytest arguments to args', async () => {
    component('trainer');
    setNxJson({
      targetDefaults: {
        build: { cache: true },
        'nx-kubeflow:test': {
          cache: true,
          inputs: ['default', '^production'],
          options: {
            python: 'python3.11',
            extras: ['test', 'gpu'],
            indexUrl: 'https://pypi.acme.test/simple',
            settingsEnv: 'ci',
            showInstallOutput: true,
            pytestArgs: ['-k', 'not slow'],
            x: true,
            maxfail: 2,
          },
          configurations: { cuda: { extras: ['test', 'cuda'], settingsEnv: 'gpu' } },
        },
        lint: { cache: true },
      },
    });

    await moveOptionsToInferredCommandTargets(tree);

    const targetDefaults = defaults();
    expect(Object.keys(targetDefaults)).toEqual(['build', 'test', 'lint', 'venv']);
    expect(targetDefaults.test).toEqual({
      cache: true,
      inputs: ['default', '^production'],
      options: { settingsEnv: 'ci', showInstallOutput: true, args: "-k 'not slow' -x --maxfail=2" },
      configurations: { cuda: { settingsEnv: 'gpu' } },
    });
    expect(targetDefaults.venv).toEqual({
      options: { python: 'python3.11', extras: 'test,gpu', indexUrl: 'https://pypi.acme.test/simple', showInstallOutput: true },
      configurations: { cuda: { extras: 'test,cuda' } },
    });
    // what the commands make of them: pytest gets the arguments as the executor gave them, the venv both extras
    const test = parsePythonCommand(['test', 'trainer', 'components/trainer', '--settingsEnv=ci', ...shellWords(targetDefaults.test.options.args)]);
    expect(test).toMatchObject({ settingsEnv: 'ci', pytestArgs: ['-k', 'not slow', '-x', '--maxfail=2'] });
    const venv = parsePythonCommand(['venv', 'trainer', 'components/trainer', `--extras=${targetDefaults.venv.options.extras}`]);
    expect(venv).toMatchObject({ extras: ['test', 'gpu'] });
    expect(info.mock.calls.map(String).join('\n')).toContain('targetDefaults["nx-kubeflow:test"] moved to targetDefaults["test"]');
    expect(warn).not.toHaveBeenCalled();
  });

  it('moves compile, deploy and run defaults to the target names nx.json gives them: env -> settingsEnv, params and parallel for the command', async () => {
    pipeline('nightly');
    setNxJson({
      plugins: [{ plugin: 'nx-kubeflow', options: { deployTargetName: 'kf-deploy' } }, '@nx/jest/plugin'],
      targetDefaults: {
        'nx-kubeflow:compile': { outputs: ['{workspaceRoot}/dist/pipelines/{projectName}/{options.env}/pipeline.yaml'], options: { env: 'staging' } },
        'nx-kubeflow:deploy': {
          options: { env: 'staging', param: ['epochs=5', 'note=two words'], parallel: 2, wait: true },
          configurations: { production: { env: 'production', param: ['epochs=50'] } },
        },
        'nx-kubeflow:run': { options: { maxParallelTasks: 1 } },
      },
    });

    await moveOptionsToInferredCommandTargets(tree);

    const targetDefaults = defaults();
    expect(targetDefaults).toEqual({
      compile: { outputs: ['{workspaceRoot}/dist/pipelines/{projectName}/{options.settingsEnv}/pipeline.yaml'], options: { settingsEnv: 'staging' } },
      'kf-deploy': {
        options: { settingsEnv: 'staging', maxParallelTasks: 2, wait: true, args: "--param=epochs=5 '--param=note=two words'" },
        configurations: { production: { settingsEnv: 'production', param: 'epochs=50' } },
      },
      run: { options: { maxParallelTasks: 1 } },
    });
    const deploy = parsePipelineCommand(['deploy', 'nightly', 'pipelines/nightly', '--settingsEnv=staging', ...shellWords(targetDefaults['kf-deploy'].options.args)]);
    expect(deploy).toMatchObject({ options: { env: 'staging', param: ['epochs=5', 'note=two words'] } });
    expect(parsePipelineCommand(['deploy', 'nightly', 'pipelines/nightly', '--param=epochs=50'])).toMatchObject({ options: { param: ['epochs=50'] } });
    // a plugin registered without options may infer targets of these names, which the defaults would reach too
    expect(warnings()).toMatch(/under the target names "compile", "kf-deploy", "run".*@nx\/jest\/plugin may infer such targets/);
  });

  it('keeps an executor entry that project.json targets still run, copies it to the inferred name, and leaves those targets alone', async () => {
    component('trainer', { 'test-gpu': { executor: 'nx-kubeflow:test', options: { extras: ['gpu'] } } });
    pipeline('nightly');
    const projectJson = tree.read('components/trainer/project.json', 'utf8');
    setNxJson({ targetDefaults: { 'nx-kubeflow:test': { options: { extras: ['test', 'gpu'], settingsEnv: 'ci' } }, 'nx-kubeflow:deploy': { options: { env: 'staging' } } } });

    await moveOptionsToInferredCommandTargets(tree);

    // no project.json target runs nx-kubeflow:deploy: that entry moves
    expect(defaults()).toEqual({
      'nx-kubeflow:test': { options: { extras: ['test', 'gpu'], settingsEnv: 'ci' } },
      test: { options: { settingsEnv: 'ci' } },
      deploy: { options: { settingsEnv: 'staging' } },
      venv: { options: { extras: 'test,gpu' } },
    });
    expect(Object.keys(defaults())).toEqual(['nx-kubeflow:test', 'test', 'deploy', 'venv']);
    // trainer's test-gpu made the venv in 0.2.0: the inferred venv target makes it now, with its options
    const targets = readJson(tree, 'components/trainer/project.json').targets;
    expect(targets['test-gpu']).toEqual(JSON.parse(projectJson!).targets['test-gpu']);
    expect(targets.venv).toEqual({ options: { extras: 'gpu' } });
    expect(info.mock.calls.map(String).join('\n')).toMatch(/targetDefaults\["nx-kubeflow:test"\] copied to targetDefaults\["test"\], and kept .*trainer:test-gpu/);
  });

  it('leaves an executor entry whose target name something else uses too, and says what to do by hand', async () => {
    component('trainer');
    addProjectConfiguration(tree, 'web', { root: 'apps/web', targets: { test: { executor: '@nx/jest:jest' } } });
    setNxJson({
      plugins: ['nx-kubeflow', { plugin: '@nx/js/typescript', options: { build: { targetName: 'deploy' } } }],
      targetDefaults: { 'nx-kubeflow:test': { options: { settingsEnv: 'ci' } }, 'nx-kubeflow:deploy': { options: { env: 'staging' } } },
    });
    const before = tree.read('nx.json', 'utf8');

    await moveOptionsToInferredCommandTargets(tree);

    expect(tree.read('nx.json', 'utf8')).toBe(before);
    expect(warnings()).toMatch(/targetDefaults\["nx-kubeflow:test"\] was left as it is: .*targetDefaults\["test"\], which would also apply to web:test \(@nx\/jest:jest\).*give the "test" target .*\{"options":\{"settingsEnv":"ci"\}\}/);
    expect(warnings()).toMatch(/targetDefaults\["nx-kubeflow:deploy"\] was left as it is: .*plugin @nx\/js\/typescript \(its option build\.targetName is "deploy"\).*\{"options":\{"settingsEnv":"staging"\}\}/);
  });

  it('keeps venv options on test when the venv name belongs to something else too, and says so', async () => {
    component('trainer');
    addProjectConfiguration(tree, 'tools', { root: 'tools/py', targets: { venv: { command: 'python3 -m venv .venv' } } });
    setNxJson({ targetDefaults: { 'nx-kubeflow:test': { options: { extras: ['test', 'gpu'], settingsEnv: 'ci' } } } });

    await moveOptionsToInferredCommandTargets(tree);

    expect(defaults()).toEqual({ test: { options: { extras: 'test,gpu', settingsEnv: 'ci' } } });
    expect(warnings()).toMatch(/venv options \(extras\).*targetDefaults\["venv"\].*tools:venv \(a command\).*stay on "test"/);
  });

  it('rewrites name-keyed defaults the inferred targets read in place, keeping their old form for executors of the same name', async () => {
    component('trainer');
    pipeline('nightly', { deploy: { executor: 'nx-kubeflow:deploy' } });
    setNxJson({
      targetDefaults: {
        test: { options: { extras: ['gpu'], junitFile: 'reports/junit.xml' } },
        deploy: { options: { env: 'staging', param: ['epochs=5'] } },
      },
    });

    await moveOptionsToInferredCommandTargets(tree);

    expect(defaults()).toEqual({
      test: { options: { junitFile: 'reports/junit.xml' } },
      deploy: { options: { settingsEnv: 'staging', param: 'epochs=5' } },
      // nightly:deploy runs the executor and read targetDefaults.deploy: it reads the same by its executor now
      'nx-kubeflow:deploy': { options: { env: 'staging', param: ['epochs=5'] } },
      venv: { options: { extras: 'gpu' } },
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('merges an executor entry into an existing entry of the target name, its values first, and names what now reaches the inferred targets', async () => {
    component('trainer');
    setNxJson({
      targetDefaults: {
        test: { inputs: ['default'], options: { settingsEnv: 'local', junitFile: 'junit.xml' } },
        'nx-kubeflow:test': { options: { settingsEnv: 'ci' }, dependsOn: ['^build'] },
      },
    });

    await moveOptionsToInferredCommandTargets(tree);

    expect(defaults()).toEqual({ test: { inputs: ['default'], options: { settingsEnv: 'ci', junitFile: 'junit.xml' }, dependsOn: ['^build'] } });
    expect(warnings()).toMatch(/targetDefaults\["test"\] sets inputs, options\.junitFile, which did not reach/);
    // a dependsOn from 0.2.0 replaces the inferred ["venv"]
    expect(warnings()).toMatch(/targetDefaults\["test"\]\.dependsOn replaces the inferred \["venv"\].*add "venv"/);
  });

  it('rewrites project.json targets that add to inferred ones, and only those', async () => {
    pipeline('nightly', {
      deploy: { options: { env: 'production', parallel: 2 }, configurations: { dev: { env: 'development' } } },
      'deploy-gitops': { executor: 'nx-kubeflow:deploy', options: { env: 'production', output: 'crd' } },
    });
    component('trainer', { test: { options: { extras: ['test', 'gpu'], pytestArgs: ['-x'], settingsEnv: 'ci' } } });
    tree.write('packages/helper/pyproject.toml', '[project]\nname = "helper"\n');
    addProjectConfiguration(tree, 'helper', { root: 'packages/helper', targets: { venv: { options: { extras: ['dev'] } } } });
    component('scorer', { venv: { executor: 'nx-kubeflow:venv' }, test: { options: { extras: ['gpu'] } } });
    addProjectConfiguration(tree, 'web', { root: 'apps/web', targets: { deploy: { options: { env: 'production' } }, test: { options: { extras: ['a'] } } } });
    const web = tree.read('apps/web/project.json', 'utf8');

    await moveOptionsToInferredCommandTargets(tree);

    const nightly = readJson(tree, 'pipelines/nightly/project.json').targets;
    expect(nightly.deploy).toEqual({ options: { settingsEnv: 'production', maxParallelTasks: 2 }, configurations: { dev: { settingsEnv: 'development' } } });
    expect(nightly['deploy-gitops']).toEqual({ executor: 'nx-kubeflow:deploy', options: { env: 'production', output: 'crd' } });
    const trainer = readJson(tree, 'components/trainer/project.json').targets;
    expect(trainer).toEqual({ test: { options: { settingsEnv: 'ci', args: '-x' } }, venv: { options: { extras: 'test,gpu' } } });
    expect(readJson(tree, 'packages/helper/project.json').targets).toEqual({ venv: { options: { extras: 'dev' } } });
    // scorer's venv runs the executor, which reads the test target's venv options: they stay there, as a string both read
    expect(readJson(tree, 'components/scorer/project.json').targets).toEqual({ venv: { executor: 'nx-kubeflow:venv' }, test: { options: { extras: 'gpu' } } });
    expect(tree.read('apps/web/project.json', 'utf8')).toBe(web);
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns about what no rewrite can carry: lists no command sees, and targetDefaults["nx:run-commands"] now reaching these targets', async () => {
    pipeline('nightly', { deploy: { options: { env: 'staging', engine: ['docker', 'buildah'] } } });
    setNxJson({ targetDefaults: { 'nx:run-commands': { cache: false } } });

    await moveOptionsToInferredCommandTargets(tree);

    expect(readJson(tree, 'pipelines/nightly/project.json').targets.deploy.options).toEqual({ settingsEnv: 'staging', engine: ['docker', 'buildah'] });
    expect(warnings()).toMatch(/pipelines\/nightly\/project\.json targets\["deploy"\]\.options\.engine is a list, which run-commands does not pass to a command/);
    expect(warnings()).toMatch(/targetDefaults\["nx:run-commands"\] now applies to nx-kubeflow's inferred venv, test, compile, deploy, run targets/);
  });

  it('says that nx.json loses its comments when it must be rewritten, and keeps those of files it leaves', async () => {
    component('trainer', { test: { options: { settingsEnv: 'ci' } } });
    const projectJson = `// trainer: tests in CI settings\n${tree.read('components/trainer/project.json', 'utf8')}`;
    tree.write('components/trainer/project.json', projectJson);
    const nxJson = JSON.stringify({ ...readNxJson(tree), targetDefaults: { 'nx-kubeflow:deploy': { options: { env: 'staging' } } } }, null, 2);
    tree.write('nx.json', `// the team's defaults\n${nxJson}`);
    pipeline('nightly');

    await moveOptionsToInferredCommandTargets(tree);

    expect(defaults()).toEqual({ deploy: { options: { settingsEnv: 'staging' } } });
    expect(warnings()).toContain('nx.json had comments or trailing commas, which @nx/devkit does not keep when it rewrites the file');
    expect(tree.read('components/trainer/project.json', 'utf8')).toBe(projectJson);
  });

  it('changes nothing and says nothing in a workspace already in the 0.3.0 form, or without the plugin', async () => {
    component('trainer', { test: { options: { settingsEnv: 'ci', args: '-x' } }, venv: { options: { extras: 'test,gpu' } } });
    pipeline('nightly', { deploy: { options: { settingsEnv: 'production', param: 'epochs=5' } } });
    setNxJson({
      targetDefaults: {
        venv: { options: { extras: 'test,gpu', python: 'python3.11' } },
        test: { cache: true, dependsOn: ['venv'], options: { settingsEnv: 'ci' } },
        compile: { options: { settingsEnv: 'staging' } },
        lint: { cache: true },
      },
    });
    const before = snapshot();

    await moveOptionsToInferredCommandTargets(tree);

    expect(snapshot()).toEqual(before);
    expect(warn).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();

    setNxJson({ plugins: [], targetDefaults: { 'nx-kubeflow:deploy': { options: { env: 'staging' } } } });
    const withoutPlugin = snapshot();
    await moveOptionsToInferredCommandTargets(tree);
    expect(snapshot()).toEqual(withoutPlugin);
  });

  it('changes nothing on a second run', async () => {
    component('trainer', { test: { options: { extras: ['gpu'] } }, 'test-all': { executor: 'nx-kubeflow:test', options: { python: 'python3.12' } } });
    pipeline('nightly', { run: { options: { env: 'staging', param: ['a=1', 'b=2'] } } });
    setNxJson({
      targetDefaults: {
        test: { options: { junitFile: 'junit.xml' } },
        'nx-kubeflow:test': { options: { extras: ['test', 'gpu'], pytestArgs: ['-x'] }, configurations: { ci: { settingsEnv: 'ci' } } },
        'nx-kubeflow:deploy': { options: { env: 'staging' } },
      },
    });
    await moveOptionsToInferredCommandTargets(tree);
    const once = snapshot();
    warn.mockClear();
    info.mockClear();

    await moveOptionsToInferredCommandTargets(tree);

    expect(snapshot()).toEqual(once);
    expect(warn).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });
});
