// Throwaway copies of this workspace for the benchmarks. Generated trees never
// live inside the repo: they go under $BENCH_TMP (default: the OS temp folder).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What a workspace needs to load the plugin from source and run its targets. */
const MINIMAL_PATHS = [
  '.gitignore',
  'package.json',
  'nx.json',
  'tsconfig.base.json',
  'packages/nx-kubeflow',
  'packages/component-runtime',
];

/** Env for every nx call: no daemon unless asked, no cloud, plain output. */
export const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

export function makeTempDir(prefix) {
  const base = process.env.BENCH_TMP ?? tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `nx-kubeflow-bench-${prefix}-`));
}

/**
 * Copies the minimal workspace into `root`: the files git would clone (so no
 * .venv, egg-info or dist), from the working tree as it is now.
 */
export function copyMinimalWorkspace(root) {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', ...MINIMAL_PATHS], {
    cwd: SOURCE_WORKSPACE,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    try {
      cpSync(join(SOURCE_WORKSPACE, file), join(root, file));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error; // deleted in the working tree: git would not clone it either
    }
  }
  linkNodeModules(root);
  // A git repo, so that Nx's file walker and pip see .gitignore (.venv, __pycache__) as in a real clone.
  execFileSync('git', ['init', '-q'], { cwd: root });
}

/**
 * node_modules is linked, not installed. It is a folder of links rather than
 * one link to /work/main/node_modules because that one holds
 * `nx-kubeflow -> ../packages/nx-kubeflow` (npm workspaces), which would
 * resolve to the repo's plugin instead of the copy under test.
 */
function linkNodeModules(root) {
  const source = join(SOURCE_WORKSPACE, 'node_modules');
  const target = join(root, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(source)) {
    if (entry === 'nx-kubeflow') continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
  symlinkSync('../packages/nx-kubeflow', join(target, 'nx-kubeflow'), 'dir');
  // The plugin's own dependencies (smol-toml, yaml) are not hoisted.
  symlinkSync(
    join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules'),
    join(root, 'packages/nx-kubeflow/node_modules'),
    'dir',
  );
}

/** Which plugin the figures belong to: HEAD, and whether the copied paths had uncommitted changes. */
export function sourceRevision() {
  const git = (...args) => execFileSync('git', args, { cwd: SOURCE_WORKSPACE, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', ...MINIMAL_PATHS) !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in the copied paths' : ''}`;
}

/** Path of the workspace's nx binary inside `root` (what `npx nx` ends up running). */
export const nxBin = (root) => join(root, 'node_modules/.bin/nx');

/**
 * Runs nx in `root` and returns its exit status and output. Output goes to
 * files, not pipes: Nx can exit before a pipe drains, and `nx show projects`
 * in the 1,000-component tree then returned a few hundred of its 1,002 lines
 * (writes to files are synchronous, so nothing is lost).
 */
export function runNx(root, args, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nx-output-'));
  const [out, err] = ['stdout', 'stderr'].map((name) => join(dir, name));
  const [outFd, errFd] = [out, err].map((file) => openSync(file, 'w'));
  const { status } = spawnSync(nxBin(root), args, {
    cwd: root,
    env: { ...process.env, ...NX_ENV, ...env },
    stdio: ['ignore', outFd, errFd],
  });
  [outFd, errFd].forEach((fd) => closeSync(fd));
  const [stdout, stderr] = [out, err].map((file) => readFileSync(file, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { status, stdout, stderr };
}

/** runNx that returns stdout and throws with the output when nx fails. */
export function nx(root, args, env = {}) {
  const { status, stdout, stderr } = runNx(root, args, env);
  if (status !== 0) throw new Error(`nx ${args.join(' ')} failed in ${root} (exit ${status}):\n${stdout}\n${stderr}`);
  return stdout;
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function removeUnlessKept(root) {
  if (process.env.BENCH_KEEP === '1') {
    console.log(`kept ${root}`);
    return;
  }
  rmSync(root, { recursive: true, force: true });
}

/**
 * Builds the plugin with tsc (nx run nx-kubeflow:build) and returns dist/packages/nx-kubeflow.
 * The built package resolves its dependencies as an installed one would: it gets the
 * plugin's own node_modules (yaml 2), not the workspace root's hoisted yaml 1.
 */
export function buildPlugin() {
  console.log('Building the plugin (nx run nx-kubeflow:build)...');
  const built = spawnSync('npx', ['nx', 'run', 'nx-kubeflow:build', '--outputStyle=static'], {
    cwd: SOURCE_WORKSPACE,
    env: { ...process.env, ...NX_ENV },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
  const dist = join(SOURCE_WORKSPACE, 'dist/packages/nx-kubeflow');
  const modules = join(dist, 'node_modules');
  if (!existsSync(modules)) symlinkSync(join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules'), modules, 'dir');
  return dist;
}
