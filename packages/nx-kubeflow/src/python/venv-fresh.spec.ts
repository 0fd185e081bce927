import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, realpathSync, renameSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { pythonCommandLauncher, venvTarget } from '../graph/inferred-targets';
import { findPythonInterpreter } from './interpreter';
import { workspaceDataDirectory } from '../process/workspace-data-directory';
import { parsePythonCommand, runVenvCommand } from './python-cli';
import { findVenvTarget } from './python-target-lookup';
import { INSTALL_STAMP } from './venv';
import * as venvFresh from './venv-fresh';
import { resolutionChain, writeVenvFreshStamp } from './venv-fresh';
import { VENV_FRESH_STAMP } from './venv-fresh-shell';

// the module object itself, whose functions the spec below spies on as every module of the check calls them
const nodeFs = require('node:fs') as typeof import('node:fs');
const REPOSITORY = resolve(__dirname, '../../../..');
/** A changed file shows as newer than a stamp whose time is at least 2 s, at most 3 s, before its check started (venv-fresh.ts). */
const PAST_THE_MARGIN_MS = 3_100;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The paths a venv's fast-path script checks, read back from its lines (the single-quoted words venv-fresh.ts writes). */
function scriptLists(venvDir: string): { watched: string[]; present: string[]; missing: string[] } {
  const lines = readFileSync(join(venvDir, VENV_FRESH_STAMP), 'utf8').split('\n');
  const words = (line: string | undefined) => [...(line ?? '').matchAll(/'((?:[^']|'\\'')*)'/g)].map((match) => match[1].replace(/'\\''/g, "'"));
  return {
    watched: words(lines.find((line) => line.startsWith('set -- '))),
    present: words(lines.find((line) => line.startsWith('for f in ') && line.endsWith('|| exit 1; done'))),
    missing: words(lines.find((line) => line.startsWith('for f in ') && line.endsWith('&& exit 1; done'))),
  };
}

/**
 * The inferred venv target's command, run as Nx runs it (`/bin/sh -c`, from the workspace root)
 * against real files, a real venv and the real interpreter. The launcher notes each start of the
 * full check (python-cli.ts venv) in a file before it starts Node, so the spec sees which path
 * answered: every input of the full check is changed in turn, and each change must reach the full
 * check, after which the shell answers again.
 */
describe("the venv target's shell fast path, against a real venv", () => {
  jest.setTimeout(600_000);
  let workspaceRoot: string;
  let marker: string;
  let command: string;
  let realPython: string;
  const UP_TO_DATE = '[demo] venv components/demo/.venv is up to date\n';
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
  };
  const rewrite = (file: string) => write(file, readFileSync(join(workspaceRoot, file), 'utf8'));
  const pyproject = (name: string, extra = '') =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\n${extra}\n` +
    `[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n[tool.setuptools]\npackages = []\n`;
  const fullChecks = () => {
    try {
      return readFileSync(marker, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  const run = (args = '', env: NodeJS.ProcessEnv = {}) =>
    spawnSync('/bin/sh', ['-c', `${command}${args ? ` ${args}` : ''}`], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      // @swc-node/register is this repository's; the built command needs no such thing
      env: { ...process.env, NODE_PATH: join(REPOSITORY, 'node_modules'), ...env },
    });
  /** One run of the full check, which passes and prints what the full check prints. */
  const expectFullCheck = (args = '', env: NodeJS.ProcessEnv = {}) => {
    const before = fullChecks();
    const result = run(args, env);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fullChecks()).toBe(before + 1);
    return result.stdout;
  };
  /** One run the shell answers: the full check's words, no Node. */
  const expectFastPath = (args = '', env: NodeJS.ProcessEnv = {}) => {
    const before = fullChecks();
    const result = run(args, env);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: UP_TO_DATE, stderr: '' });
    expect(fullChecks()).toBe(before);
  };
  /** After runs with other options or variables: one run of whatever kind, then the shell answers. */
  const settle = () => {
    expect(run().status).toBe(0);
    expectFastPath();
  };
  /** A file changed: the next run checks in full (once past the margin, so that its stamp is newer than the change), the one after answers from the stamp. */
  const changeReachesFullCheck = async (change: () => void, args = '', env: NodeJS.ProcessEnv = {}) => {
    change();
    await sleep(PAST_THE_MARGIN_MS);
    const stdout = expectFullCheck(args, env);
    expectFastPath(args, env);
    return stdout;
  };

  beforeAll(async () => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-kubeflow-fast-path-'));
    marker = join(workspaceRoot, 'full-checks');
    realPython = (await findPythonInterpreter(undefined)).executable;
    write('packages/helper/pyproject.toml', pyproject('helper-lib'));
    write(
      'components/demo/pyproject.toml',
      pyproject('demo-component', 'dependencies = ["helper-lib"]') + '[tool.uv.sources]\nhelper-lib = { path = "../../packages/helper", editable = true }\n',
    );
    write('components/demo/config/settings.toml', '[default]\nrows = 1\n');
    write('components/demo/component.yaml', 'name: demo\nimplementation:\n  container:\n    image: demo\n    command: [python, src/run.py]\n');
    const launcher = `echo full >> ${marker} && ${pythonCommandLauncher(workspaceRoot, resolve(__dirname, '../graph/inferred-targets.ts'))}`;
    command = venvTarget('demo', 'venv', 'components/demo', { launcher, platform: 'linux' }).options.command;
    await sleep(PAST_THE_MARGIN_MS);
    expect(expectFullCheck()).toMatch(/^\[demo\] Creating venv components\/demo\/\.venv/m);
  });
  afterAll(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  it('answers from the stamp while nothing changed, in the words of the full check, on one line Nx can echo', () => {
    expectFastPath();
    expectFastPath();
    expect(command).not.toContain('\n');
    // the executors still know the target as the venv command (lint takes its options)
    expect(findVenvTarget({ venv: { executor: 'nx:run-commands', options: { command } } })).toBeDefined();
    const venv = join(workspaceRoot, 'components/demo/.venv');
    const { watched, present, missing } = scriptLists(venv);
    expect(watched).toEqual(
      expect.arrayContaining([
        join(workspaceRoot, 'components/demo/pyproject.toml'),
        join(workspaceRoot, 'packages/helper/pyproject.toml'),
        join(workspaceRoot, 'components/demo/config/settings.toml'),
        join(workspaceRoot, 'components/demo/component.yaml'),
        realPython,
      ]),
    );
    expect(present).toEqual(expect.arrayContaining([join(venv, 'bin/python'), join(venv, INSTALL_STAMP)]));
    expect(missing).toEqual(
      expect.arrayContaining([
        join(workspaceRoot, 'components/demo/config/settings.local.toml'),
        join(workspaceRoot, 'components/demo/pipeline.yaml'),
        join(workspaceRoot, '.python-version'),
      ]),
    );
  });

  it("the project's pyproject.toml: an edit reaches the full check (which reinstalls), even with its modification time put back", async () => {
    const file = join(workspaceRoot, 'components/demo/pyproject.toml');
    const stdout = await changeReachesFullCheck(() => {
      const { atime, mtime } = statSync(file);
      writeFileSync(file, `${readFileSync(file, 'utf8')}# a comment the fingerprint sees\n`);
      utimesSync(file, atime, mtime);
    });
    expect(stdout).toMatch(/^\[demo\] Installing components\/demo with packages\/helper into its venv/m);
  });

  it("a local path dependency's pyproject.toml", async () => {
    await changeReachesFullCheck(() => rewrite('packages/helper/pyproject.toml'));
  });

  it("a local path dependency's folder renamed over by another copy, whose files are older than the stamp", async () => {
    write('elsewhere/helper/pyproject.toml', pyproject('helper-lib').replace('0.1.0', '0.3.0'));
    await sleep(PAST_THE_MARGIN_MS);
    // a stamp newer than the copy: its times alone would pass
    rmSync(join(workspaceRoot, 'components/demo/.venv', VENV_FRESH_STAMP));
    expectFullCheck();
    expectFastPath();
    renameSync(join(workspaceRoot, 'packages/helper'), join(workspaceRoot, 'elsewhere/helper-before'));
    renameSync(join(workspaceRoot, 'elsewhere/helper'), join(workspaceRoot, 'packages/helper'));
    expect(expectFullCheck()).toMatch(/^\[demo\] Installing components\/demo with packages\/helper into its venv/m);
    await sleep(PAST_THE_MARGIN_MS);
    settle();
  });

  it("the files the checks read: settings.toml, component.yaml, a settings.local.toml appearing and going", async () => {
    await changeReachesFullCheck(() => rewrite('components/demo/config/settings.toml'));
    await changeReachesFullCheck(() => rewrite('components/demo/component.yaml'));
    await changeReachesFullCheck(() => write('components/demo/config/settings.local.toml', '[default]\nrows = 2\n'));
    await changeReachesFullCheck(() => rmSync(join(workspaceRoot, 'components/demo/config/settings.local.toml')));
  });

  it('a broken settings file is named by the full check every time, never answered from the stamp', async () => {
    write('components/demo/config/settings.local.toml', '[default]\nrows = \n');
    await sleep(PAST_THE_MARGIN_MS);
    for (let attempt = 0; attempt < 2; attempt++) {
      const before = fullChecks();
      const result = run();
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/\[demo\] .*components\/demo\/config\/settings\.local\.toml:2:\d+/);
      expect(fullChecks()).toBe(before + 1);
    }
    // gone again: what the last passing check saw, so its stamp answers once more
    rmSync(join(workspaceRoot, 'components/demo/config/settings.local.toml'));
    expectFastPath();
  });

  it('every option Nx forwards is part of the key', () => {
    expectFullCheck('--showInstallOutput=false');
    expectFastPath('--showInstallOutput=false');
    expectFullCheck();
    expectFastPath();
  });

  it('what picks the interpreter: $PYTHON, PYENV_VERSION, a .python-version appearing and going', async () => {
    expectFullCheck('', { PYTHON: realPython });
    expectFastPath('', { PYTHON: realPython });
    const pyenvVersion = (() => {
      try {
        return execFileSync('pyenv', ['version-name'], { cwd: workspaceRoot, encoding: 'utf8' }).trim();
      } catch {
        return 'system'; // no pyenv: a file no shim reads, which the full check stamps all the same
      }
    })();
    expectFullCheck('', { PYENV_VERSION: pyenvVersion });
    expectFastPath('', { PYENV_VERSION: pyenvVersion });
    expectFullCheck();
    await changeReachesFullCheck(() => write('.python-version', `${pyenvVersion}\n`));
    await changeReachesFullCheck(() => rmSync(join(workspaceRoot, '.python-version')));
  });

  it('the interpreter command: rewritten in place, a symlink on the way retargeted, another one earlier on PATH', async () => {
    const early = join(workspaceRoot, 'bin-early');
    const late = join(workspaceRoot, 'bin-late');
    const wrapper = (file: string) => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `#!/bin/sh\nexec '${realPython}' "$@"\n`);
      chmodSync(file, 0o755);
    };
    wrapper(join(late, 'python-a'));
    wrapper(join(late, 'python-b'));
    symlinkSync('python-a', join(late, 'python-spec'));
    mkdirSync(early);
    const env = { PATH: [early, late, process.env.PATH].join(delimiter) };
    const args = '--python=python-spec';
    await sleep(PAST_THE_MARGIN_MS);
    expectFullCheck(args, env);
    expectFastPath(args, env);
    // the command as found, then the file its symlink leads to
    const { watched } = scriptLists(join(workspaceRoot, 'components/demo/.venv'));
    expect(watched.slice(watched.indexOf(join(late, 'python-spec')))).toEqual(expect.arrayContaining([join(late, 'python-spec'), join(late, 'python-a')]));
    expect(watched.indexOf(join(late, 'python-a'))).toBe(watched.indexOf(join(late, 'python-spec')) + 1);
    await changeReachesFullCheck(() => wrapper(join(late, 'python-a')), args, env);
    await changeReachesFullCheck(() => {
      unlinkSync(join(late, 'python-spec'));
      symlinkSync('python-b', join(late, 'python-spec'));
    }, args, env);
    await changeReachesFullCheck(() => wrapper(join(early, 'python-spec')), args, env);
  });

  it("the venv's own files: its install stamp gone (the full check reinstalls), the venv gone (made again); the probe cache gone (nx reset)", () => {
    settle();
    rmSync(join(workspaceDataDirectory(workspaceRoot), 'nx-kubeflow-python-interpreters.json'));
    expectFullCheck();
    expectFastPath();
    rmSync(join(workspaceRoot, 'components/demo/.venv', INSTALL_STAMP));
    expect(expectFullCheck()).toMatch(/^\[demo\] Installing components\/demo/m);
    expectFastPath();
    rmSync(join(workspaceRoot, 'components/demo/.venv'), { recursive: true });
    expect(expectFullCheck()).toMatch(/^\[demo\] Creating venv components\/demo\/\.venv/m);
    expectFastPath();
  });

  it('a find that does not know -cnewer (or fails) leaves every run to the full check', () => {
    const fakeBin = join(workspaceRoot, 'bin-find');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'find'), '#!/bin/sh\necho "find: unknown predicate \\`-cnewer\'" >&2\nexit 1\n');
    chmodSync(join(fakeBin, 'find'), 0o755);
    const env = { PATH: [fakeBin, process.env.PATH].join(delimiter) };
    expectFullCheck('', env);
    expectFullCheck('', env);
    expectFastPath();
  });

  it('the stamp lists every file the full check reads or looks for', async () => {
    // the full check in this process, as the command runs it (from the workspace root), its file system calls recorded
    const argv = ['venv', 'demo', 'components/demo'];
    const options = parsePythonCommand(argv);
    if (options === 'help') throw new Error('help');
    const seen = new Set<string>();
    let recording = true;
    const record = (path: unknown) => {
      if (recording && (typeof path === 'string' || path instanceof URL)) seen.add(resolve(String(path)));
    };
    // rmSync loads Node's rimraf on first use, which keeps the fs functions it finds then: not these spies
    rmSync(join(workspaceRoot, 'nothing-here'), { force: true });
    const spies = (['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'realpathSync', 'openSync', 'readdirSync', 'accessSync'] as const).map((name) => {
      const original = nodeFs[name] as (...args: unknown[]) => unknown;
      return jest.spyOn(nodeFs, name).mockImplementation(((path: unknown, ...rest: unknown[]) => {
        record(path);
        return original(path, ...rest);
      }) as never);
    });
    const writeFreshStamp = venvFresh.writeVenvFreshStamp;
    const written: ReturnType<typeof writeFreshStamp>[] = [];
    const writeStamp = jest.spyOn(venvFresh, 'writeVenvFreshStamp').mockImplementation((stampOptions) => {
      recording = false;
      written.push(writeFreshStamp(stampOptions));
      return written[written.length - 1];
    });
    const cwd = process.cwd();
    process.chdir(workspaceRoot);
    let code: number;
    const lines: string[] = [];
    try {
      code = await runVenvCommand(options, workspaceRoot, { info: (line) => lines.push(line), error: (line) => lines.push(line) }, process.env, { freshStampArgs: argv });
    } finally {
      process.chdir(cwd);
      for (const spy of spies) spy.mockRestore();
      writeStamp.mockRestore();
    }
    expect({ code, lines }).toEqual({ code: 0, lines: ['[demo] venv components/demo/.venv is up to date'] });
    expect(written).toEqual([expect.objectContaining({ written: true })]);
    const [result] = written;
    if (!result.written) throw new Error(result.reason);
    expect(scriptLists(join(workspaceRoot, 'components/demo/.venv'))).toEqual({ watched: result.watched, present: result.present, missing: result.missing });
    const watched = new Set([...result.watched, ...result.present, ...result.missing]);
    // PATH lookups are the key's `command -v`; the lock, the probe cache (and lerna.json and nx.json, which say
    // where Nx keeps it) and the stamp itself are the check's own
    const pathCandidates = (process.env.PATH ?? '').split(delimiter).filter(isAbsolute).map((folder) => join(folder, 'python3'));
    const notInputs = (path: string) =>
      path.startsWith(REPOSITORY + sep) ||
      path.startsWith(join(tmpdir(), 'nx-kubeflow-locks') + sep) ||
      path.startsWith(workspaceDataDirectory(workspaceRoot) + sep) ||
      [join(workspaceRoot, 'lerna.json'), join(workspaceRoot, 'nx.json')].includes(path) ||
      basename(path).startsWith(VENV_FRESH_STAMP) ||
      pathCandidates.includes(path);
    expect([...seen].filter((path) => !notInputs(path) && !watched.has(path))).toEqual([]);
    // and it did look at what matters
    expect([...seen]).toEqual(expect.arrayContaining([join(workspaceRoot, 'components/demo/pyproject.toml'), join(workspaceRoot, 'components/demo/component.yaml')]));
    expectFastPath();
  });
});

