import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactDigest, sourceDigest, sourceFiles } from './source-digest';

describe('source digest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-digest-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  };

  it('covers source files but not venvs, caches, build output or machine-local settings', () => {
    write('component.yaml', 'name: c');
    write('src/run.py', 'print(1)');
    write('config/settings.toml', '[default]');
    for (const skipped of ['.venv/bin/python', 'dist/x', 'src/__pycache__/run.pyc', 'config/settings.local.toml', 'config/.secrets.toml', 'c.egg-info/PKG-INFO']) write(skipped, 'x');
    expect(sourceFiles(dir)).toEqual(['component.yaml', 'config/settings.toml', 'src/run.py']);
    const before = sourceDigest(dir);
    write('config/settings.local.toml', 'changed');
    write('.venv/lib/new', 'x');
    expect(sourceDigest(dir)).toBe(before);
    write('src/run.py', 'print(2)');
    expect(sourceDigest(dir)).not.toBe(before);
  });

  it('digests an artifact file or folder by content', () => {
    write('a/file', 'x');
    write('b/file', 'x');
    expect(artifactDigest(join(dir, 'a'))).toBe(artifactDigest(join(dir, 'b')));
    write('b/other', 'y');
    expect(artifactDigest(join(dir, 'a'))).not.toBe(artifactDigest(join(dir, 'b')));
    expect(artifactDigest(join(dir, 'a/file'))).not.toBe(artifactDigest(join(dir, 'a')));
  });
});
