import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeBuildSecrets } from './build-secrets';

const WORKSPACE = resolve(__dirname, '../../../..');
const MODULE = join(__dirname, 'build-secrets.ts');

interface Child {
  /** The secret file the child wrote. */
  file: string;
  /** Lines the child printed after READY. */
  lines: string[];
  send(signal: NodeJS.Signals): void;
  /** How the child ended; rejects when it has not ended 10 s after this is called (afterEach then kills it). */
  ended(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Children still running when a test ends (one that failed half way) are killed. */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/**
 * A node process (the TypeScript module through @swc-node/register) that
 * runs `before`, writes a build secret into `tmp`, runs `after`, says READY
 * and then waits, as a build waits for its engine.
 */
async function childWithSecret(tmp: string, { before = '', after = '' } = {}): Promise<Child> {
  const script = [
    `const { existsSync } = require('node:fs');`,
    `const { writeBuildSecrets } = require(${JSON.stringify(MODULE)});`,
    `let written;`,
    before,
    `written = writeBuildSecrets({ pip_index_url: 'https://user:token@index.example/simple/' });`,
    after,
    `console.log('READY ' + written.secrets[0].file);`,
    `setInterval(() => undefined, 1000);`,
  ].join('\n');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: WORKSPACE,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      done({ code, signal });
    }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines: string[] = [];
  const file = await new Promise<string>((ready, fail) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        if (line.startsWith('READY ')) ready(line.slice('READY '.length));
        else lines.push(line);
      }
    });
    void ended.then(({ code, signal }) => fail(new Error(`child ended (${code ?? signal}) before READY:\n${stderr}`)));
  });
  const endedWithin = (ms: number) =>
    Promise.race([
      ended,
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error(`the child had not ended ${ms / 1000} s later`)), ms).unref(),
      ),
    ]);
  return { file, lines, send: (signal) => child.kill(signal), ended: () => endedWithin(10_000) };
}

describe('writeBuildSecrets', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'nx-kubeflow-secrets-spec-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes each secret to a 0600 file in a 0700 folder, and remove() takes the folder and its exit listeners away', () => {
    const listeners = () => ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'].map((event) => process.listenerCount(event));
    const before = listeners();
    const written = writeBuildSecrets({ pip_index_url: 'https://u:t@x/simple/', pip_extra_index_url: '' }, {});
    const file = written.secrets[0].file;
    try {
      expect(written.secrets.map((secret) => secret.id)).toEqual(['pip_index_url']);
      expect(readFileSync(file, 'utf8')).toBe('https://u:t@x/simple/');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
      expect(listeners()).toEqual(before.map((count) => count + 1));
    } finally {
      written.remove();
    }
    expect(existsSync(dirname(file))).toBe(false);
    expect(listeners()).toEqual(before);
  });

  it('writes no folder when there is no secret value', () => {
    const written = writeBuildSecrets({ pip_index_url: undefined, pip_extra_index_url: '' });
    expect(written.secrets).toEqual([]);
    written.remove();
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'removes the secret folder when the process gets %s before remove(), and still ends by that signal',
    async (signal) => {
      const child = await childWithSecret(tmp);
      expect(readFileSync(child.file, 'utf8')).toContain('user:token');
      child.send(signal);
      expect(await child.ended()).toEqual({ code: null, signal });
      expect(existsSync(dirname(child.file))).toBe(false);
      // (swc-node keeps its cache in the same tmp folder)
      expect(readdirSync(tmp).filter((name) => name.startsWith('nx-kubeflow-secrets-'))).toEqual([]);
    },
    20_000,
  );

  it('removes the secret folder on process.exit before remove()', async () => {
    const child = await childWithSecret(tmp, { after: `setTimeout(() => process.exit(3), 200);` });
    expect(await child.ended()).toEqual({ code: 3, signal: null });
    expect(existsSync(dirname(child.file))).toBe(false);
  }, 20_000);

  it('leaves SIGINT to code that handles it, as deploy does (the build goes on and may still read the secret); the folder goes when that code exits', async () => {
    // deploy listens with once() before any build writes a secret.
    const child = await childWithSecret(tmp, {
      before: [
        `process.once('SIGINT', () => {`,
        `  console.log('interrupted; secret still there: ' + existsSync(written.secrets[0].file));`,
        `  setTimeout(() => process.exit(0), 100);`,
        `});`,
      ].join('\n'),
    });
    child.send('SIGINT');
    expect(await child.ended()).toEqual({ code: 0, signal: null });
    expect(child.lines).toEqual(['interrupted; secret still there: true']);
    expect(existsSync(dirname(child.file))).toBe(false);
  }, 20_000);
});
