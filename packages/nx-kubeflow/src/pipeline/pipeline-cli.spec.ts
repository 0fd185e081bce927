import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipelineCommandLauncher } from '../graph/inferred-targets';
import { main, parsePipelineCommand, PipelineCommandUsageError, type PipelineCommandOutput } from './pipeline-cli';
import { runDeployCommand, type InterruptSource } from './pipeline-cli-deploy';
import { cachedProjectRoots, pipelineProjects, projectRootsFromFolders } from './pipeline-cli-projects';

jest.setTimeout(60_000);

describe('parsePipelineCommand', () => {
  it("reads each option by its executor schema's type, as Nx forwards them: --name=value, --name value, kebab-case, --no-name", () => {
    expect(
      parsePipelineCommand([
        'deploy', 'training', 'pipelines/training',
        '--run', '--wait=false', '--param', 'epochs=5', '--param=lr=0.1', '--max-parallel-tasks=3', '--mode', 'container',
        '--dry-run', 'true', '--no-force', '--settingsEnv=production',
      ]),
    ).toEqual({
      command: 'deploy',
      projectName: 'training',
      projectRoot: 'pipelines/training',
      options: { run: true, wait: false, param: ['epochs=5', 'lr=0.1'], maxParallelTasks: 3, mode: 'container', dryRun: true, force: false, env: 'production' },
    });
    expect(parsePipelineCommand(['compile', 'p', 'pipelines/p', '--settingsEnv=staging', '--outputPath', 'out/p'])).toMatchObject({ options: { env: 'staging', outputPath: 'out/p' } });
    // --env is the command's own name too (a direct call, or `args`); it must agree with --settingsEnv
    expect(parsePipelineCommand(['compile', 'p', 'pipelines/p', '--env=staging', '--settingsEnv=staging'])).toMatchObject({ options: { env: 'staging' } });
    expect(parsePipelineCommand(['run', 'p', 'pipelines/p', '--maxParallelTasks=2'])).toMatchObject({ command: 'run', options: { maxParallelTasks: 2 } });
    // the two image flags, in kebab-case as a user types them on an inferred deploy or run target
    expect(parsePipelineCommand(['deploy', 'p', 'pipelines/p', '--allow-run-time-images'])).toMatchObject({ options: { allowRunTimeImages: true } });
    expect(parsePipelineCommand(['run', 'p', 'pipelines/p', '--allow-run-time-images', '--no-allow-mutable-images'])).toMatchObject({
      options: { allowRunTimeImages: true, allowMutableImages: false },
    });
    expect(parsePipelineCommand(['deploy', '--help'])).toBe('help');
  });

  it('refuses every unknown or wrong option at once, naming each, and what run and compile do not take', () => {
    const refused = (argv: string[]) => {
      try {
        parsePipelineCommand(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineCommandUsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted: ${argv.join(' ')}`);
    };
    const message = refused(['deploy', 'p', 'pipelines/p', '--bogus=1', '--max-parallel-tasks=0', '--mode=vm', '--run=yes', '--param', 'a=1', 'stray']);
    expect(message).toContain('deploy p: unknown option --bogus');
    expect(message).toContain('--max-parallel-tasks is a whole number of at least 1, got "0"');
    expect(message).toContain('--mode is one of subprocess, container, got "vm"');
    expect(message).toContain('--run is true or false, got "yes"');
    expect(message).toContain('unexpected argument "stray"');
    // run is deploy --run --wait: it has no --run, --wait, --output or --dry-run of its own
    expect(refused(['run', 'p', 'pipelines/p', '--wait', '--output=crd'])).toMatch(/unknown option --wait; unknown option --output/);
    expect(refused(['compile', 'p', 'pipelines/p', '--param=a=1'])).toContain('unknown option --param');
    expect(refused(['compile', 'p', 'pipelines/p', '--env=a', '--settingsEnv=b'])).toContain('--env=a and --settingsEnv=b name different environments');
    expect(refused(['compile', 'p', 'pipelines/p', '--outputPath'])).toContain('--output-path needs a value');
    expect(refused(['publish', 'p', 'pipelines/p'])).toMatch(/^expected compile, deploy, run or --help first, got: publish/);
    expect(refused(['deploy', 'p'])).toContain('expected deploy <project> <project root>, got: deploy p');
  });
});

let workspaceRoot: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
  writeFileSync(join(workspaceRoot, file), text);
};
const component = (name: string, command = '[echo, {inputValue: text}]') =>
  `name: ${name}\ninputs:\n- {name: text, type: String, default: hi}\nimplementation:\n  container:\n    image: registry.example.com/${name}@sha256:${'c'.repeat(64)}\n    command: ${command}\n`;
const pipelineUsing = (name: string, componentName: string) => `name: ${name}\ntasks:\n  say:\n    component: ${componentName}\n`;
/** Nx's cached project graph, as Nx writes it (nodes by name, each with data.root). */
const writeProjectGraph = (roots: Record<string, string>) =>
  write('.nx/workspace-data/project-graph.json', JSON.stringify({ nodes: Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, { name, type: 'app', data: { root } }])), dependencies: {} }));

beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-pipeline-cli-'));
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

describe('the project roots of a pipeline command', () => {
  const environ = {};

  it("are Nx's cached graph when it answers for every component and pipeline the pipeline names, at any depth", () => {
    write('pipelines/outer/pipeline.yaml', 'name: outer\ntasks:\n  inner: {pipeline: inner}\n');
    write('pipelines/inner/pipeline.yaml', pipelineUsing('inner', 'echo'));
    // a project.json may name a project otherwise than its folder: only the graph knows "echo" lives in libs/say
    write('libs/say/component.yaml', component('echo'));
    writeProjectGraph({ outer: 'pipelines/outer', inner: 'pipelines/inner', echo: 'libs/say', tool: 'tools/x' });
    expect(pipelineProjects(workspaceRoot, 'outer', 'pipelines/outer', environ)).toEqual({
      source: 'project-graph',
      projects: { outer: { root: 'pipelines/outer' }, inner: { root: 'pipelines/inner' }, echo: { root: 'libs/say' }, tool: { root: 'tools/x' } },
    });
  });

  it('are the folders, by the plugin options in nx.json, when the graph lacks a name, points at a moved folder, or is not there', () => {
    write('nx.json', JSON.stringify({ plugins: [{ plugin: 'nx-kubeflow', options: { componentsDir: 'steps', pipelinesDir: 'flows' } }] }));
    write('flows/p/pipeline.yaml', pipelineUsing('p', 'echo'));
    write('steps/group/echo/component.yaml', component('echo'));
    write('steps/group/echo/.venv/lib/component.yaml', component('not-a-project'));
    write('components/ignored/component.yaml', component('ignored')); // not componentsDir
    const fromFolders = { p: { root: 'flows/p' }, echo: { root: 'steps/group/echo' } };

    expect(cachedProjectRoots(workspaceRoot, environ)).toBeUndefined();
    expect(pipelineProjects(workspaceRoot, 'p', 'flows/p', environ)).toEqual({ source: 'folders', reason: 'there is no readable cached project graph', projects: fromFolders });

    writeProjectGraph({ p: 'flows/p' }); // echo added since the graph was written
    expect(pipelineProjects(workspaceRoot, 'p', 'flows/p', environ)).toMatchObject({ source: 'folders', reason: "Nx's cached project graph is stale: echo is not in it", projects: fromFolders });

    writeProjectGraph({ p: 'flows/p', echo: 'steps/echo', other: 'steps/other' }); // echo moved; other's folder is gone
    expect(pipelineProjects(workspaceRoot, 'p', 'flows/p', environ)).toEqual({
      source: 'folders',
      reason: "Nx's cached project graph is stale: echo's steps/echo/component.yaml is gone",
      projects: fromFolders,
    });

    write('.nx/workspace-data/project-graph.json', '{"nodes": '); // cut short
    expect(pipelineProjects(workspaceRoot, 'p', 'flows/p', environ).source).toBe('folders');
  });

  it('read nx.json as Nx does, comments and trailing commas included', () => {
    write(
      'nx.json',
      ['{', '  // where this team keeps its steps', '  "plugins": [{ "plugin": "nx-kubeflow", "options": { "componentsDir": "steps", /* and flows */ "pipelinesDir": "flows", } }],', '}'].join('\n'),
    );
    write('flows/p/pipeline.yaml', pipelineUsing('p', 'echo'));
    write('steps/echo/component.yaml', component('echo'));
    expect(projectRootsFromFolders(workspaceRoot)).toEqual({ p: { root: 'flows/p' }, echo: { root: 'steps/echo' } });
  });

  it("keep, beside the folders, the graph's projects whose folders still hold a marker file", () => {
    write('pipelines/p/pipeline.yaml', pipelineUsing('p', 'missing'));
    write('components/echo/component.yaml', component('echo'));
    write('libs/named/component.yaml', component('named'));
    write('packages/runtime/pyproject.toml', '[project]\nname = "runtime"\n');
    writeProjectGraph({ p: 'pipelines/p', 'named-by-project-json': 'libs/named', gone: 'libs/gone', echo: 'components/old-echo' });
    expect(projectRootsFromFolders(workspaceRoot)).toEqual({ p: { root: 'pipelines/p' }, echo: { root: 'components/echo' }, runtime: { root: 'packages/runtime' } });
    expect(pipelineProjects(workspaceRoot, 'p', 'pipelines/p', {}).projects).toEqual({
      p: { root: 'pipelines/p' },
      echo: { root: 'components/echo' },
      runtime: { root: 'packages/runtime' },
      'named-by-project-json': { root: 'libs/named' },
    });
  });
});

describe('the pipeline command', () => {
  it('compiles with no part of Nx loaded, nor the deploy stack', () => {
    const repoRoot = resolve(__dirname, '../../../..');
    write('pipelines/p/pipeline.yaml', pipelineUsing('p', 'echo'));
    write('components/echo/component.yaml', component('echo'));
    write('pipelines/p/config/settings.toml', '[default]\n[production]\n');
    const direct = spawnSync(
      process.execPath,
      [
        '-r', '@swc-node/register', '-e',
        `const m = require(${JSON.stringify(resolve(__dirname, 'pipeline-cli.ts'))});
         m.main(process.argv.slice(1), ${JSON.stringify(workspaceRoot)}).then((code) => {
           const nx = Object.keys(require.cache).filter((file) => /node_modules\\/(nx|@nx)\\//.test(file));
           const deploy = Object.keys(require.cache).filter((file) => /\\/src\\/(deploy|local-runner|backends|images)\\//.test(file));
           // one string: console.log colours number arguments under FORCE_COLOR (Nx sets it on its tasks)
           console.log(\`exit \${code} nx modules \${nx.length} deploy modules \${deploy.length}\`);
         });`,
        'compile', 'p', 'pipelines/p', '--settingsEnv=production',
      ],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'packages/nx-kubeflow/tsconfig.lib.json') } },
    );
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toMatch(/\[p\] compiled \(production\) to dist\/pipelines\/p\/production\/pipeline\.yaml, sha256 [0-9a-f]{12}\nexit 0 nx modules 0 deploy modules 0\n$/);
    expect(readFileSync(join(workspaceRoot, 'dist/pipelines/p/production/pipeline.yaml'), 'utf8')).toContain('exec-say');
  });

  it('as Nx starts it (the launcher, from the workspace root): exit 0 and the IR, 1 and every problem, 2 and the usage for a wrong command line', () => {
    const repoRoot = resolve(__dirname, '../../../..');
    // the workspace inside this repository, so the launcher's relative paths hold from its root
    const inside = mkdtempSync(join(repoRoot, 'tmp', 'pipeline-cli-'));
    try {
      mkdirSync(join(inside, 'pipelines/p'), { recursive: true });
      mkdirSync(join(inside, 'components/echo'), { recursive: true });
      writeFileSync(join(inside, 'pipelines/p/pipeline.yaml'), pipelineUsing('p', 'echo'));
      writeFileSync(join(inside, 'components/echo/component.yaml'), component('echo'));
      const nx = (args: string) => spawnSync(`${pipelineCommandLauncher(inside, resolve(__dirname, '../graph/inferred-targets.ts'))} ${args}`, { cwd: inside, shell: true, encoding: 'utf8', env: { ...process.env, NX_VERBOSE_LOGGING: 'true' } });

      const ok = nx('compile p pipelines/p');
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toContain('[p] project roots from the folders: there is no readable cached project graph');
      expect(ok.stdout).toMatch(/\[p\] compiled \(development\) to dist\/pipelines\/p\/development\/pipeline\.yaml/);
      expect(ok.status).toBe(0);

      writeFileSync(join(inside, 'pipelines/p/pipeline.yaml'), 'name: p\ntasks:\n  say: {component: echoo}\n');
      const broken = nx('compile p pipelines/p');
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain('pipelines/p/pipeline.yaml:3:');
      expect(broken.stderr).toContain('unknown component "echoo"');
      expect(existsSync(join(inside, 'dist/pipelines/p/development/pipeline.yaml'))).toBe(false);

      const wrong = nx('deploy p pipelines/p --parallelism=2');
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('nx-kubeflow: deploy p: unknown option --parallelism');
      const help = nx('--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('--maxParallelTasks=<n>  deploy, run:');
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });
});

describe('runDeployCommand', () => {
  const collect = () => {
    const lines: string[] = [];
    const output: PipelineCommandOutput = { info: (line) => lines.push(line), warn: (line) => lines.push(`WARN ${line}`), error: (line) => lines.push(`ERROR ${line}`) };
    return { lines, output };
  };

  it('names every broken settings file file:line:column before anything runs', async () => {
    write('pipelines/p/pipeline.yaml', pipelineUsing('p', 'echo'));
    write('components/echo/component.yaml', component('echo'));
    write('components/echo/config/settings.toml', '[default]\nx = \n');
    const { lines, output } = collect();
    const context = { workspaceRoot, projectName: 'p', projects: { p: { root: 'pipelines/p' }, echo: { root: 'components/echo' } } };
    expect(await runDeployCommand({ run: true }, context, output, { environ: {}, interrupts: new EventEmitter() as InterruptSource })).toBe(1);
    expect(lines[0]).toMatch(/^ERROR \[p\] /);
    expect(lines.join('\n')).toContain('[p]   components/echo/config/settings.toml:2:5: invalid value');
    expect(existsSync(join(workspaceRoot, 'dist'))).toBe(false);
  });

  it("Ctrl-C (or Nx's SIGTERM) stops the run's tasks, records the run CANCELLED, writes no report, and lets go of the signals", async () => {
    write('pipelines/p/pipeline.yaml', pipelineUsing('p', 'sleeper'));
    write('components/sleeper/component.yaml', component('sleeper', "[sh, -c, 'sleep 30']"));
    write('pipelines/p/config/settings.toml', '[default]\nkfp.host = "local"\n');
    const interrupts = new EventEmitter();
    const { lines, output } = collect();
    const context = { workspaceRoot, projectName: 'p', projects: { p: { root: 'pipelines/p' }, sleeper: { root: 'components/sleeper' } } };
    const started = Date.now();
    const deploying = runDeployCommand({ run: true, wait: true }, context, output, { environ: {}, interrupts: interrupts as InterruptSource });
    while (!lines.some((line) => /say RUNNING/.test(line))) {
      if (Date.now() - started > 30_000) throw new Error(`the task never started:\n${lines.join('\n')}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(interrupts.listenerCount('SIGINT')).toBe(1);
    interrupts.emit('SIGINT');
    interrupts.emit('SIGTERM'); // Nx's, right after: held, not a second stop
    expect(await deploying).toBe(1);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(lines.filter((line) => line === "WARN [p] interrupted: stopping the run's tasks")).toHaveLength(1);
    const runs = readdirSync(join(workspaceRoot, 'dist/runs/p'));
    const record = JSON.parse(readFileSync(join(workspaceRoot, 'dist/runs/p', runs[0], 'run.json'), 'utf8'));
    expect(record.state).toBe('CANCELLED');
    expect(readdirSync(join(workspaceRoot, 'dist/runs/p', runs[0])).filter((file) => file.endsWith('.html'))).toEqual([]);
    expect(lines.filter((line) => /^(Report|Run page): /.test(line))).toEqual([]);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(interrupts.listenerCount(signal)).toBe(0);
  });

  it('main runs `run` as deploy --run --wait', async () => {
    write('pipelines/p/pipeline.yaml', pipelineUsing('p', 'echo'));
    write('components/echo/component.yaml', component('echo'));
    write('pipelines/p/config/settings.toml', '[default]\nkfp.host = "local"\n');
    const { lines, output } = collect();
    expect(await main(['run', 'p', 'pipelines/p', '--maxParallelTasks=1'], workspaceRoot, output)).toBe(0);
    expect(lines.join('\n')).toMatch(/say SUCCEEDED/);
    expect(JSON.parse(readFileSync(join(workspaceRoot, 'dist/runs/p', readdirSync(join(workspaceRoot, 'dist/runs/p'))[0], 'run.json'), 'utf8')).state).toBe('SUCCEEDED');
  });
});
