import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVersionStore } from './local-version-store';

describe('LocalVersionStore', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-versions-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const request = (irYaml: string, contentHash: string) => ({ pipelineName: 'training', irYaml, contentHash });

  it('publishes a version named by content hash, once', async () => {
    const store = new LocalVersionStore(root);
    const first = await store.publish(request('ir: 1\n', 'a'.repeat(64)));
    expect(first).toMatchObject({ created: true, versionName: 'aaaaaaaaaaaa' });
    expect(readFileSync(first.location, 'utf8')).toBe('ir: 1\n');

    const again = await store.publish(request('ir: 1\n', 'a'.repeat(64)));
    expect(again).toMatchObject({ created: false, versionName: 'aaaaaaaaaaaa', location: first.location });
    expect(store.versions('training')).toHaveLength(1);
  });

  it('adds a version when the IR changes, keeping the order of publishing', async () => {
    const store = new LocalVersionStore(root);
    await store.publish(request('ir: 1\n', 'a'.repeat(64)), new Date('2026-01-01T00:00:00Z'));
    const changed = await store.publish(request('ir: 2\n', 'b'.repeat(64)), new Date('2026-01-02T00:00:00Z'));
    expect(changed.created).toBe(true);
    expect(store.versions('training').map((version) => version.name)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
  });
});
