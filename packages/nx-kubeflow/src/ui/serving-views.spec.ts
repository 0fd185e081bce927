import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerServingView, runPageUrl, SERVING_VIEWS_DIR, servingViews } from './serving-views';

describe('serving run views', () => {
  let workspaceRoot: string;
  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-serving-views-'));
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  it('finds the page of a run on a view that shows its pipeline, and forgets the view once it stops', () => {
    const unregister = registerServingView(workspaceRoot, { url: 'http://127.0.0.1:4301/', pipelines: ['training-pipeline'] });
    expect(runPageUrl(workspaceRoot, 'training-pipeline', '20261130-010203-abcdef')).toBe('http://127.0.0.1:4301/#/run/training-pipeline/20261130-010203-abcdef');
    expect(runPageUrl(workspaceRoot, 'other', '1')).toBeUndefined();
    unregister();
    expect(readdirSync(join(workspaceRoot, SERVING_VIEWS_DIR))).toEqual([]);
    expect(runPageUrl(workspaceRoot, 'training-pipeline', '1')).toBeUndefined();
  });

  it('a view of every pipeline answers for any', () => {
    const unregister = registerServingView(workspaceRoot, { url: 'http://127.0.0.1:4302' });
    expect(runPageUrl(workspaceRoot, 'any-pipeline', 'r 1')).toBe('http://127.0.0.1:4302/#/run/any-pipeline/r%201');
    unregister();
  });

  it('skips and removes the note of a view whose process is gone, and ignores notes that are not a loopback address', () => {
    const folder = join(workspaceRoot, SERVING_VIEWS_DIR);
    mkdirSync(folder, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    writeFileSync(join(folder, `${deadPid}.json`), JSON.stringify({ url: 'http://127.0.0.1:4303/', pid: deadPid }));
    writeFileSync(join(folder, `${process.pid}.json`), JSON.stringify({ url: 'http://evil.example.com/', pid: process.pid }));
    writeFileSync(join(folder, '1.json'), '{not json');
    expect(servingViews(workspaceRoot)).toEqual([]);
    expect(existsSync(join(folder, `${deadPid}.json`))).toBe(false);
    expect(runPageUrl(workspaceRoot, 'p', 'r')).toBeUndefined();
  });

  it('has no views when nothing ever served', () => {
    expect(servingViews(workspaceRoot)).toEqual([]);
  });
});
