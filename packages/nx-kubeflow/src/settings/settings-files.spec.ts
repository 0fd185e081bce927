import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSiblingOf, settingsFilesFor, settingsFilesToLoad } from './settings-files';

describe('settingsFilesFor', () => {
  it('lists the pipeline first, then the component', () => {
    expect(settingsFilesFor({ componentRoot: 'components/trainer', pipelineRoot: 'pipelines/train' })).toEqual([
      join('pipelines/train', 'config', 'settings.toml'),
      join('components/trainer', 'config', 'settings.toml'),
    ]);
    expect(settingsFilesFor({ componentRoot: 'c' })).toEqual([join('c', 'config', 'settings.toml')]);
    expect(settingsFilesFor({})).toEqual([]);
  });
});

describe('localSiblingOf', () => {
  it('inserts .local. before the extension', () => {
    expect(localSiblingOf('/a/config/settings.toml')).toBe('/a/config/settings.local.toml');
    expect(localSiblingOf('x.y.toml')).toBe('x.y.local.toml');
  });
});

describe('settingsFilesToLoad', () => {
  it('keeps existing main files, then adds their local siblings', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-files-'));
    try {
      const existing = join(root, 'a', 'settings.toml');
      mkdirSync(join(root, 'a'));
      writeFileSync(existing, '');
      expect(settingsFilesToLoad([join(root, 'missing', 'settings.toml'), existing])).toEqual([
        existing,
        join(root, 'a', 'settings.local.toml'),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
