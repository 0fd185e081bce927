import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeEnginesSync } from '../../../packages/nx-kubeflow/src/images/integration/engine-probe';
import { requireOrSkip } from '../../../packages/nx-kubeflow/src/testing/suite-requirements';
import { PLUGIN_PACKAGE, SOURCE_WORKSPACE, startLocalRegistry, userEnvironment, type LocalRegistry } from './local-registry';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 13, tested the way Nx tests its plugins: the built plugin is
 * published to a local registry (verdaccio on 127.0.0.1, everything else
 * proxied from npm's registry), and a user with nothing from this repository
 * on the path starts from an empty folder:
 *   - `npx create-nx-workspace --preset=nx-kubeflow`;
 *   - a workspace made with another preset (npm), then `npx nx add nx-kubeflow`.
 * In each: two components and a pipeline, a commit, one component changed and
 * `nx affected -t test` running that one only, the pipeline deployed to the
 * local backend, an image built (where an engine is), and `make test`.
 * One registry and one npm cache serve both cases.
 */
const NX_VERSION = '22.7.9';
const BASE_IMAGE = process.env.NX_KUBEFLOW_TEST_BASE_IMAGE ?? 'localhost/python-base:bookworm';
const KEEP = process.env.NX_KUBEFLOW_E2E_KEEP === '1';

const ENGINE_PROBE = probeEnginesSync(['docker', 'buildah']);
const ENGINE = Object.keys(ENGINE_PROBE).find((name) => ENGINE_PROBE[name] === undefined);
const ENGINE_MISSING = ENGINE ? undefined : Object.entries(ENGINE_PROBE).map(([name, why]) => `${name}: ${why}`).join('; ');

/** Seconds each step took, printed at the end (the suite's CI time). */
const timings: Array<[string, number]> = [];

let registry: LocalRegistry;
let publishedVersion: string;
const scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-new-workspace-'));

beforeAll(async () => {
  const started = Date.now();
  // NX_KUBEFLOW_E2E_PACKAGE: an already built package folder to publish (to try a build by hand); else a fresh build of this checkout.
  const source = process.env.NX_KUBEFLOW_E2E_PACKAGE ? undefined : new WorkspaceCopy();
  try {
    let dist = process.env.NX_KUBEFLOW_E2E_PACKAGE ?? '';
    if (source) {
      const built = source.nx('run', 'nx-kubeflow:build', '--outputStyle=static');
      if (built.status !== 0) throw new Error(`nx run nx-kubeflow:build failed:\n${built.output}`);
      dist = join(source.root, 'dist/packages/nx-kubeflow');
    }
    publishedVersion = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8')).version;
    registry = await startLocalRegistry({ keep: KEEP });
    registry.publish(dist);
  } finally {
    source?.remove();
  }
  timings.push(['build the plugin, start verdaccio, publish', (Date.now() - started) / 1000]);
}, 600_000);

afterAll(async () => {
  await registry?.stop();
  if (!KEEP) rmSync(scratch, { recursive: true, force: true });
  const total = timings.reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(
    [`new-workspace e2e: ${total.toFixed(0)} s in all`, ...timings.map(([step, seconds]) => `  ${seconds.toFixed(1).padStart(6)} s  ${step}`)].join('\n'),
  );
});

interface Result {
  status: number | null;
  output: string;
}

/** A user's workspace in a temp folder, driven with npx in a clean environment. */
class UserWorkspace {
  constructor(
    readonly label: string,
    readonly root: string,
  ) {}

  /** Runs a command as the user would type it; never throws. Output goes to a log beside the workspace. */
  run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string>; step?: string } = {}): Result {
    const started = Date.now();
    const result = spawnSync(command, args, {
      cwd: options.cwd ?? this.root,
      env: userEnvironment(registry, options.env),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 540_000,
    });
    const seconds = (Date.now() - started) / 1000;
    timings.push([`${this.label}: ${options.step ?? [command, ...args].join(' ')}`, seconds]);
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${String(result.error)}` : ''}`;
    appendFileSync(join(scratch, `${this.label.replace(/\W+/g, '-')}.log`), `$ ${command} ${args.join(' ')}  (${seconds.toFixed(1)} s, exit ${result.status})\n${output}\n`);
    return { status: result.status, output };
  }

  /** run() that fails the test with the command's output when it fails. */
  ok(command: string, args: string[], options: { cwd?: string; env?: Record<string, string>; step?: string } = {}): string {
    const result = this.run(command, args, options);
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}) in ${options.cwd ?? this.root}:\n${result.output.slice(-8000)}`);
    }
    return result.output;
  }

  nx(args: string[], options: { env?: Record<string, string>; step?: string } = {}): string {
    return this.ok('npx', ['nx', ...args], { ...options, step: options.step ?? `nx ${args.join(' ')}` });
  }

  read(file: string): string {
    return readFileSync(join(this.root, file), 'utf8');
  }

  commit(message: string): void {
    this.ok('git', ['add', '-A'], { step: 'git add' });
    this.ok('git', ['commit', '-qm', message], { step: 'git commit' });
  }
}

/** create-nx-workspace's common flags: no prompts, no Nx Cloud, npm, no push to GitHub (git init and the first commit stay). */
const CREATE_FLAGS = ['--nxCloud=skip', '--interactive=false', '--packageManager=npm', '--skipGitHubPush', '--analytics=false'];

const CASES: Array<{ label: string; name: string; create: (folder: string, workspace: UserWorkspace) => void; upgrade?: boolean }> = [
  {
    label: 'create-nx-workspace --preset=nx-kubeflow',
    name: 'acme-ml',
    create: (folder, workspace) => {
      workspace.ok('npx', ['-y', `create-nx-workspace@${NX_VERSION}`, 'acme-ml', '--preset=nx-kubeflow', ...CREATE_FLAGS], {
        cwd: folder,
        step: 'create-nx-workspace --preset=nx-kubeflow',
      });
    },
  },
  {
    label: 'nx add nx-kubeflow (preset npm)',
    name: 'plain-ml',
    create: (folder, workspace) => {
      workspace.ok('npx', ['-y', `create-nx-workspace@${NX_VERSION}`, 'plain-ml', '--preset=npm', ...CREATE_FLAGS], {
        cwd: folder,
        step: 'create-nx-workspace --preset=npm',
      });
      const added = workspace.nx(['add', PLUGIN_PACKAGE]);
      expect(added).toContain('CREATE packages/component-runtime/pyproject.toml');
      // init writes no CI of its own: the team asks for it (the preset does it for a new workspace).
      workspace.nx(['g', `${PLUGIN_PACKAGE}:ci`, '--provider', 'gitlab', '--no-interactive']);
      workspace.commit('nx add nx-kubeflow, CI');
    },
    upgrade: true,
  },
];

describe.each(CASES)('a new user: $label', ({ label, name, create, upgrade }) => {
  const workspace = new UserWorkspace(label, join(mkdtempSync(join(scratch, 'case-')), name));
  const folder = join(workspace.root, '..');
  let before: string[] = [];
  /** The steps build on each other: once one fails, the rest say so instead of running in a half-made workspace. */
  let failedStep: string | undefined;
  const step = (title: string, body: () => void, runIt: typeof it = it) =>
    runIt(title, () => {
      if (failedStep) throw new Error(`not run: an earlier step failed ("${failedStep}")`);
      try {
        body();
      } catch (error) {
        failedStep = title;
        throw error;
      }
    });

  step('makes the workspace with the plugin installed from the local registry, with nothing from this repository on the path', () => {
    const env = userEnvironment(registry);
    expect(env.NODE_PATH).toBeUndefined();
    expect((env.PATH ?? '').split(':').filter((entry) => entry.startsWith(SOURCE_WORKSPACE))).toEqual([]);
    expect(folder.startsWith(SOURCE_WORKSPACE)).toBe(false);

    create(folder, workspace);

    const installed = join(workspace.root, 'node_modules', PLUGIN_PACKAGE);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(publishedVersion);
    const lock = JSON.parse(workspace.read('package-lock.json'));
    expect(lock.packages[`node_modules/${PLUGIN_PACKAGE}`].resolved).toContain(registry.url);

    const nxJson = JSON.parse(workspace.read('nx.json'));
    const entries = (nxJson.plugins ?? []).map((entry: string | { plugin: string }) => (typeof entry === 'string' ? entry : entry.plugin));
    expect(entries).toContain(PLUGIN_PACKAGE);
    expect(existsSync(join(workspace.root, 'packages/component-runtime/pyproject.toml'))).toBe(true);
    expect(workspace.read('.gitignore')).toMatch(/settings\.local\.toml/);
    expect(existsSync(join(workspace.root, 'Makefile'))).toBe(true);
    expect(workspace.ok('git', ['status', '--porcelain'], { step: 'git status' }).trim()).toBe('');
    before = workspace.nx(['show', 'projects']).split('\n').map((line) => line.trim()).filter(Boolean);
    expect(before).toContain('component-runtime');
  });

  step('generates two components and a pipeline wiring them, and commits them', () => {
    workspace.nx(['g', `${PLUGIN_PACKAGE}:component`, 'featurize', '--outputs', 'table:Dataset', '--no-interactive']);
    workspace.nx(['g', `${PLUGIN_PACKAGE}:component`, 'scorer', '--inputs', 'table:Dataset', '--outputs', 'score:Float', '--no-interactive']);
    workspace.nx(['g', `${PLUGIN_PACKAGE}:pipeline`, 'scoring', '--components', 'featurize,scorer', '--no-interactive']);
    const projects = workspace.nx(['show', 'projects']).split('\n').map((line) => line.trim()).filter(Boolean);
    expect(projects.sort()).toEqual([...before, 'featurize', 'scorer', 'scoring'].sort());
    workspace.commit('two components and a pipeline');
  });

  step('after a change to one component, nx affected -t test runs that component only', () => {
    appendFileSync(join(workspace.root, 'components/featurize/src/lib/featurize.py'), '\n# a change\n');
    const output = workspace.nx(['affected', '-t', 'test', '--outputStyle=static']);
    expect(output).toContain('Successfully ran target test for project featurize');
    expect(output).not.toMatch(/^\[scorer\]/m);
    expect(existsSync(join(workspace.root, 'dist/test-results/featurize/junit.xml'))).toBe(true);
    expect(existsSync(join(workspace.root, 'dist/test-results/scorer'))).toBe(false);
  });

  step('deploys the pipeline to the local backend, which runs it', () => {
    const output = workspace.nx(['run', 'scoring:deploy', '--outputStyle=static']);
    expect(output).toMatch(/run \S+: SUCCEEDED/);
    const runs = readdirSync(join(workspace.root, 'dist/runs/scoring'));
    expect(runs).toHaveLength(1);
    const record = JSON.parse(workspace.read(`dist/runs/scoring/${runs[0]}/run.json`));
    expect(record.state).toBe('SUCCEEDED');
  });

  if (upgrade) {
    step('nx migrate from 0.1.0 finds the package\'s migrations in the registry and renames parallel in project.json', () => {
      writeFileSync(
        join(workspace.root, 'pipelines/scoring/project.json'),
        JSON.stringify({ name: 'scoring', targets: { deploy: { options: { parallel: 1 } } } }, null, 2) + '\n',
      );
      workspace.commit('scoring: one task at a time, as 0.1.0 spelled it');
      // The workspace's nx runs it (the version the plugin supports), not nx@latest fetched first.
      const env = { NX_MIGRATE_USE_LOCAL: 'true' };
      const planned = workspace.nx(['migrate', `${PLUGIN_PACKAGE}@${publishedVersion}`, `--from=${PLUGIN_PACKAGE}@0.1.0`], { env });
      expect(planned).toContain('migrations.json');
      const migrations = JSON.parse(workspace.read('migrations.json')).migrations;
      // every migration above 0.1.0 (nx migrate runs them in version order): 0.3.0's finds the deploy target's options already in their 0.3.0 form
      expect(migrations).toEqual([
        expect.objectContaining({ package: PLUGIN_PACKAGE, name: 'rename-parallel-to-max-parallel-tasks', version: '0.2.0' }),
        expect.objectContaining({ package: PLUGIN_PACKAGE, name: 'move-options-to-inferred-command-targets', version: '0.3.0' }),
      ]);
      workspace.nx(['migrate', '--run-migrations'], { env });
      expect(JSON.parse(workspace.read('pipelines/scoring/project.json')).targets.deploy.options).toEqual({ maxParallelTasks: 1 });
      const project = JSON.parse(workspace.nx(['show', 'project', 'scoring', '--json']));
      expect(project.targets.deploy.options.maxParallelTasks).toBe(1);
      rmSync(join(workspace.root, 'migrations.json'));
      workspace.commit('nx migrate');
    });
  }

  const canBuildImages = requireOrSkip(`docker-build in a workspace made by ${label}`, 'engines', ENGINE_MISSING);
  step(
    `builds a component's image with ${ENGINE ?? 'an engine'}`,
    () => {
      const output = workspace.nx(['run', 'featurize:docker-build', '--engine', ENGINE!, '--outputStyle=static'], {
        env: { DYNACONF_IMAGE__BASE: BASE_IMAGE },
      });
      const image = JSON.parse(workspace.read('dist/components/featurize/image.json'));
      try {
        expect(output).toContain('Successfully ran target docker-build for project featurize');
        expect(image.reference).toMatch(/^localhost\/featurize:/);
        const inspect = ENGINE === 'buildah' ? ['inspect', '--type', 'image', image.reference] : ['image', 'inspect', image.reference];
        expect(spawnSync(ENGINE!, inspect, { stdio: 'ignore' }).status).toBe(0);
      } finally {
        spawnSync(ENGINE!, ['rmi', '-f', image.reference], { stdio: 'ignore' });
      }
    },
    canBuildImages ? it : it.skip,
  );

  step("make test runs every project's tests", () => {
    const output = workspace.ok('make', ['test', 'ARGS=--outputStyle=static'], { step: 'make test' });
    expect(output).toMatch(/Successfully ran target test for \d+ projects/);
    for (const project of ['featurize', 'scorer', 'component-runtime']) {
      expect([project, existsSync(join(workspace.root, `dist/test-results/${project}/junit.xml`))]).toEqual([project, true]);
    }
  });
});
