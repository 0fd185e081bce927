import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOrSkip } from '../../../packages/nx-kubeflow/src/testing/suite-requirements';
import { WorkspaceCopy } from './workspace-copy';

/**
 * Issue 13's Nx conventions through the real nx CLI in a copy of this
 * workspace: `nx list nx-kubeflow`; the component READMEs kept in sync with
 * component.yaml by `nx sync` / `nx sync:check`; the inferred lint target
 * with a real ruff; and the graph under renamed targets and moved folders.
 */
describe('nx list nx-kubeflow', () => {
  let workspace: WorkspaceCopy;
  beforeAll(() => (workspace = new WorkspaceCopy()));
  afterAll(() => workspace?.remove());

  it('lists every generator and executor of generators.json and executors.json, each with its description', () => {
    const listed = workspace.nx('list', 'nx-kubeflow');
    expect(listed.status).toBe(0);
    const plugin = join(workspace.root, 'packages/nx-kubeflow');
    type Entry = { description: string; factory?: string; implementation?: string; schema: string };
    const generators = JSON.parse(readFileSync(join(plugin, 'generators.json'), 'utf8')).generators as Record<string, Entry>;
    const executors = JSON.parse(readFileSync(join(plugin, 'executors.json'), 'utf8')).executors as Record<string, Entry>;
    const [generatorPart, executorPart] = listed.stdout.split(/^EXECUTORS.*$/m);
    const described = (part: string, name: string, description: string) =>
      new RegExp(`^\\s*${name}\\s*:\\s*${description.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm').test(part);
    const missing = [
      ...Object.entries(generators).filter(([name, { description }]) => !description || !described(generatorPart, name, description)).map(([name]) => `generator ${name}`),
      ...Object.entries(executors).filter(([name, { description }]) => !description || !described(executorPart ?? '', name, description)).map(([name]) => `executor ${name}`),
    ];
    expect({ missing, output: missing.length ? listed.stdout : '' }).toEqual({ missing: [], output: '' });
    expect(Object.keys(executors)).toEqual(expect.arrayContaining(['test', 'lint', 'settings', 'compile', 'docker-build', 'deploy', 'run']));
    // each one listed is there to run: its implementation and its schema exist
    const entries = [
      ...Object.entries(generators).map(([name, entry]) => [`generator ${name}`, entry.factory ?? '(no factory)', entry.schema]),
      ...Object.entries(executors).map(([name, entry]) => [`executor ${name}`, entry.implementation ?? '(no implementation)', entry.schema]),
    ];
    const absent = entries.flatMap(([what, code, schema]) => [
      ...(['.ts', '.js'].some((extension) => existsSync(join(plugin, `${code}${extension}`))) ? [] : [`${what}: ${code}`]),
      ...(existsSync(join(plugin, schema)) ? [] : [`${what}: ${schema}`]),
    ]);
    expect(absent).toEqual([]);
    expect(Object.keys(generators)).toEqual(expect.arrayContaining(['component', 'pipeline', 'component-readme']));
  });
});

describe('component READMEs in sync with component.yaml (nx sync, nx sync:check)', () => {
  let workspace: WorkspaceCopy;
  const readme = () => readFileSync(join(workspace.root, 'components/trainer/README.md'), 'utf8');
  const componentFile = () => join(workspace.root, 'components/trainer/component.yaml');

  beforeAll(() => (workspace = new WorkspaceCopy()));
  afterAll(() => workspace?.remove());

  it('the committed READMEs are in sync', () => {
    const check = workspace.nx('sync:check');
    expect(check.status === 0 ? '' : check.output).toBe('');
    expect(readme()).toContain('| input | `learning_rate` | Float (parameter) | `0.05` |');
  });

  it('sync:check fails on a README that component.yaml no longer matches, naming it; nx sync rewrites its block', () => {
    const before = readme();
    writeFileSync(
      componentFile(),
      replaceOnce(readFileSync(componentFile(), 'utf8'), "- {name: learning_rate, type: Float, default: '0.05', description: 'step size of gradient descent, > 0'}", "- {name: learning_rate, type: Float, default: '0.1', description: 'step size'}"),
    );
    const stale = workspace.nx('sync:check');
    expect(stale.status).not.toBe(0);
    expect(stale.output).toContain('The workspace is out of sync');
    expect(stale.output).toContain('A component README has an interface table that does not match its component.yaml');
    expect(stale.output).toContain('components/trainer/README.md');
    expect(readme()).toBe(before);

    // outside CI, running the lint target (the sync generator's) with a stale README stops before ruff (Nx asks in a terminal)
    const test = spawnSync(join(workspace.root, 'node_modules/.bin/nx'), ['run', 'trainer:lint', '--outputStyle=static'], {
      cwd: workspace.root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'false', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
    });
    expect(test.status).not.toBe(0);
    expect(`${test.stdout}${test.stderr}`).toContain('The workspace is out of sync');
    expect(`${test.stdout}${test.stderr}`).not.toMatch(/passed/);

    const sync = workspace.nx('sync');
    expect(sync.status === 0 ? '' : sync.output).toBe('');
    expect(readme()).toContain('| input | `learning_rate` | Float (parameter) | `0.1` | step size |');
    expect(readme().replace(/\n<!-- nx-kubeflow:interface:start -->[^]*<!-- nx-kubeflow:interface:end -->\n/, '')).toBe(
      before.replace(/\n<!-- nx-kubeflow:interface:start -->[^]*<!-- nx-kubeflow:interface:end -->\n/, ''),
    );
    const check = workspace.nx('sync:check');
    expect(check.status === 0 ? '' : check.output).toBe('');
  });

  it('a component made by nx g component passes sync:check as generated', () => {
    const made = workspace.nx('g', 'component', 'scorer', '--inputs', 'model:Model,threshold:Float=0.5', '--outputs', 'score:Float');
    expect(made.status === 0 ? '' : made.output).toBe('');
    expect(readFileSync(join(workspace.root, 'components/scorer/README.md'), 'utf8')).toContain('| input | `threshold` | Float (parameter) | `0.5` |');
    const check = workspace.nx('sync:check');
    expect(check.status === 0 ? '' : check.output).toBe('');
  });
});

function pypiMissing(): string | undefined {
  const probe = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--quiet', '--dest', join(tmpdir(), 'nx-kubeflow-e2e-pypi-probe'), 'ruff==0.17.6'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return probe.status === 0 ? undefined : `PyPI is unreachable (pip download ruff: ${(probe.stderr || String(probe.error)).trim().slice(-300)})`;
}

const lintReady = requireOrSkip('the lint target with a real ruff', 'pypi', pypiMissing());

(lintReady ? describe : describe.skip)('the lint target with a real ruff', () => {
  let workspace: WorkspaceCopy;
  const source = () => join(workspace.root, 'components/trainer/src/lib/trainer.py');
  let original: string;
  const lint = (...args: string[]) => workspace.nx('run', 'trainer:lint', '--outputStyle=static', ...args);

  beforeAll(() => {
    workspace = new WorkspaceCopy();
    original = readFileSync(source(), 'utf8');
  });
  afterAll(() => workspace?.remove());

  it("passes on the example component, with ruff from the project's venv, then comes from the cache", () => {
    // as in a CI log: no terminal, and no FORCE_COLOR of the user's (Nx sets its own for the task)
    const environ: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    delete environ.FORCE_COLOR;
    delete environ.NO_COLOR;
    const run = spawnSync(join(workspace.root, 'node_modules/.bin/nx'), ['run', 'trainer:lint', '--outputStyle=static'], { cwd: workspace.root, encoding: 'utf8', env: environ });
    const first = { status: run.status, output: `${run.stdout}\n${run.stderr}` };
    expect(first.status === 0 ? '' : first.output).toBe('');
    expect(first.output).toContain('All checks passed!');
    // Nx colours its own framing (" NX " banners, "> nx run" headers, the "> <command>" it echoes before a
    // run-commands target such as venv, dim blank lines) wherever CI is set (picocolors' rule); the lines
    // the tasks print must have no colour codes
    const nxFraming = (plain: string) => plain.trim() === '' || / NX {2,}/.test(plain) || /^\s*> \S/.test(plain);
    const taskLines = first.output.split('\n').filter((line) => !nxFraming(line.replace(/\u001b\[[0-9;]*m/g, '')));
    expect(taskLines.join('\n')).not.toContain('\u001b[');
    const second = lint();
    expect(second.status).toBe(0);
    expect(second.output).toMatch(/local cache|existing outputs match the cache/);
  });

  it('fails on an unused import and on a badly formatted file, saying how to fix each, and passes once fixed', () => {
    writeFileSync(source(), `import os\n${original}`);
    const unused = lint();
    expect(unused.status).not.toBe(0);
    expect(unused.output).toMatch(/F401/);
    expect(unused.output).toContain('ruff check found problems in components/trainer');
    expect(unused.output).toContain('components/trainer/.venv/bin/ruff check --fix components/trainer');

    writeFileSync(source(), original.replace(/^def (\w+)\((.*)\)( -> .*)?:$/m, 'def $1( $2 )$3:'));
    expect(readFileSync(source(), 'utf8')).not.toBe(original);
    const formatted = lint();
    expect(formatted.status).not.toBe(0);
    expect(formatted.output).toContain('ruff format --check found problems in components/trainer');
    expect(formatted.output).not.toContain('ruff check found problems');

    writeFileSync(source(), original);
    const fixed = lint();
    expect(fixed.status === 0 ? '' : fixed.output).toBe('');
  });

  it("a workspace ruff.toml is an input: changing it lints again, and its rules apply", () => {
    const config = join(workspace.root, 'ruff.toml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n# a change\n`);
    const rerun = lint();
    expect(rerun.status).toBe(0);
    expect(rerun.output).not.toMatch(/local cache|existing outputs match the cache/);
  });

  it('a component made by nx g component passes its lint target as generated', () => {
    const made = workspace.nx('g', 'component', 'fresh-step');
    expect(made.status === 0 ? '' : made.output).toBe('');
    const lintFresh = workspace.nx('run', 'fresh-step:lint', '--outputStyle=static');
    expect(lintFresh.status === 0 ? '' : lintFresh.output).toBe('');
  });
});

