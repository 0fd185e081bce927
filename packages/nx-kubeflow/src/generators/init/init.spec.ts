import { logger, readJson, type Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { generateWorkspaceFiles } from '@nx/workspace/src/generators/new/generate-workspace-files';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { DEFAULT_PLUGIN_OPTIONS } from '../../plugin/plugin-options';
import { componentGenerator } from '../component/component';
import { initGenerator, initGeneratorInternal, initNextSteps } from './init.impl';
import { pluginPackage } from './lib/plugin-package';

const PLUGIN = pluginPackage();
const RUNTIME_SOURCE = PLUGIN.componentRuntimeDir!;

/** Every file init should copy from the runtime's source: what git tracks of it, minus build and venv by-products. */
function runtimeSourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (['__pycache__', '.venv', '.pytest_cache', '.ruff_cache'].includes(name) || name.endsWith('.egg-info') || name.endsWith('.pyc')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(RUNTIME_SOURCE, path).split('\\').join('/'));
    }
  };
  for (const top of ['src', 'tests']) walk(join(RUNTIME_SOURCE, top));
  return ['pyproject.toml', 'README.md', ...files].sort();
}

/**
 * A workspace as `create-nx-workspace acme --preset=ts` leaves it: Nx's own
 * workspace files (nx.json, package.json, .gitignore, README), plus what
 * @nx/js's init then adds (its plugin entry, a target default, a TS package).
 */
async function tsPresetWorkspace(root: string): Promise<FsTree> {
  const tree = new FsTree(root, false);
  await generateWorkspaceFiles(tree, {
    name: 'acme',
    directory: '',
    preset: 'ts',
    workspaces: true,
    packageManager: 'npm',
    nxCloud: 'skip',
    defaultBase: 'main',
  } as any);
  const nxJson = readJson(tree, 'nx.json');
  nxJson.plugins = [{ plugin: '@nx/js/typescript', options: { typecheck: { targetName: 'typecheck' }, build: { targetName: 'build' } } }];
  nxJson.targetDefaults = { test: { dependsOn: ['^build'] } };
  tree.write('nx.json', JSON.stringify(nxJson, null, 2) + '\n');
  tree.write('packages/utils/package.json', JSON.stringify({ name: '@acme/utils', version: '0.0.1' }, null, 2) + '\n');
  flushChanges(root, tree.listChanges());
  return new FsTree(root, false);
}

