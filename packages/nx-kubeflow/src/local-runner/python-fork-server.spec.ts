import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isScriptInvocation, PythonForkServers, startupEnvironment } from './python-fork-server';
import { runTaskProcess, type TaskProcessOptions } from './task-process';

/**
 * A task forked from the warm interpreter must be what `python script` is: each
 * case runs the same script both ways and compares what it saw and wrote.
 */
const describePosix = process.platform === 'win32' ? describe.skip : describe;
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

// What a script can see of how it was started, printed as one JSON line.
const PROBE = String.raw`
import atexit, json, os, signal, sys, threading, time
def handler(number):
    h = signal.getsignal(number)
    return getattr(h, "__name__", str(h))
seen = {
    "argv": sys.argv, "file": __file__, "name": __name__, "path0": sys.path[0], "cwd": os.getcwd(),
    "env": {k: os.environ.get(k) for k in ("PROBE_VALUE", "NX_KUBEFLOW_TASK", "TZ")},
    "tz": time.tzname, "stdin": sys.stdin.read(),
    "stdout": [sys.stdout.encoding, sys.stdout.errors, sys.stdout.line_buffering, sys.stdout.isatty()],
    "stderr": [sys.stderr.encoding, sys.stderr.errors, sys.stderr.line_buffering],
    "own_group": os.getpgid(0) == os.getpid(), "own_session": os.getsid(0) == os.getpid(),
    "signals": {n: handler(getattr(signal, n)) for n in ("SIGINT", "SIGTERM", "SIGPIPE", "SIGCHLD")},
    "hash_randomization": sys.flags.hash_randomization, "spec": repr(__spec__),
}
print(json.dumps(seen, sort_keys=True))
sys.stderr.write("to stderr\n")
atexit.register(lambda: print("atexit ran"))
threading.Thread(target=lambda: (time.sleep(0.05), print("thread joined"))).start()
code = os.environ.get("PROBE_EXIT")
if code == "message":
    sys.exit("stopped with a message")
if code == "raise":
    def fails():
        raise ValueError("the task's own error")
    fails()
if code:
    sys.exit(int(code))
`;

function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[0];
  } catch {
    return 'gone';
  }
}

/** A killed process's state once the kernel has dealt with the signal (it may still be running its exit for a moment). */
async function settledState(pid: number): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const state = processState(pid);
    if (state === 'gone' || state === 'Z') return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return processState(pid);
}

