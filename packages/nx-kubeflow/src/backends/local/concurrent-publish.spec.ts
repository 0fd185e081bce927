import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(120_000);

const STORE = resolve(__dirname, 'local-version-store.ts');

/** Runs a script in a separate node process that loads the TypeScript sources as they are. */
function inProcess(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => done({ code, output }));
  });
}

/**
 * Issue 12 (weak): 8 deploys publishing to the local backend at once left
 * versions.json with 1 or 2 of their 8 entries. Real processes, since the
 * lost update is between processes.
 */
describe('LocalVersionStore: publishers in parallel processes', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-publish-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every version when 6 processes publish 10 versions each at the same moment', async () => {
    // Each waits for the same start time, so the publishes overlap however the processes start up.
    const script = `
      const { LocalVersionStore } = require(${JSON.stringify(STORE)});
      const [root, me, startAt] = process.argv.slice(1);
      const store = new LocalVersionStore(root);
      setTimeout(async () => {
        for (let i = 0; i < 10; i++) {
          const hash = (me + 'x' + i).padEnd(64, '0');
          await store.publish({ pipelineName: 'p', irYaml: 'ir: ' + hash + '\\n', contentHash: hash });
        }
      }, Number(startAt) - Date.now());`;
    const startAt = String(Date.now() + 8000);
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => inProcess(script, [root, String(n), startAt])));
    expect(results.filter((result) => result.code !== 0).map((result) => result.output)).toEqual([]);
    const versions = JSON.parse(readFileSync(join(root, 'p', 'versions.json'), 'utf8')) as Array<{ name: string }>;
    expect(versions).toHaveLength(60);
  });
});
