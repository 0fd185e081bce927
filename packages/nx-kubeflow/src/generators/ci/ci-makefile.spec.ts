/**
 * The generated Makefile run by GNU make: `make -n` shows each target is the
 * nx command it claims (and that a broken Makefile is rejected, so the check
 * bites), ENV and PIPELINE are checked, nx-kubeflow.mk works when a team's
 * Makefile includes it, and in a real copy of this workspace `make help`
 * lists the targets and `make test` runs every Python project's pytest
 * through nx.
 */
import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { requireOrSkip } from '../../testing/suite-requirements';
import { WORKSPACE_ROOT } from './__fixtures__/ci-linters';
import { ciGenerator } from './ci.impl';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  roots.push(root);
  return root;
}

async function quietly(run: () => Promise<unknown>): Promise<void> {
  const spies = (['info', 'warn', 'log'] as const).map((method) => jest.spyOn(console, method).mockImplementation(() => undefined));
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The generator's files for a workspace with one pipeline declaring development and production, on disk. */
async function generatedWorkspace(prepare: (tree: Tree) => void = () => undefined): Promise<string> {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('package-lock.json', '{"lockfileVersion": 3}\n');
  tree.write('pipelines/training/pipeline.yaml', 'name: training\ntasks: {}\n');
  tree.write('pipelines/training/config/settings.toml', '[default]\nkfp.host = "local"\n[development]\ndeploy.run = true\n[production]\nimage.registry = "ghcr.io/acme/ml"\n');
  prepare(tree);
  await quietly(() => ciGenerator(tree, { provider: 'github' }));
  const root = tempRoot('nx-kubeflow-ci-make-');
  flushChanges(root, tree.listChanges());
  return root;
}

function make(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const environ = { ...process.env, ...env };
  if (!('ENV' in env)) delete environ['ENV'];
  const result = spawnSync('make', ['--no-print-directory', ...args], { cwd, encoding: 'utf8', env: environ, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const makeVersion = spawnSync('make', ['--version'], { encoding: 'utf8' });
const makeMissing = makeVersion.status === 0 ? undefined : 'make is not installed (Debian: apt-get install -y make)';

describe('the generated Makefile under make -n', () => {
  it('has make on this machine', () => {
    // Not an outside service: a missing make is a broken machine, not a reason to skip.
    expect(makeMissing).toBeUndefined();
  });

  it('wraps one nx command per target', async () => {
    const root = await generatedWorkspace();
    const dryRun = (...args: string[]) => {
      const result = make(root, ['-n', ...args]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return result.stdout.trim();
    };
    expect(dryRun('install')).toBe('npm ci');
    expect(dryRun('lint')).toBe('npx nx run-many -t lint');
    expect(dryRun('test')).toBe('npx nx run-many -t test');
    expect(dryRun('test', 'ARGS=--projects=trainer')).toBe('npx nx run-many -t test --projects=trainer');
    expect(dryRun('affected')).toBe('npx nx affected -t lint test');
    expect(dryRun('images')).toBe('npx nx run-many -t docker-build');
    expect(dryRun('images', 'ENV=production')).toBe('npx nx run-many -t docker-build -c production');
    expect(dryRun('deploy', 'ENV=production')).toBe('npx nx run-many -t deploy -c production');
    expect(dryRun('run', 'PIPELINE=training')).toBe('npx nx run training:run');
    expect(dryRun('run', 'PIPELINE=training', 'ENV=production')).toBe('npx nx run training:run -c production');
    expect(dryRun('test', 'NX=./node_modules/.bin/nx')).toBe('./node_modules/.bin/nx run-many -t test');
  });

  it('asks for ENV on deploy and PIPELINE on run, and ignores an ENV from the shell', async () => {
    const root = await generatedWorkspace();
    const deploy = make(root, ['-n', 'deploy']);
    expect(deploy.status).toBe(2);
    expect(deploy.stderr).toContain('ENV is not set: make deploy ENV=<environment>, one of: development, production.  Stop.');
    expect(deploy.stdout).toBe('');
    const fromShell = make(root, ['-n', 'deploy'], { ENV: '/root/.shrc' });
    expect(fromShell.status).toBe(2);
    expect(fromShell.stderr).toContain('ENV is not set');
    expect(make(root, ['-n', 'images'], { ENV: '/root/.shrc' }).stdout.trim()).toBe('npx nx run-many -t docker-build');
    const run = make(root, ['-n', 'run']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PIPELINE is not set: make run PIPELINE=<pipeline>; npx nx show projects --with-target run lists them.  Stop.');
  });

  it('lists every target with what it does (make help, and make alone)', async () => {
    const root = await generatedWorkspace();
    const help = make(root, ['help']);
    expect(help.status).toBe(0);
    const listed = help.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/)[1]);
    expect(listed).toEqual(['help', 'install', 'lint', 'test', 'affected', 'images', 'deploy', 'run']);
    expect(help.stdout).toContain('  make deploy     Every pipeline to ENV (make deploy ENV=production); an unchanged one publishes nothing');
    expect(make(root, []).stdout).toBe(help.stdout);
  });

  it("works included from a team's own Makefile, whose default goal stays theirs", async () => {
    const root = await generatedWorkspace((tree) => tree.write('Makefile', 'build:\n\techo building\n'));
    expect(existsSync(join(root, 'nx-kubeflow.mk'))).toBe(true);
    writeFileSync(join(root, 'Makefile'), 'build: ## Their own build\n\techo building\n\ninclude nx-kubeflow.mk\n');
    expect(make(root, ['-n']).stdout.trim()).toBe('echo building');
    expect(make(root, ['-n', 'test']).stdout.trim()).toBe('npx nx run-many -t test');
    const help = make(root, ['help']).stdout;
    expect(help).toContain('make build      Their own build');
    expect(help).toContain('make affected   What CI runs');
  });

  it('rejects a broken Makefile (the check bites): a recipe indented with spaces', async () => {
    const root = await generatedWorkspace();
    const file = join(root, 'Makefile');
    writeFileSync(file, readFileSync(file, 'utf8').replace('\t$(NX) run-many -t test', '        $(NX) run-many -t test'));
    const result = make(root, ['-n', 'test']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Makefile:\d+: \*\*\* missing separator/);
  });
});

/** PyPI answers (the copy's venvs install dynaconf and pytest from it). */
function pypiMissing(): string | undefined {
  const probe = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--quiet', '--dest', join(tmpdir(), 'nx-kubeflow-ci-pypi-probe'), 'dynaconf'], { encoding: 'utf8', timeout: 60_000 });
  return probe.status === 0 ? undefined : `PyPI is unreachable (pip download dynaconf: ${(probe.stderr || String(probe.error)).trim().slice(-300)})`;
}

const pypiReady = requireOrSkip('make help and make test in a real workspace', 'pypi', pypiMissing());

(pypiReady ? describe : describe.skip)('make help and make test in a real workspace', () => {
  /**
   * This repository as committed (git archive HEAD), node_modules linked,
   * without tools/ (the e2e suites) and with the plugin's own jest target
   * taken out, so `make test` is every Python project's pytest.
   */
  function workspaceCopy(): string {
    const root = tempRoot('nx-kubeflow-ci-make-ws-');
    execSync(`git archive HEAD | tar -x -C ${JSON.stringify(root)}`, { cwd: WORKSPACE_ROOT });
    rmSync(join(root, 'tools'), { recursive: true, force: true });
    const projectFile = join(root, 'packages/nx-kubeflow/project.json');
    const project = JSON.parse(readFileSync(projectFile, 'utf8'));
    delete project.targets.test;
    writeFileSync(projectFile, JSON.stringify(project, null, 2));
    symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    // npm puts the plugin's own versions (yaml 2 where the root has yaml 1) under packages/nx-kubeflow/node_modules,
    // and the venv and test targets run the plugin's command from the copy's packages/nx-kubeflow
    for (const name of readdirSync(join(WORKSPACE_ROOT, 'packages'))) {
      const modules = join('packages', name, 'node_modules');
      if (existsSync(join(WORKSPACE_ROOT, modules))) symlinkSync(join(WORKSPACE_ROOT, modules), join(root, modules), 'dir');
    }
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    execFileSync('git', ['add', '-A'], { cwd: root });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'base'], { cwd: root });
    return root;
  }

  // One project, so one venv: e2e new-workspace runs a whole `make test` in the workspaces users get.
  it('lists the targets and runs a project\'s tests through nx, ARGS passed on', async () => {
    const root = workspaceCopy();
    const tree = new FsTree(root, false);
    await quietly(() => ciGenerator(tree, { provider: 'github' }));
    flushChanges(root, tree.listChanges());

    const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
    const help = make(root, ['help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('make test');

    const test = make(root, ['test', 'ARGS=--projects=data-loader --outputStyle=static'], env);
    const output = `${test.stdout}\n${test.stderr}`;
    expect(`${test.status}\n${output.slice(-3000)}`).toMatch(/^0\n/);
    expect(test.stdout.split('\n')[0]).toBe('npx nx run-many -t test --projects=data-loader --outputStyle=static');
    expect(output).toMatch(/Successfully ran target test for project data-loader/);
    expect(existsSync(join(root, 'dist/test-results/data-loader/junit.xml'))).toBe(true);
    expect(existsSync(join(root, 'dist/test-results/trainer/junit.xml'))).toBe(false);
  }, 600_000);
});