describePosix('python fork server', () => {
  let dir: string;
  let servers: PythonForkServers;
  const notices: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fork-server-'));
    writeFileSync(join(dir, 'probe.py'), PROBE);
    servers = new PythonForkServers((message) => notices.push(message));
  });
  afterAll(async () => {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let logs = 0;
  async function run(forked: boolean, env: Record<string, string>, options: Partial<TaskProcessOptions> = {}, script = 'probe.py') {
    const logFile = join(dir, `log-${logs++}.txt`);
    const result = await runTaskProcess({
      command: PYTHON,
      args: [script, 'an argument', '--flag'],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      logFile,
      killGraceMs: 500,
      ...(forked ? { forkServers: servers } : {}),
      ...options,
    });
    return { result, log: readFileSync(logFile, 'utf8') };
  }

  it.each([
    ['a clean exit', {}],
    ['an exit code', { PROBE_EXIT: '3' }],
    ['sys.exit with a message', { PROBE_EXIT: 'message' }],
    ['an uncaught exception, traceback from the script down', { PROBE_EXIT: 'raise' }],
    ['a time zone and variables of its own', { TZ: 'Asia/Kolkata', PROBE_VALUE: 'ünïcode', NX_KUBEFLOW_TASK: 'train' }],
    ['a start-up variable (a server of its own)', { PYTHONHASHSEED: '0' }],
  ])('%s: the same as a fresh interpreter', async (_, env) => {
    const fresh = await run(false, env);
    const forked = await run(true, env);
    expect(forked.result).toEqual(fresh.result);
    expect(forked.log).toEqual(fresh.log);
    expect(forked.log).toContain('atexit ran');
    expect(forked.log).toContain('thread joined');
  });

  it('really forks: the task is a child of the server, not of the runner', async () => {
    const script = 'parent.py';
    writeFileSync(join(dir, script), 'import os\nprint(os.getppid())\n');
    const { result, log } = await run(true, {}, {}, script);
    expect(result.exitCode).toBe(0);
    expect(Number(log.trim())).not.toBe(process.pid);
  });

  it('close() ends the servers and waits for them: nothing of a run outlives it', async () => {
    const own = new PythonForkServers();
    const logFile = join(dir, 'close-log.txt');
    const result = await runTaskProcess({ command: PYTHON, args: ['parent.py'], cwd: dir, env: { PATH: process.env.PATH ?? '' }, logFile, killGraceMs: 500, forkServers: own });
    expect(result.exitCode).toBe(0);
    const server = Number(readFileSync(logFile, 'utf8').trim());
    expect(processState(server)).not.toBe('gone');
    await own.close();
    expect(processState(server)).toBe('gone');
  });

  it('tasks starting together share one server; past the limit the least recently used idle one is closed, and with none idle a task starts fresh', async () => {
    const own = new PythonForkServers(undefined, 1);
    const parentOf = async (env: Record<string, string>, log: string, script = 'parent.py') => {
      const logFile = join(dir, log);
      await runTaskProcess({ command: PYTHON, args: [script], cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, logFile, killGraceMs: 500, forkServers: own });
      return Number(readFileSync(logFile, 'utf8').trim().split('\n')[0]);
    };
    const [a, b] = await Promise.all([parentOf({}, 'share-a.txt'), parentOf({}, 'share-b.txt')]);
    expect(a).toBe(b);
    expect(a).not.toBe(process.pid);
    // another start-up environment: a server of its own, which takes the only place
    const c = await parentOf({ PYTHONHASHSEED: '1' }, 'share-c.txt');
    expect(c).not.toBe(a);
    expect(await settledState(a)).toMatch(/^(gone|Z)$/);
    // the only server busy with a task: the next one of another start-up environment starts fresh
    writeFileSync(join(dir, 'slow-parent.py'), 'import os, time\nprint(os.getppid(), flush=True)\ntime.sleep(1)\n');
    const busy = parentOf({ PYTHONHASHSEED: '1' }, 'share-busy.txt', 'slow-parent.py');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await parentOf({ PYTHONHASHSEED: '2' }, 'share-fresh.txt')).toBe(process.pid);
    expect(await busy).toBe(c);
    await own.close();
  });

  it('shares the standard modules earlier tasks imported, never the task folder\'s own modules, and reseeds random', async () => {
    writeFileSync(join(dir, 'own_module.py'), 'VALUE = 1\n');
    writeFileSync(join(dir, 'first.py'), 'import fractions, random, own_module\nprint(random.random())\n');
    writeFileSync(join(dir, 'second.py'), "import sys, random\nprint('fractions' in sys.modules, 'own_module' in sys.modules, random.random())\n");
    const first = await run(true, {}, {}, 'first.py');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the server imports what it learned between tasks
    const second = await run(true, {}, {}, 'second.py');
    const third = await run(true, {}, {}, 'second.py');
    const [preloaded, ownModule, random] = second.log.trim().split(' ');
    expect([preloaded, ownModule]).toEqual(['True', 'False']);
    expect(new Set([first.log.trim(), random, third.log.trim().split(' ')[2]]).size).toBe(3);
  });

  it('stops a forked task at its timeout, and on an abort, with its process group', async () => {
    writeFileSync(join(dir, 'sleeper.py'), 'import subprocess, time\nprint(subprocess.Popen(["sleep", "30"]).pid, flush=True)\ntime.sleep(30)\n');
    const timed = await run(true, {}, { timeoutMs: 300 }, 'sleeper.py');
    expect(timed.result).toMatchObject({ timedOut: true, signal: 'SIGTERM', cancelled: false });
    const controller = new AbortController();
    let pid = 0;
    const pending = run(true, {}, { signal: controller.signal, onStart: (started) => (pid = started) }, 'sleeper.py');
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const aborted = await pending;
    expect(aborted.result).toMatchObject({ cancelled: true, signal: 'SIGTERM' });
    expect(pid).toBeGreaterThan(0);
    // what it started went with it (killed; a zombie until whoever inherited it reaps it)
    for (const sleeper of [timed.log, aborted.log].map((log) => Number(log.trim()))) expect(await settledState(sleeper)).toMatch(/^(gone|Z)$/);
  });

  it('reports a working directory that is not there as a failed start, as spawn does', async () => {
    const fresh = await run(false, {}, { cwd: join(dir, 'missing') });
    const forked = await run(true, {}, { cwd: join(dir, 'missing') });
    expect(fresh.result.spawnError).toBeDefined();
    expect(forked.result.spawnError).toMatch(/no such directory/);
  });

  it('a server killed under a running task: the task is stopped and its exit is said to be unknown', async () => {
    writeFileSync(join(dir, 'orphan.py'), 'import os, time\nprint(os.getppid(), flush=True)\ntime.sleep(30)\n');
    const logFile = join(dir, 'orphan-log.txt');
    const told: string[] = [];
    const own = new PythonForkServers((message) => told.push(message));
    const pending = runTaskProcess({ command: PYTHON, args: ['orphan.py'], cwd: dir, env: { PATH: process.env.PATH ?? '' }, logFile, killGraceMs: 500, forkServers: own });
    let server = 0;
    for (let i = 0; i < 100 && !server; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      server = Number(readFileSync(logFile, 'utf8').trim());
    }
    process.kill(server, 'SIGKILL');
    const result = await pending;
    await own.close();
    expect(result.lost).toMatch(/fork server ended \(SIGKILL\)/);
    expect(told).toEqual([expect.stringMatching(/fork server ended \(SIGKILL\).*from now on tasks start as fresh interpreters/)]);
  });

  it('never preloads what should not be shared by forks: side-effect modules anywhere, modules that load Apple frameworks on macOS', () => {
    const verdicts = (platform: string) =>
      JSON.parse(
        execFileSync(
          PYTHON,
          [
            '-c',
            [
              // what reads the platform at import does so before it is feigned
              'import importlib.util, json, sys, sysconfig, urllib.request, this',
              'sysconfig.get_paths()',
              `sys.platform = ${JSON.stringify(platform)}`,
              `spec = importlib.util.spec_from_file_location("fork_server", ${JSON.stringify(join(__dirname, 'python_fork_server.py'))})`,
              'server = importlib.util.module_from_spec(spec); spec.loader.exec_module(server)',
              'names = ["json", "urllib.request", "this", "urllib.parse"]',
              'print(json.dumps({n: server._preloadable(n, sys.modules[n]) for n in names}))',
            ].join('\n'),
          ],
          { encoding: 'utf8' },
        ).trim().split('\n').pop()!,
      );
    expect(verdicts('linux')).toEqual({ json: true, 'urllib.request': true, this: false, 'urllib.parse': true });
    expect(verdicts('darwin')).toEqual({ json: true, 'urllib.request': false, this: false, 'urllib.parse': true });
  });

  it('starts only `python script.py ...`, and keys servers by what the interpreter reads at start-up', () => {
    expect(isScriptInvocation(['src/run.py', '--x'])).toBe(true);
    expect(isScriptInvocation(['-m', 'pkg'])).toBe(false);
    expect(isScriptInvocation(['-c', 'pass'])).toBe(false);
    expect(isScriptInvocation(['tool'])).toBe(false);
    const base = { PATH: '/bin', NX_KUBEFLOW_TASK: 'a' };
    expect(startupEnvironment({ ...base, NX_KUBEFLOW_TASK: 'b', SECRET: 'x' })).toBe(startupEnvironment(base));
    for (const name of ['PYTHONPATH', 'PYTHONUNBUFFERED', 'LANG', 'LC_ALL', 'LD_LIBRARY_PATH']) {
      expect(startupEnvironment({ ...base, [name]: 'v' })).not.toBe(startupEnvironment(base));
    }
  });
});