describe('init generator', () => {
  let root: string;
  let tree: FsTree;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-init-'));
    tree = await tsPresetWorkspace(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const nxJsonOf = (t: Tree) => readJson(t, 'nx.json');
  const changedPaths = (t: Tree) => t.listChanges().map((change) => `${change.type} ${change.path}`);

  it('registers the plugin with every option at its default, leaving the other settings as they were', async () => {
    const before = nxJsonOf(tree);
    await initGeneratorInternal(tree, { skipFormat: true });
    const after = nxJsonOf(tree);
    expect(after.plugins).toEqual([
      before.plugins[0],
      { plugin: 'nx-kubeflow', options: { ...DEFAULT_PLUGIN_OPTIONS } },
    ]);
    expect(Object.keys(after.plugins[1].options).sort()).toEqual(Object.keys(DEFAULT_PLUGIN_OPTIONS).sort());
    const { plugins: _after, ...restAfter } = after;
    const { plugins: _before, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
  });

  it("writes component-runtime's source into packages/, without what a build or venv left there", async () => {
    const result = await initGeneratorInternal(tree, { skipFormat: true });
    expect(result.runtime).toBe('written');
    const written = tree
      .listChanges()
      .map((change) => change.path)
      .filter((path) => path.startsWith('packages/component-runtime/'))
      .map((path) => path.slice('packages/component-runtime/'.length))
      .sort();
    expect(written).toEqual(runtimeSourceFiles());
    expect(written).toEqual(expect.arrayContaining(['pyproject.toml', 'README.md', 'src/component_runtime/__init__.py']));
    expect(written.filter((path) => /egg-info|__pycache__|\.venv\/|\.pyc$/.test(path))).toEqual([]);
    for (const file of written) {
      expect(tree.read(`packages/component-runtime/${file}`)!.equals(readFileSync(join(RUNTIME_SOURCE, file)))).toBe(true);
    }
  });

  it('adds the .gitignore entries the workspace lacks, and none it has in another spelling', async () => {
    const before = tree.read('.gitignore', 'utf-8')!;
    expect(before).toMatch(/^dist$/m);
    expect(before).toMatch(/^node_modules$/m);
    expect(before).toMatch(/^\.nx\/cache$/m);
    await initGeneratorInternal(tree, { skipFormat: true });
    const after = tree.read('.gitignore', 'utf-8')!;
    expect(after.startsWith(before)).toBe(true);
    const added = after.slice(before.length).split('\n').filter((line) => line && !line.startsWith('#'));
    expect(added).toEqual(['.venv/', '__pycache__/', '*.egg-info/', '.pytest_cache/', '.ruff_cache/', 'settings.local.toml', '.secrets.*']);
  });

  it('adds nx-kubeflow at its own version to devDependencies, unless --skipPackageJson', async () => {
    const untouched = tree.read('package.json', 'utf-8');
    await initGeneratorInternal(tree, { skipFormat: true, skipPackageJson: true });
    expect(tree.read('package.json', 'utf-8')).toBe(untouched);

    await initGeneratorInternal(tree, { skipFormat: true });
    const packageJson = readJson(tree, 'package.json');
    expect(packageJson.devDependencies).toEqual({ nx: '22.7.9', 'nx-kubeflow': PLUGIN.version });
    expect(packageJson.workspaces).toEqual(['packages/*']);
  });

  it('is idempotent: a second run on the result changes no file', async () => {
    await initGeneratorInternal(tree, { skipFormat: true });
    flushChanges(root, tree.listChanges());
    const second = new FsTree(root, false);
    const result = await initGeneratorInternal(second, { skipFormat: true });
    expect(second.listChanges()).toEqual([]);
    expect(result).toMatchObject({ registration: 'unchanged', runtime: 'kept' });
  });

  it('under --dry-run lists every file it would write and writes none', async () => {
    const onDisk = readdirSync(root).sort();
    await initGeneratorInternal(tree, { skipFormat: true });
    const changes = changedPaths(tree);
    expect(changes).toEqual(
      expect.arrayContaining([
        'UPDATE nx.json',
        'UPDATE .gitignore',
        'UPDATE package.json',
        'CREATE ruff.toml',
        'CREATE packages/component-runtime/pyproject.toml',
        'CREATE packages/component-runtime/src/component_runtime/settings.py',
      ]),
    );
    expect(changes).toHaveLength(4 + runtimeSourceFiles().length);
    // Nx flushes only without --dry-run: until then the disk is as it was.
    expect(readdirSync(root).sort()).toEqual(onDisk);
    expect(existsSync(join(root, 'packages/component-runtime'))).toBe(false);
  });

  it('turns a bare "nx-kubeflow" entry into the object form in place, and keeps an entry with options as the team set it', async () => {
    const nxJson = nxJsonOf(tree);
    nxJson.plugins = ['nx-kubeflow', ...nxJson.plugins];
    tree.write('nx.json', JSON.stringify(nxJson));
    const upgraded = await initGeneratorInternal(tree, { skipFormat: true });
    expect(upgraded.registration).toBe('expanded');
    expect(nxJsonOf(tree).plugins[0]).toEqual({ plugin: 'nx-kubeflow', options: { ...DEFAULT_PLUGIN_OPTIONS } });
    expect(nxJsonOf(tree).plugins).toHaveLength(2);

    const custom = nxJsonOf(tree);
    custom.plugins[0] = { plugin: 'nx-kubeflow', options: { componentsDir: 'ml/components', packagesDir: 'ml/python', testTargetName: 'pytest' } };
    tree.write('nx.json', JSON.stringify(custom, null, 2));
    const kept = await initGeneratorInternal(tree, { skipFormat: true });
    expect(kept.registration).toBe('unchanged');
    expect(nxJsonOf(tree).plugins[0]).toEqual(custom.plugins[0]);
    // the runtime goes where that entry's packagesDir says
    expect(tree.exists('ml/python/component-runtime/pyproject.toml')).toBe(true);
    expect(initNextSteps(kept)).toContain('npx nx run component-runtime:pytest');
  });

  describe('--runtime=pinned', () => {
    const runtimeVersion = PLUGIN.componentRuntimeVersion!;

    it('writes no runtime source and records the version the plugin ships, which new components pin', async () => {
      const result = await initGeneratorInternal(tree, { runtime: 'pinned', skipFormat: true });
      expect(result.runtime).toBe('pinned');
      expect(tree.exists('packages/component-runtime')).toBe(false);
      expect(nxJsonOf(tree).plugins[1].options.componentRuntime).toBe(runtimeVersion);

      await componentGenerator(tree, { name: 'scorer', inputs: 'threshold:Float=0.5' });
      const pyproject = parseToml(tree.read('components/scorer/pyproject.toml', 'utf-8')!) as any;
      expect(pyproject.project.dependencies).toContain(`component-runtime==${runtimeVersion}`);
      expect(pyproject.tool?.uv).toBeUndefined();
    });

    it('takes --runtimeVersion (which implies pinned), and a later --runtime=source switches back and writes the source', async () => {
      await initGeneratorInternal(tree, { runtimeVersion: '2.3.0rc1', skipFormat: true });
      expect(nxJsonOf(tree).plugins[1].options.componentRuntime).toBe('2.3.0rc1');
      // a run that asks for nothing keeps the recorded choice
      await initGeneratorInternal(tree, { skipFormat: true });
      expect(tree.exists('packages/component-runtime')).toBe(false);

      const switched = await initGeneratorInternal(tree, { runtime: 'source', skipFormat: true });
      expect(switched).toMatchObject({ registration: 'runtime-changed', runtime: 'written' });
      expect(nxJsonOf(tree).plugins[1].options.componentRuntime).toBe('source');
      expect(tree.exists('packages/component-runtime/pyproject.toml')).toBe(true);
    });

    it('refuses a version pip cannot pin and --runtimeVersion with --runtime=source, both at once, writing nothing', async () => {
      const message = await initGeneratorInternal(tree, { runtime: 'source', runtimeVersion: 'latest' }).catch((e: Error) => e.message);
      expect(message).toContain('Cannot set up nx-kubeflow; nothing was written:');
      expect(message).toContain('--runtimeVersion pins a published component-runtime and does not go with --runtime=source');
      expect(message).toContain('--runtimeVersion "latest" is not a version pip can pin');
      expect(tree.listChanges()).toEqual([]);
    });
  });

  it('refuses a packages/component-runtime that is something else, writing nothing', async () => {
    tree.write('packages/component-runtime/notes.txt', 'not a Python project\n');
    flushChanges(root, tree.listChanges());
    const fresh = new FsTree(root, false);
    await expect(initGeneratorInternal(fresh, {})).rejects.toThrow(
      'packages/component-runtime exists but holds no pyproject.toml, so it is not component-runtime',
    );
    expect(fresh.listChanges()).toEqual([]);
  });

  it('prints the next steps with the target names and folders of nx.json, once the files are written', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const callback = await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
      expect(info).not.toHaveBeenCalled();
      await callback();
      const text = info.mock.calls.map((call) => String(call[0])).join('\n');
      expect(text).toContain('npx nx g nx-kubeflow:component my-step');
      expect(text).toContain('npx nx run my-step:test');
      expect(text).toContain('npx nx run my-pipeline:deploy');
      expect(text).toContain('packages/component-runtime');
      expect(text).not.toMatch(/undefined/);
    } finally {
      info.mockRestore();
    }
  });
});
