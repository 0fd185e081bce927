import { logger, readJson } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { generateWorkspaceFiles } from '@nx/workspace/src/generators/new/generate-workspace-files';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { pluginPackage } from '../init/lib/plugin-package';
import { presetGenerator } from './preset.impl';

/**
 * The workspace `nx new --preset=nx-kubeflow` hands to the preset: Nx's
 * files for a third-party preset, with nx-kubeflow in devDependencies
 * (create-nx-workspace installs it before it runs the preset).
 */
async function newWorkspaceForPreset(root: string): Promise<FsTree> {
  const tree = new FsTree(root, false);
  await generateWorkspaceFiles(tree, {
    name: 'acme-ml',
    directory: '',
    preset: 'nx-kubeflow',
    packageManager: 'npm',
    nxCloud: 'skip',
    defaultBase: 'main',
  } as any);
  const packageJson = readJson(tree, 'package.json');
  packageJson.devDependencies['nx-kubeflow'] = pluginPackage().version;
  tree.write('package.json', JSON.stringify(packageJson, null, 2) + '\n');
  flushChanges(root, tree.listChanges());
  return new FsTree(root, false);
}

describe('preset generator', () => {
  let root: string;
  let tree: FsTree;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-preset-'));
    tree = await newWorkspaceForPreset(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sets up the plugin, component-runtime, .gitignore, the test script and the example, and takes the installed version', async () => {
    const installed = readJson(tree, 'package.json').devDependencies;
    await presetGenerator(tree, { name: 'acme-ml', skipFormat: true });
    expect(readJson(tree, 'nx.json').plugins).toEqual([{ plugin: 'nx-kubeflow', options: expect.objectContaining({ componentsDir: 'components' }) }]);
    expect(tree.exists('packages/component-runtime/src/component_runtime/settings.py')).toBe(true);
    expect(tree.read('.gitignore', 'utf-8')).toContain('settings.local.toml');
    const packageJson = readJson(tree, 'package.json');
    expect(packageJson.scripts.test).toBe('nx run-many -t test');
    expect(packageJson.devDependencies).toEqual(installed);

    const pipeline = parseYaml(tree.read('pipelines/training-pipeline/pipeline.yaml', 'utf-8')!);
    expect(Object.values<any>(pipeline.tasks).map((task) => task.component)).toEqual(['trainer']);
    expect(tree.read('components/trainer/pyproject.toml', 'utf-8')).toContain('path = "../../packages/component-runtime"');
  });

  it('writes a README for the team that starts with running the example and the tests, then adding a component', async () => {
    await presetGenerator(tree, { name: 'acme-ml', skipFormat: true });
    const readme = tree.read('README.md', 'utf-8')!;
    expect(readme.startsWith('# acme-ml\n')).toBe(true);
    const commands = readme.split('\n').filter((line) => line.startsWith('npx ') || line.startsWith('npm '));
    expect(commands[0]).toBe('npx nx run training-pipeline:deploy');
    expect(commands[1]).toBe('npm test');
    expect(commands.slice(2, 5)).toEqual([
      'npx nx g nx-kubeflow:component my-step --inputs threshold:Float=0.5 --outputs report:Markdown',
      'npx nx run my-step:test',
      'npx nx g nx-kubeflow:pipeline my-pipeline --components trainer,my-step',
    ]);
    expect(readme).toContain('`.github/workflows/ci.yml`');
    expect(readme).toContain('make deploy ENV=production');
    expect(readme).not.toMatch(/undefined|<%/);
  });

  it('writes the GitHub workflow and Makefile by default, GitLab CI with --ciProvider gitlab, and neither with --ciProvider none', async () => {
    await presetGenerator(tree, { name: 'acme-ml', skipFormat: true });
    expect(tree.exists('.github/workflows/ci.yml')).toBe(true);
    expect(tree.exists('Makefile')).toBe(true);

    const gitlab = await newWorkspaceForPreset(mkdtempSync(join(tmpdir(), 'nx-kubeflow-preset-')));
    try {
      await presetGenerator(gitlab, { name: 'acme-ml', ciProvider: 'gitlab', skipFormat: true });
      expect(gitlab.exists('.gitlab-ci.yml')).toBe(true);
      expect(gitlab.exists('.github')).toBe(false);
      expect(gitlab.read('README.md', 'utf-8')).toContain('`.gitlab-ci.yml`');
    } finally {
      rmSync(gitlab.root, { recursive: true, force: true });
    }

    const none = await newWorkspaceForPreset(mkdtempSync(join(tmpdir(), 'nx-kubeflow-preset-')));
    try {
      await presetGenerator(none, { name: 'acme-ml', ciProvider: 'none', skipFormat: true });
      expect(none.exists('.github')).toBe(false);
      expect(none.exists('.gitlab-ci.yml')).toBe(false);
      expect(none.exists('Makefile')).toBe(false);
      expect(none.read('README.md', 'utf-8')).not.toContain('## CI');
    } finally {
      rmSync(none.root, { recursive: true, force: true });
    }
  });

  it('leaves the example out with --no-example, and the README starts with the tests', async () => {
    await presetGenerator(tree, { name: 'acme-ml', example: false, ciProvider: 'none', skipFormat: true });
    expect(tree.exists('components')).toBe(false);
    expect(tree.exists('pipelines')).toBe(false);
    const readme = tree.read('README.md', 'utf-8')!;
    expect(readme.split('\n').find((line) => line.startsWith('npx ') || line.startsWith('npm '))).toBe('npm test');
    expect(readme).toContain('--components my-step\n');
    expect(readme).not.toContain('training-pipeline');
  });

  it('pins component-runtime with --runtime=pinned: no source, the example component depends on the version', async () => {
    await presetGenerator(tree, { name: 'acme-ml', runtime: 'pinned', ciProvider: 'none', skipFormat: true });
    const version = pluginPackage().componentRuntimeVersion!;
    expect(tree.exists('packages/component-runtime')).toBe(false);
    expect(tree.read('components/trainer/pyproject.toml', 'utf-8')).toContain(`"component-runtime==${version}"`);
    expect(tree.read('README.md', 'utf-8')).toContain(`component-runtime==${version}`);
  });

  it("drops the apps/ and libs/ placeholders nx g writes before a preset, and keeps a team's apps/", async () => {
    tree.write('apps/.gitkeep', '');
    tree.write('libs/.gitkeep', '');
    await presetGenerator(tree, { name: 'acme-ml', ciProvider: 'none', skipFormat: true });
    expect(tree.exists('apps')).toBe(false);
    expect(tree.exists('libs')).toBe(false);

    const withApps = await newWorkspaceForPreset(mkdtempSync(join(tmpdir(), 'nx-kubeflow-preset-')));
    try {
      withApps.write('apps/.gitkeep', '');
      withApps.write('apps/web/index.ts', 'export {};\n');
      await presetGenerator(withApps, { name: 'acme-ml', ciProvider: 'none', example: false, skipFormat: true });
      expect(withApps.exists('apps/.gitkeep')).toBe(true);
    } finally {
      rmSync(withApps.root, { recursive: true, force: true });
    }
  });

  it("takes create-nx-workspace's own flags as it passes them on (its --ci is its Nx Cloud choice, not ours)", async () => {
    await presetGenerator(tree, { name: 'acme-ml', ci: 'skip', nxCloud: 'skip', skipFormat: true } as any);
    expect(tree.exists('.github/workflows/ci.yml')).toBe(true);
  });

  it('refuses an unknown --ciProvider and an empty name at once, writing nothing', async () => {
    const message = await presetGenerator(tree, { name: ' ', ciProvider: 'jenkins' as any }).catch((e: Error) => e.message);
    expect(message).toContain('--name is empty');
    expect(message).toContain('--ciProvider "jenkins" is not one of github, gitlab, none');
    expect(tree.listChanges()).toEqual([]);
  });

  it('prints the next steps once the files are written', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const callback = await presetGenerator(tree, { name: 'acme-ml', ciProvider: 'none', skipFormat: true });
      const before = info.mock.calls.length;
      await callback();
      const text = info.mock.calls.slice(before).map((call) => String(call[0])).join('\n');
      expect(text).toContain('acme-ml is ready');
      expect(text).toContain('npx nx run training-pipeline:deploy');
      expect(text).toContain('npm test');
    } finally {
      info.mockRestore();
    }
  });
});
