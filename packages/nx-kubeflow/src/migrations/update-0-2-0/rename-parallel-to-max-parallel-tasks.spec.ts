import { addProjectConfiguration, logger, readJson, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import renameParallelToMaxParallelTasks from './rename-parallel-to-max-parallel-tasks';
import { compareVersions } from '../testing/versions';

const PACKAGE_ROOT = join(__dirname, '..', '..', '..');

describe('migration 0.2.0: parallel -> maxParallelTasks for deploy and run', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['nx-kubeflow'];
    updateNxJson(tree, nxJson);
  });

  it('is listed in migrations.json, which package.json names, at the version that renamed the option', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const migrations = JSON.parse(readFileSync(join(PACKAGE_ROOT, manifest['nx-migrations'].migrations), 'utf8'));
    const entry = migrations.generators['rename-parallel-to-max-parallel-tasks'];
    expect(entry).toEqual({
      version: '0.2.0',
      description: expect.stringContaining('maxParallelTasks'),
      implementation: './src/migrations/update-0-2-0/rename-parallel-to-max-parallel-tasks',
    });
    expect(require(join(PACKAGE_ROOT, entry.implementation)).default).toBe(renameParallelToMaxParallelTasks);
    // nx migrate runs a migration only when its version is above the installed one and at most the target's.
    expect(compareVersions(entry.version, manifest.version)).toBeLessThanOrEqual(0);
  });

  it('renames the option in place in targets running nx-kubeflow:deploy and nx-kubeflow:run, configurations too', async () => {
    addProjectConfiguration(tree, 'nightly', {
      root: 'pipelines/nightly',
      targets: {
        'deploy-staging': {
          executor: 'nx-kubeflow:deploy',
          options: { env: 'staging', parallel: 2, wait: true },
          configurations: { production: { parallel: 4 }, quiet: { wait: false } },
        },
        'run-once': { executor: 'nx-kubeflow:run', options: { parallel: 1 } },
      },
    });

    await renameParallelToMaxParallelTasks(tree);

    const targets = readJson(tree, 'pipelines/nightly/project.json').targets;
    expect(targets['deploy-staging'].options).toEqual({ env: 'staging', maxParallelTasks: 2, wait: true });
    expect(Object.keys(targets['deploy-staging'].options)).toEqual(['env', 'maxParallelTasks', 'wait']);
    expect(targets['deploy-staging'].configurations).toEqual({ production: { maxParallelTasks: 4 }, quiet: { wait: false } });
    expect(targets['run-once'].options).toEqual({ maxParallelTasks: 1 });
  });

  it("renames it where a pipeline's project.json adds options to the inferred deploy and run targets (no executor), by the plugin's target names", async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'nx-kubeflow', options: { deployTargetName: 'kf-deploy' } }];
    updateNxJson(tree, nxJson);
    tree.write('pipelines/nightly/pipeline.yaml', 'name: nightly\ntasks: {}\n');
    addProjectConfiguration(tree, 'nightly', {
      root: 'pipelines/nightly',
      targets: { 'kf-deploy': { options: { parallel: 2 } }, run: { options: { parallel: 3 } }, deploy: { options: { parallel: 5 } } },
    });

    await renameParallelToMaxParallelTasks(tree);

    const targets = readJson(tree, 'pipelines/nightly/project.json').targets;
    expect(targets['kf-deploy'].options).toEqual({ maxParallelTasks: 2 });
    expect(targets.run.options).toEqual({ maxParallelTasks: 3 });
    // 'deploy' is not the plugin's deploy target in this workspace.
    expect(targets.deploy.options).toEqual({ parallel: 5 });
  });

  it('leaves other executors, and executor-less targets outside pipelines, alone', async () => {
    addProjectConfiguration(tree, 'web', {
      root: 'apps/web',
      targets: {
        deploy: { options: { parallel: 2 } },
        e2e: { executor: 'nx:run-commands', options: { command: 'echo', parallel: false } },
      },
    });
    const before = tree.read('apps/web/project.json', 'utf8');

    await renameParallelToMaxParallelTasks(tree);

    expect(tree.read('apps/web/project.json', 'utf8')).toBe(before);
  });

  it('drops parallel where maxParallelTasks is already set, since that one already won', async () => {
    addProjectConfiguration(tree, 'nightly', {
      root: 'pipelines/nightly',
      targets: { deploy: { executor: 'nx-kubeflow:deploy', options: { maxParallelTasks: 3, parallel: 8 } } },
    });

    await renameParallelToMaxParallelTasks(tree);

    expect(readJson(tree, 'pipelines/nightly/project.json').targets.deploy.options).toEqual({ maxParallelTasks: 3 });
  });

  it('renames it in nx.json targetDefaults for the executors and for the inferred target names', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.targetDefaults = {
      'nx-kubeflow:deploy': { options: { parallel: 2 } },
      run: { options: { parallel: 1 }, configurations: { production: { parallel: 6 } } },
      'deploy-all': { executor: 'nx-kubeflow:deploy', options: { parallel: 4 } },
      build: { cache: true, options: { parallel: true } },
    };
    updateNxJson(tree, nxJson);

    await renameParallelToMaxParallelTasks(tree);

    const defaults = readJson(tree, 'nx.json').targetDefaults;
    expect(defaults['nx-kubeflow:deploy']).toEqual({ options: { maxParallelTasks: 2 } });
    expect(defaults.run).toEqual({ options: { maxParallelTasks: 1 }, configurations: { production: { maxParallelTasks: 6 } } });
    expect(defaults['deploy-all']).toEqual({ executor: 'nx-kubeflow:deploy', options: { maxParallelTasks: 4 } });
    expect(defaults.build).toEqual({ cache: true, options: { parallel: true } });
  });

  it('keeps target-name defaults another executor shares, and says so', async () => {
    addProjectConfiguration(tree, 'web', {
      root: 'apps/web',
      targets: { deploy: { executor: 'nx:run-commands', options: { command: 'echo' } } },
    });
    const nxJson = readNxJson(tree)!;
    nxJson.targetDefaults = { deploy: { options: { parallel: 2 } } };
    updateNxJson(tree, nxJson);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await renameParallelToMaxParallelTasks(tree);
      expect(readJson(tree, 'nx.json').targetDefaults.deploy).toEqual({ options: { parallel: 2 } });
      expect(warn.mock.calls.map(String).join('\n')).toMatch(/targetDefaults\["deploy"\].*nx:run-commands.*maxParallelTasks/);
    } finally {
      warn.mockRestore();
    }
  });

  it('leaves target-name defaults alone in a workspace that does not register the plugin', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [];
    nxJson.targetDefaults = { deploy: { options: { parallel: 2 } } };
    updateNxJson(tree, nxJson);

    await renameParallelToMaxParallelTasks(tree);

    expect(readJson(tree, 'nx.json').targetDefaults.deploy).toEqual({ options: { parallel: 2 } });
  });

  it('changes no file in a workspace that never set it', async () => {
    addProjectConfiguration(tree, 'nightly', {
      root: 'pipelines/nightly',
      targets: { deploy: { executor: 'nx-kubeflow:deploy', options: { maxParallelTasks: 2 } } },
    });
    const snapshot = () => tree.listChanges().map((change) => [change.path, change.content?.toString()]);
    const before = snapshot();

    await renameParallelToMaxParallelTasks(tree);

    expect(snapshot()).toEqual(before);
  });

  it('changes nothing on a second run', async () => {
    addProjectConfiguration(tree, 'nightly', {
      root: 'pipelines/nightly',
      targets: { deploy: { executor: 'nx-kubeflow:deploy', options: { parallel: 2 } } },
    });
    await renameParallelToMaxParallelTasks(tree);
    const once = tree.listChanges().map((change) => [change.path, change.content?.toString()]);

    await renameParallelToMaxParallelTasks(tree);

    expect(tree.listChanges().map((change) => [change.path, change.content?.toString()])).toEqual(once);
    expect(readJson(tree, 'pipelines/nightly/project.json').targets.deploy.options).toEqual({ maxParallelTasks: 2 });
  });
});