describe('the graph under renamed targets and moved folders', () => {
  let workspace: WorkspaceCopy;
  beforeAll(() => {
    workspace = new WorkspaceCopy();
    // same depth, so the components' path dependency on packages/component-runtime still holds
    renameSync(join(workspace.root, 'components'), join(workspace.root, 'steps'));
    renameSync(join(workspace.root, 'pipelines'), join(workspace.root, 'flows'));
    const nxJsonFile = join(workspace.root, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonFile, 'utf8'));
    nxJson.plugins = [
      {
        plugin: 'nx-kubeflow',
        options: { testTargetName: 'pytest', lintTargetName: 'ruff', compileTargetName: 'ir', deployTargetName: 'publish', componentsDir: 'steps', pipelinesDir: 'flows' },
      },
    ];
    writeFileSync(nxJsonFile, JSON.stringify(nxJson, null, 2));
  });
  afterAll(() => workspace?.remove());

  const project = (name: string) => {
    const shown = workspace.nx('show', 'project', name, '--json');
    if (shown.status !== 0) throw new Error(shown.output);
    return JSON.parse(shown.stdout) as { root: string; targets: Record<string, { executor: string; metadata?: { help?: { command: string } } }> };
  };

  it('infers the projects where the options say, with targets named as they say', () => {
    const trainer = project('trainer');
    expect(trainer.root).toBe('steps/trainer');
    expect(Object.keys(trainer.targets)).toEqual(expect.arrayContaining(['pytest', 'ruff', 'settings', 'docker-build']));
    expect(Object.keys(trainer.targets)).not.toEqual(expect.arrayContaining(['test']));
    expect(trainer.targets.ruff.executor).toBe('nx-kubeflow:lint');
    expect(trainer.targets.ruff.metadata?.help?.command).toBe('npx nx run trainer:ruff --help');
    const pipeline = project('training-pipeline');
    expect(pipeline.root).toBe('flows/training-pipeline');
    expect(Object.keys(pipeline.targets)).toEqual(expect.arrayContaining(['ir', 'publish', 'run', 'settings']));
    // compile is a command Nx runs in its own process (pipeline/pipeline-cli.ts), whatever the target is called
    expect(pipeline.targets.ir).toMatchObject({ executor: 'nx:run-commands', options: { command: expect.stringMatching(/pipeline-cli\.ts compile training-pipeline flows\/training-pipeline$/) } });
    expect(project('component-runtime').targets.pytest).toMatchObject({ executor: 'nx:run-commands', options: { command: expect.stringMatching(/python-cli\.ts test component-runtime packages\/component-runtime$/) } });
  });

  it('keeps the edges: pipeline to its components, component to component-runtime', () => {
    const graphFile = join(workspace.root, 'graph.json');
    const shown = workspace.nx('graph', `--file=${graphFile}`);
    expect(shown.status === 0 ? '' : shown.output).toBe('');
    const { graph } = JSON.parse(readFileSync(graphFile, 'utf8')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } };
    expect(graph.dependencies['training-pipeline'].map((edge) => edge.target).sort()).toEqual(['data-loader', 'trainer']);
    expect(graph.dependencies.trainer.map((edge) => edge.target)).toEqual(['component-runtime']);
  });

  it('syncs the READMEs of the components in componentsDir', () => {
    const componentFile = join(workspace.root, 'steps/data-loader/component.yaml');
    writeFileSync(componentFile, readFileSync(componentFile, 'utf8').replace("default: '200'", "default: '300'"));
    const stale = workspace.nx('sync:check');
    expect(stale.status).not.toBe(0);
    expect(stale.output).toContain('steps/data-loader/README.md');
    expect(workspace.nx('sync').status).toBe(0);
    expect(readFileSync(join(workspace.root, 'steps/data-loader/README.md'), 'utf8')).toContain('| input | `rows` | Integer (parameter) | `300` |');
  });
});

/** The text with `from` replaced once; a `from` the text lacks is this test's mistake, not a pass. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the test expected to find ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
