import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUNDLE_ID_LINE, bundleId, CODE_CACHE_FOLDER, codeCacheFile, loadCommandBundle, runCommandBundle } from './command-bundle';

const ID = 'a'.repeat(24);
const OTHER_ID = 'b'.repeat(24);

/** A bundle as scripts/bundle-commands.mjs ends one; its code reports what Node gave it as a module. */
function writeBundle(folder: string, id: string | undefined, extra = ''): string {
  const file = join(folder, 'lib', 'tool.bundle.js');
  mkdirSync(join(folder, 'lib'), { recursive: true });
  writeFileSync(join(folder, 'lib', 'data.json'), '{"answer": 42}\n');
  const code = [
    "'use strict';",
    'const answer = require("./data.json").answer;',
    'module.exports = {',
    '  dirname: __dirname, filename: __filename, answer,',
    '  resolved: require.resolve("./data.json"),',
    '  thisIsExports: this === exports,',
    '  builtin: typeof require("node:path").join,',
    '};',
    `function unused() { return ${JSON.stringify(extra)}; }`,
  ].join('\n');
  writeFileSync(file, `${code}\n${id ? `${BUNDLE_ID_LINE}${id}\n` : ''}`);
  return file;
}

describe('command bundles', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'nxk-command-bundle-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the build id from the last line only when it is a hex id', () => {
    expect(bundleId(`code\n${BUNDLE_ID_LINE}${ID}\n`)).toBe(ID);
    expect(bundleId(`code\n${BUNDLE_ID_LINE}${ID}`)).toBe(ID);
    expect(bundleId('code\n')).toBeUndefined();
    expect(bundleId(`code\n${BUNDLE_ID_LINE}not-hex\n`)).toBeUndefined();
    expect(bundleId(`code\n${BUNDLE_ID_LINE}${ID} trailing words\n`)).toBeUndefined();
  });

  it('runs the bundle as Node runs a CommonJS module of that file', () => {
    const bundle = writeBundle(folder, ID);
    const loaded = loadCommandBundle(bundle);
    expect(loaded.cacheState).toBe('off');
    expect(loaded.exports).toEqual({
      dirname: join(folder, 'lib'),
      filename: bundle,
      answer: 42,
      resolved: join(folder, 'lib', 'data.json'),
      thisIsExports: true,
      builtin: 'function',
    });
  });

  it('writes a code cache when there is none, uses it the next time, and writes none then', () => {
    const bundle = writeBundle(folder, ID);
    const cacheDirectory = join(folder, 'cache');
    const first = loadCommandBundle(bundle, { cacheDirectory, variant: 'compile' });
    expect(first.cacheState).toBe('absent');
    expect(first.cacheFile).toBe(codeCacheFile(cacheDirectory, bundle, ID, 'compile'));
    first.saveCodeCache();
    const written = statSync(first.cacheFile!);
    expect(written.size).toBeGreaterThan(0);

    const second = loadCommandBundle(bundle, { cacheDirectory, variant: 'compile' });
    expect(second.cacheState).toBe('accepted');
    expect((second.exports as { answer: number }).answer).toBe(42);
    second.saveCodeCache();
    expect(statSync(second.cacheFile!).mtimeMs).toBe(written.mtimeMs);
    // another command word has its own cache
    expect(loadCommandBundle(bundle, { cacheDirectory, variant: 'deploy' }).cacheState).toBe('absent');
  });

  it('runs as without a cache when the cache is damaged, and replaces it', () => {
    const bundle = writeBundle(folder, ID);
    const cacheDirectory = join(folder, 'cache');
    mkdirSync(cacheDirectory);
    const cacheFile = codeCacheFile(cacheDirectory, bundle, ID, 'main');
    writeFileSync(cacheFile, Buffer.from('not a code cache at all'));
    const loaded = loadCommandBundle(bundle, { cacheDirectory });
    expect(loaded.cacheState).toBe('rejected');
    expect((loaded.exports as { answer: number }).answer).toBe(42);
    loaded.saveCodeCache();
    expect(loadCommandBundle(bundle, { cacheDirectory }).cacheState).toBe('accepted');
    expect(readdirSync(cacheDirectory)).toEqual([cacheFile.slice(cacheDirectory.length + 1)]);
  });

  it('keeps one build of a bundle: a new build id starts a new cache and removes the old', () => {
    const cacheDirectory = join(folder, 'cache');
    const old = loadCommandBundle(writeBundle(folder, ID), { cacheDirectory });
    old.saveCodeCache();
    // same length, other code: only the build id tells the caches apart (V8 compares lengths)
    const rebuilt = loadCommandBundle(writeBundle(folder, OTHER_ID), { cacheDirectory });
    expect(rebuilt.cacheState).toBe('absent');
    rebuilt.saveCodeCache();
    expect(readdirSync(cacheDirectory)).toEqual([rebuilt.cacheFile!.slice(cacheDirectory.length + 1)]);
    expect(existsSync(old.cacheFile!)).toBe(false);
  });

  it('uses no cache for a bundle without a build id', () => {
    const loaded = loadCommandBundle(writeBundle(folder, undefined), { cacheDirectory: join(folder, 'cache') });
    expect(loaded.cacheState).toBe('off');
    loaded.saveCodeCache();
    expect(existsSync(join(folder, 'cache'))).toBe(false);
  });

  it('loses only time when the cache cannot be written', () => {
    const bundle = writeBundle(folder, ID);
    writeFileSync(join(folder, 'cache'), 'a file where the cache folder would be');
    const loaded = loadCommandBundle(bundle, { cacheDirectory: join(folder, 'cache') });
    expect(loaded.cacheState).toBe('absent');
    expect(() => loaded.saveCodeCache()).not.toThrow();
    expect(readdirSync(folder).sort()).toEqual(['cache', 'lib']);
  });

  it('runs the modules as tsc built them when there is no bundle', () => {
    const unbundled = jest.fn();
    runCommandBundle(join(folder, 'missing.bundle.js'), unbundled, { argv: ['compile'], environ: {}, workspaceRoot: folder });
    expect(unbundled).toHaveBeenCalledTimes(1);
    expect(existsSync(join(folder, '.nx'))).toBe(false);
  });

  describe('as a command entry, in its own process', () => {
    // as src/commands/<command>.ts calls it, from a file (under -e, process.argv has no script path)
    const entry = (bundle: string, ...args: string[]) => {
      const script = join(folder, 'entry.js');
      writeFileSync(script, `require(${JSON.stringify(resolve(__dirname, 'command-bundle.ts'))}).runCommandBundle(${JSON.stringify(bundle)}, () => { throw new Error('unbundled') });\n`);
      return spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), script, ...args], {
        cwd: folder,
        encoding: 'utf8',
        env: { ...process.env, SWC_NODE_PROJECT: resolve(__dirname, '../../tsconfig.spec.json'), NX_WORKSPACE_DATA_DIRECTORY: '', NX_PROJECT_GRAPH_CACHE_DIRECTORY: '', ...envOverrides },
      });
    };
    let envOverrides: Record<string, string> = {};
    beforeEach(() => {
      envOverrides = {};
    });

    it("writes the command word's cache in Nx's workspace data folder as the process ends", () => {
      const bundle = writeBundle(folder, ID);
      writeFileSync(join(folder, 'nx.json'), '{}');
      const run = entry(bundle, 'test', 'alpha');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const cacheDirectory = join(folder, '.nx', 'workspace-data', CODE_CACHE_FOLDER);
      expect(readdirSync(cacheDirectory)).toEqual([codeCacheFile(cacheDirectory, bundle, ID, 'test').slice(cacheDirectory.length + 1)]);
      expect(loadCommandBundle(bundle, { cacheDirectory, variant: 'test' }).cacheState).toBe('accepted');
    });

    it('writes none outside an Nx workspace (no nx.json where it runs)', () => {
      const bundle = writeBundle(folder, ID);
      const run = entry(bundle, 'test');
      expect(run.status).toBe(0);
      expect(existsSync(join(folder, '.nx'))).toBe(false);
    });

    it(`writes none with NX_KUBEFLOW_CODE_CACHE=0`, () => {
      const bundle = writeBundle(folder, ID);
      writeFileSync(join(folder, 'nx.json'), '{}');
      envOverrides = { NX_KUBEFLOW_CODE_CACHE: '0' };
      const run = entry(bundle, 'test');
      expect(run.status).toBe(0);
      expect(existsSync(join(folder, '.nx'))).toBe(false);
    });

    it('keeps the exit code and output of the bundle', () => {
      const bundle = join(folder, 'exits.bundle.js');
      writeFileSync(bundle, `process.stdout.write('from the bundle\\n'); process.exitCode = 3;\n${BUNDLE_ID_LINE}${ID}\n`);
      writeFileSync(join(folder, 'nx.json'), '{}');
      const run = entry(bundle, 'compile');
      expect(run.stdout).toBe('from the bundle\n');
      expect(run.status).toBe(3);
      expect(readFileSync(join(folder, '.nx', 'workspace-data', CODE_CACHE_FOLDER, `exits.bundle-${ID}-compile-${process.version}-${process.arch}.bin`)).length).toBeGreaterThan(0);
    });
  });
});
