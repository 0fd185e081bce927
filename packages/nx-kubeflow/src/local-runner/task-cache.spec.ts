import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cachedLogFile, lookupCache, restoreFromCache, storeInCache } from './task-cache';

jest.setTimeout(120_000);

const CACHE = resolve(__dirname, 'task-cache.ts');

function inProcess(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => done({ code, output }));
  });
}

describe('task cache', () => {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-cache-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const entry = (key: string) => ({ key, parameters: { n: 1 }, createdAt: new Date().toISOString(), origin: { runId: 'r', task: 't' } });

  /** Issue 12 (weak): a run restoring an entry while another stored the same key got ENOENT. */
  it('stores and restores one key from several processes at once without an error', async () => {
    const script = `
      const { storeInCache, lookupCache, restoreFromCache } = require(${JSON.stringify(CACHE)});
      const fs = require('node:fs');
      const path = require('node:path');
      const [dir, me, startAt] = process.argv.slice(1);
      while (Date.now() < Number(startAt)) {}
      const outputs = path.join(dir, 'work-' + me, 'outputs');
      fs.mkdirSync(path.join(outputs, 'artifacts', 'model'), { recursive: true });
      for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(outputs, 'artifacts', 'model', 'part-' + i), 'x'.repeat(20000));
      const restored = path.join(dir, 'restored-' + me);
      for (let round = 0; round < 40; round++) {
        storeInCache(path.join(dir, 'cache'), { key: 'k', parameters: { n: 1 }, createdAt: '', origin: { runId: me, task: 't' } }, outputs);
        if (lookupCache(path.join(dir, 'cache'), 'k')) restoreFromCache(path.join(dir, 'cache'), 'k', restored);
        if (fs.readdirSync(path.join(restored, 'artifacts', 'model')).length !== 20) throw new Error('restored only part of the entry');
      }`;
    // the same start time for all, so that they overlap however the processes start up
    const startAt = String(Date.now() + 8000);
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => inProcess(script, [scratch, String(n), startAt])));
    expect(results.filter((result) => result.code !== 0).map((result) => result.output)).toEqual([]);
  });

  it('keeps the log of the execution that made an entry', () => {
    const outputs = join(scratch, 'outputs');
    mkdirSync(outputs);
    writeFileSync(join(scratch, 'log.txt'), 'the first run printed this\n');
    storeInCache(join(scratch, 'cache'), entry('k'), outputs, join(scratch, 'log.txt'));
    expect(lookupCache(join(scratch, 'cache'), 'k')).toMatchObject({ key: 'k' });
    expect(readFileSync(cachedLogFile(join(scratch, 'cache'), 'k'), 'utf8')).toBe('the first run printed this\n');
    restoreFromCache(join(scratch, 'cache'), 'k', join(scratch, 'again'));
  });
});
