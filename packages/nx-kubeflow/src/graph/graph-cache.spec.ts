import { DependencyType, type CreateDependenciesContext, type CreateNodesContextV2 } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDependencies } from './create-dependencies';
import { createNodesV2 } from './create-nodes';
import { filesMatchingTheGlob } from './testing/matched-files';

/**
 * The graph caches in .nx/workspace-data: a second build takes what it knows
 * from them, and a changed file is read again. Each test proves the cache was
 * used by planting a value in it that the files do not hold.
 */
describe('project graph caches', () => {
  let workspaceRoot: string;
  const write = (file: string, text = '') => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const dataDir = () => join(workspaceRoot, '.nx', 'workspace-data');
  const cacheFile = (kind: string) => {
    const name = readdirSync(dataDir()).find((file) => file.startsWith(`nx-kubeflow-${kind}-`));
    if (!name) throw new Error(`no nx-kubeflow-${kind} cache in ${readdirSync(dataDir()).join(', ')}`);
    return join(dataDir(), name);
  };
  /** Rewrites every entry of a cache file. */
  const plant = (kind: string, value: (old: unknown) => unknown) => {
    const file = cacheFile(kind);
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(entries).map(([key, old]) => [key, value(old)]))));
  };

  const inferTrainer = async () => {
    const context: CreateNodesContextV2 = { workspaceRoot, nxJsonConfiguration: {} };
    const results = await createNodesV2[1](filesMatchingTheGlob(workspaceRoot), {}, context);
    return results[0][1].projects!['components/trainer'];
  };

  beforeEach(() => {
    delete process.env.NX_CACHE_PROJECT_GRAPH;
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-graph-cache-'));
    write('components/trainer/component.yaml', 'name: trainer\n');
    write('components/trainer/Dockerfile', 'FROM scratch\n');
    write('components/trainer/config/settings.toml', '[default]\n[production]\n');
  });
  afterEach(() => {
    delete process.env.NX_CACHE_PROJECT_GRAPH;
    rmSync(workspaceRoot, { recursive: true, force: true });
  });

  it('createNodes keeps the environments of a settings file by its identity on disk, and reads it again when it changes', async () => {
    expect(Object.keys((await inferTrainer()).targets!['docker-build'].configurations!)).toEqual(['production']);

    // the second build answers from the cache, not from settings.toml
    plant('settings-environments', () => ['planted']);
    expect(Object.keys((await inferTrainer()).targets!['docker-build'].configurations!)).toEqual(['planted']);

    // settings.toml changes: read again
    write('components/trainer/config/settings.toml', '[default]\n[staging]\n');
    expect(Object.keys((await inferTrainer()).targets!['docker-build'].configurations!)).toEqual(['staging']);

    // which files exist comes from the files Nx matched, never from the cache
    rmSync(join(workspaceRoot, 'components/trainer/Dockerfile'));
    expect((await inferTrainer()).targets!['docker-build']).toBeUndefined();
    write('components/trainer/pyproject.toml', '[project]\nname = "trainer"\n');
    expect(Object.keys((await inferTrainer()).targets!)).toEqual(['venv', 'test', 'lint', 'settings']);
  });

  it('createNodes keeps only the entries the last build used, and NX_CACHE_PROJECT_GRAPH=false bypasses the cache', async () => {
    await inferTrainer();
    write('components/trainer/config/settings.toml', '[default]\n[staging]\n');
    await inferTrainer();
    const entries = Object.values(JSON.parse(readFileSync(cacheFile('settings-environments'), 'utf8')));
    expect(entries).toEqual([['staging']]);

    plant('settings-environments', () => ['planted']);
    process.env.NX_CACHE_PROJECT_GRAPH = 'false';
    expect(Object.keys((await inferTrainer()).targets!['docker-build'].configurations!)).toEqual(['staging']);
  });

  it('createDependencies parses a pyproject.toml or pipeline.yaml once per content hash', async () => {
    write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
    write('components/trainer/pyproject.toml', '[tool.uv.sources]\ncomponent-runtime = { path = "../../packages/component-runtime" }\n');
    write('components/scorer/component.yaml', 'name: scorer\n');
    write('pipelines/training/pipeline.yaml', 'tasks:\n  train: {component: trainer}\n');
    const hashes: Record<string, string> = {
      'components/trainer/pyproject.toml': 'p1',
      'pipelines/training/pipeline.yaml': 'y1',
    };
    const projectFiles: Record<string, string[]> = {
      'component-runtime': ['packages/component-runtime/pyproject.toml'],
      trainer: ['components/trainer/component.yaml', 'components/trainer/pyproject.toml'],
      scorer: ['components/scorer/component.yaml'],
      training: ['pipelines/training/pipeline.yaml'],
    };
    const context = () =>
      ({
        workspaceRoot,
        nxJsonConfiguration: {},
        projects: {
          'component-runtime': { root: 'packages/component-runtime' },
          trainer: { root: 'components/trainer' },
          scorer: { root: 'components/scorer' },
          training: { root: 'pipelines/training' },
        },
        fileMap: {
          nonProjectFiles: [],
          projectFileMap: Object.fromEntries(
            Object.entries(projectFiles).map(([project, files]) => [project, files.map((file) => ({ file, hash: hashes[file] ?? 'h' }))]),
          ),
        },
      }) as unknown as CreateDependenciesContext;
    const edges = async () =>
      (await createDependencies({}, context())).map((edge) => `${edge.source}->${edge.target}`).sort();

    expect(await edges()).toEqual(['trainer->component-runtime', 'training->trainer']);
    expect(existsSync(cacheFile('dependencies'))).toBe(true);

    // same hashes, new text on disk: the cached parse stands (nothing was reparsed)
    write('pipelines/training/pipeline.yaml', 'tasks:\n  score: {component: scorer}\n');
    write('components/trainer/pyproject.toml', '[project]\nname = "trainer"\n');
    expect(await edges()).toEqual(['trainer->component-runtime', 'training->trainer']);

    // a new hash is a new parse
    hashes['pipelines/training/pipeline.yaml'] = 'y2';
    hashes['components/trainer/pyproject.toml'] = 'p2';
    expect(await edges()).toEqual(['training->scorer']);
    const [edge] = await createDependencies({}, context());
    expect(edge).toEqual({ source: 'training', target: 'scorer', type: DependencyType.static, sourceFile: 'pipelines/training/pipeline.yaml' });
  });
});
