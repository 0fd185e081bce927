/**
 * Test-only: a real Python package index on 127.0.0.1, pypiserver from PyPI,
 * serving a folder of wheels and sdists. A name it does not hold it redirects
 * to the fallback index (PyPI, or the index this machine's pip already uses),
 * so dynaconf, pytest and setuptools still install, while a name it holds is
 * answered from the folder alone: PyPI is never asked for it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { freePort } from '../../../packages/nx-kubeflow/src/testing/free-port';
import { join } from 'node:path';
import { SOURCE_WORKSPACE } from './workspace-copy';

/** Pinned: the server's behaviour (fallback redirects, log lines) is what the tests read. */
export const PYPISERVER_REQUIREMENT = 'pypiserver==2.4.2';
const TOOL_VENV = join(SOURCE_WORKSPACE, 'tmp/pypiserver-venv');
const STAMP = join(TOOL_VENV, 'nx-kubeflow-requirement.txt');
const LOCK = `${TOOL_VENV}.lock`;
const LOCK_STALE_MS = 10 * 60_000;

export type PypiserverTool = { ok: true; python: string } | { ok: false; reason: string };

/**
 * pypiserver in a venv under tmp/, made once per requirement (a stamp file
 * says which). Synchronous, so a suite can ask before it declares its tests
 * and skip, or fail under NX_KUBEFLOW_REQUIRE_ALL, when PyPI is out of reach.
 */
export function pypiserverTool(): PypiserverTool {
  const python = join(TOOL_VENV, 'bin/python');
  const ready = () => existsSync(python) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === PYPISERVER_REQUIREMENT;
  if (ready()) return { ok: true, python };
  mkdirSync(join(SOURCE_WORKSPACE, 'tmp'), { recursive: true });
  takeLock();
  try {
    if (ready()) return { ok: true, python };
    const venv = spawnSync(process.env['PYTHON'] ?? 'python3', ['-m', 'venv', '--clear', TOOL_VENV], { encoding: 'utf8', timeout: 120_000 });
    if (venv.status !== 0) return { ok: false, reason: `python3 -m venv ${TOOL_VENV} failed: ${venv.stderr || venv.error}` };
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', PYPISERVER_REQUIREMENT], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (pip.status !== 0) {
      return { ok: false, reason: `pip install ${PYPISERVER_REQUIREMENT} failed (PyPI unreachable?): ${(pip.stderr || String(pip.error)).slice(-500)}` };
    }
    writeFileSync(STAMP, PYPISERVER_REQUIREMENT);
    return { ok: true, python };
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Jest may run two suites that want the server at once: the first makes the venv, the other waits. */
function takeLock(): void {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      const heldFor = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (heldFor > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
}

export interface LocalPackageIndex {
  /** The simple index, for PIP_INDEX_URL: http://127.0.0.1:<port>/simple/ */
  url: string;
  /** Where names the folder lacks are redirected. */
  fallbackUrl: string;
  /**
   * Files served from the folder so far (GET /packages/<file> answered 200), in
   * order, once the server's log has gone quiet: it logs a request after
   * answering it, and a test that waited on a child synchronously has not read
   * the log since.
   */
  downloads(): Promise<string[]>;
  /** Everything the server logged, for a failing test's message. */
  log(): string;
  close(): Promise<void>;
}

/**
 * Starts pypiserver on a free port of 127.0.0.1 serving `packagesDir`, and
 * resolves once it answers its health endpoint.
 */
export async function startLocalPackageIndex(python: string, packagesDir: string, fallbackUrl = defaultFallbackUrl()): Promise<LocalPackageIndex> {
  const port = await freePort();
  const child = spawn(
    python,
    ['-m', 'pypiserver', 'run', '--host', '127.0.0.1', '--port', String(port), '--fallback-url', fallbackUrl, '--hash-algo', 'sha256', '-v', packagesDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const base = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(child, `${base}/health`, () => output);
  return {
    url: `${base}/simple/`,
    fallbackUrl,
    downloads: async () => {
      await quiet(() => output.length);
      return [...output.matchAll(/"GET \/packages\/([^ ?#"]+) HTTP\/[\d.]+" 200 /g)].map((match) => decodeURIComponent(match[1]));
    },
    log: () => output,
    close: () => stop(child),
  };
}

/**
 * The index this machine's pip uses when one is set (a CI mirror), else PyPI:
 * the fallback must be an index pip here can reach.
 */
function defaultFallbackUrl(): string {
  const configured = process.env['PIP_INDEX_URL'];
  return configured ? (configured.endsWith('/') ? configured : `${configured}/`) : 'https://pypi.org/simple/';
}

/** Resolves once `size` has not grown for 300 ms. */
async function quiet(size: () => number): Promise<void> {
  for (let last = -1; size() !== last; ) {
    last = size();
    await new Promise((resolveWait) => setTimeout(resolveWait, 300));
  }
}


async function waitUntilHealthy(child: ChildProcess, healthUrl: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pypiserver exited with ${child.exitCode} before it answered:\n${output()}`);
    try {
      const response = await fetch(healthUrl);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  await stop(child);
  throw new Error(`pypiserver did not answer ${healthUrl} within 60s:\n${output()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
  });
}