describe('writeVenvFreshStamp', () => {
  it('writes no script for options holding a URL with credentials (it spells the options out), so every run checks in full', () => {
    const venvDir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-stamp-'));
    try {
      writeFileSync(join(venvDir, VENV_FRESH_STAMP), 'exit 1\n');
      const result = writeVenvFreshStamp({
        workspaceRoot: venvDir,
        venvDir,
        args: ['venv', 'demo', 'components/demo', '--indexUrl=https://user:token@pypi.example.com/simple'],
        interpreter: { command: 'python3', executable: process.execPath, version: '3.11.7' },
        requiredFiles: [],
        optionalFiles: [],
        venvFiles: [],
        upToDateLine: '[demo] venv components/demo/.venv is up to date',
        referenceMs: Date.now(),
      });
      expect(result).toEqual({ written: false, reason: 'an option holds a URL with credentials' });
      expect(existsSync(join(venvDir, VENV_FRESH_STAMP))).toBe(false);
    } finally {
      rmSync(venvDir, { recursive: true, force: true });
    }
  });
});

describe('resolutionChain', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'nx-kubeflow-chain-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every symlink on the way, folders and relative targets with .. included, then the real file', () => {
    mkdirSync(join(dir, 'real/bin'), { recursive: true });
    writeFileSync(join(dir, 'real/bin/python3.12'), '');
    symlinkSync('python3.12', join(dir, 'real/bin/python3'));
    symlinkSync('real', join(dir, 'current'));
    mkdirSync(join(dir, 'shims'));
    symlinkSync('../current/bin/python3', join(dir, 'shims/python'));
    expect(resolutionChain(join(dir, 'shims/python'))).toEqual([
      join(dir, 'shims/python'),
      join(dir, 'current'),
      join(dir, 'real/bin/python3'),
      join(dir, 'real/bin/python3.12'),
    ]);
    expect(resolutionChain(join(dir, 'real/bin/python3.12'))).toEqual([join(dir, 'real/bin/python3.12')]);
  });

  it('is undefined for a missing file, a dangling link and a loop', () => {
    symlinkSync('nowhere', join(dir, 'dangling'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(resolutionChain(join(dir, 'missing'))).toBeUndefined();
    expect(resolutionChain(join(dir, 'dangling'))).toBeUndefined();
    expect(resolutionChain(join(dir, 'loop-a'))).toBeUndefined();
  });
});
