import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPythonInterpreter } from './interpreter';
import { interpreterCacheKey, readCachedInterpreter, writeCachedInterpreter } from './interpreter-cache';

/**
 * A real python3 behind a counting wrapper script: the wrapper stands where a
 * pyenv shim stands (the command the probe runs), and counts how often the
 * probe really spawned it.
 */
describe('interpreter probe cache', () => {
  let dir: string;
  let wrapper: string;
  let counter: string;
  let cacheFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-interpreter-cache-'));
    counter = join(dir, 'probes');
    wrapper = join(dir, 'python-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\necho x >> '${counter}'\nexec python3 "$@"\n`);
    chmodSync(wrapper, 0o755);
    cacheFile = join(dir, 'cache', 'interpreters.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const probes = () => {
    try {
      return readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  it('probes once, then answers from the cache while the interpreter is unchanged', async () => {
    const first = await findPythonInterpreter(wrapper, process.env, { cacheFile });
    const second = await findPythonInterpreter(wrapper, process.env, { cacheFile });
    expect(probes()).toBe(1);
    expect(second).toEqual(first);
    expect(first.command).toBe(wrapper);
    expect(first.version).toMatch(/^3\.\d+\.\d+$/);
    // sys.executable, not the wrapper: the venv is built from the real interpreter
    expect(first.executable).not.toBe(wrapper);
  });

  it('probes again when the command it resolves to changes (mtime)', async () => {
    await findPythonInterpreter(wrapper, process.env, { cacheFile });
    const later = new Date(Date.now() + 5_000);
    utimesSync(wrapper, later, later);
    await findPythonInterpreter(wrapper, process.env, { cacheFile });
    expect(probes()).toBe(2);
  });

  it('takes no hit once the probed executable has changed since', async () => {
    const key = interpreterCacheKey(wrapper)!;
    const fakeExecutable = join(dir, 'python3.99');
    writeFileSync(fakeExecutable, '');
    writeCachedInterpreter(cacheFile, key, { executable: fakeExecutable, version: '3.99.0' });
    expect(readCachedInterpreter(cacheFile, key)).toEqual({ executable: fakeExecutable, version: '3.99.0' });
    const later = new Date(Date.now() + 5_000);
    utimesSync(fakeExecutable, later, later);
    expect(readCachedInterpreter(cacheFile, key)).toBeUndefined();
    rmSync(fakeExecutable);
    expect(readCachedInterpreter(cacheFile, key)).toBeUndefined();
  });

  it('treats a corrupt cache file as a miss and rewrites it', async () => {
    await findPythonInterpreter(wrapper, process.env, { cacheFile });
    writeFileSync(cacheFile, '{"format": 1, "entries": {"trunc');
    const probed = await findPythonInterpreter(wrapper, process.env, { cacheFile });
    expect(probes()).toBe(2);
    expect(JSON.parse(readFileSync(cacheFile, 'utf8')).entries[interpreterCacheKey(wrapper)!].executable).toBe(probed.executable);
    await findPythonInterpreter(wrapper, process.env, { cacheFile });
    expect(probes()).toBe(2);
  });

  it('keys on what makes a pyenv shim choose another Python: PYENV_VERSION and .python-version files', () => {
    const plain = interpreterCacheKey(wrapper, { environ: { PATH: process.env.PATH }, cwd: dir });
    expect(interpreterCacheKey(wrapper, { environ: { PATH: process.env.PATH, PYENV_VERSION: '3.12.1' }, cwd: dir })).not.toBe(plain);
    writeFileSync(join(dir, '.python-version'), '3.12.1\n');
    expect(interpreterCacheKey(wrapper, { environ: { PATH: process.env.PATH }, cwd: dir })).not.toBe(plain);
  });

  it('resolves a bare command on PATH, and has no key for one it cannot find', () => {
    expect(interpreterCacheKey('python-wrapper', { environ: { PATH: dir }, cwd: dir })).toBe(
      interpreterCacheKey('python-wrapper', { environ: { PATH: `/no/such/folder:${dir}` }, cwd: dir }),
    );
    expect(interpreterCacheKey('python-missing-3.99', { environ: { PATH: dir }, cwd: dir })).toBeUndefined();
  });

  it('still reports a missing interpreter, and caches nothing for it', async () => {
    await expect(findPythonInterpreter('/no/such/python', process.env, { cacheFile })).rejects.toThrow('could not be run');
    expect(() => readFileSync(cacheFile)).toThrow();
  });
});
