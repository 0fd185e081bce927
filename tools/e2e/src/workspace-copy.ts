import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const SOURCE_WORKSPACE = resolve(__dirname, '../../..');

/**
 * A fresh copy of this workspace: the files git would clone (tracked and
 * not-ignored), so no .venv, dist or settings.local.toml, committed once so
 * that `nx affected` has a base. node_modules is linked, not installed.
 */
export class WorkspaceCopy {
  readonly root: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-e2e-'));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: SOURCE_WORKSPACE,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      const from = join(SOURCE_WORKSPACE, file);
      const to = join(this.root, file);
      mkdirSync(dirname(to), { recursive: true });
      try {
        cpSync(from, to);
      } catch (error) {
        // A file deleted in the working tree but still tracked: git would not clone it either.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    // npm ci puts a package's own versions under packages/<p>/node_modules when the root has
    // another (the plugin's yaml 2 beside a hoisted yaml 1): link those too.
    for (const modules of ['node_modules', ...workspacePackageModules()]) {
      symlinkSync(join(SOURCE_WORKSPACE, modules), join(this.root, modules), 'dir');
    }
    this.git('init', '-q', '-b', 'main');
    this.git('add', '-A');
    this.git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'base');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' });
  }

  /** Runs the workspace's nx with the daemon off, as CI does; never throws. */
  nx(...args: string[]): SpawnSyncReturns<string> & { output: string } {
    const result = spawnSync(join(this.root, 'node_modules/.bin/nx'), args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return Object.assign(result, { output: `${result.stdout}\n${result.stderr}` });
  }

  /**
   * As nx(), without blocking this process: for commands that talk to a
   * server the test itself runs (the KFP test server).
   */
  nxAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; output: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(join(this.root, 'node_modules/.bin/nx'), args, {
        cwd: this.root,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (status) => resolvePromise({ status, output }));
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function workspacePackageModules(): string[] {
  return readdirSync(join(SOURCE_WORKSPACE, 'packages'))
    .map((name) => join('packages', name, 'node_modules'))
    .filter((modules) => existsSync(join(SOURCE_WORKSPACE, modules)));
}
