import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { freePort } from '../../../packages/nx-kubeflow/src/testing/free-port';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** This checkout: nothing under it may reach the environment of a "user" command. */
export const SOURCE_WORKSPACE = resolve(__dirname, '../../..');

/** The package the registry serves itself; every other name goes to the uplink. */
export const PLUGIN_PACKAGE = 'nx-kubeflow';

export interface LocalRegistry {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Folder holding the config, storage, log, npm user config and the shared npm cache. */
  readonly root: string;
  /** npm's cache for every command against this registry, shared by all cases. */
  readonly npmCache: string;
  /** Publishes a package folder or tarball, as `npm publish` would to npmjs.org. */
  publish(packagePath: string): void;
  /** The registry's log (for failure messages). */
  log(): string;
  /** Stops verdaccio and removes its folder. */
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Where every package but nx-kubeflow comes from. Default: the registry npm is configured with (a mirror where one is set), else registry.npmjs.org. */
  uplink?: string;
  /** Keep the folder after stop() (to look at the log or storage). */
  keep?: boolean;
}

/**
 * Starts verdaccio (the root devDependency) on 127.0.0.1 at a free port, with
 * a temporary storage, serving nx-kubeflow from what is published to it and
 * proxying everything else, as Nx's own e2e suites do with their local
 * registry. Resolves once it answers /-/ping.
 */
export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-registry-'));
  const npmCache = join(root, 'npm-cache');
  const logFile = join(root, 'verdaccio.log');
  const uplink = options.uplink ?? configuredNpmRegistry();
  const config = join(root, 'config.yaml');
  writeFileSync(config, verdaccioConfig(root, uplink));
  mkdirSync(npmCache);

  let lastError: unknown;
  // A free port can be taken between asking and listening: try again on another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [verdaccioBin(), '--config', config, '--listen', `127.0.0.1:${port}`], {
      cwd: root,
      detached: true, // its own process group, so stop() ends it and anything it started
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    closeSync(logFd);
    try {
      await waitUntilAnswering(url, child, 60_000);
    } catch (error) {
      lastError = error;
      await stopProcess(child);
      continue;
    }
    const npmrc = join(root, 'npmrc');
    // Verdaccio lets anyone publish nx-kubeflow (config above), but npm refuses to publish without a token for the registry.
    writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=e2e-local-registry\n`);
    return {
      url,
      root,
      npmCache,
      publish(packagePath: string) {
        execFileSync('npm', ['publish', packagePath, '--registry', `${url}/`, '--tag', 'latest', '--access', 'public'], {
          cwd: root,
          env: { ...userEnvironment({ url, root, npmCache }), npm_config_userconfig: npmrc },
          encoding: 'utf8',
          stdio: 'pipe',
        });
      },
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      async stop() {
        await stopProcess(child);
        if (!options.keep) rmSync(root, { recursive: true, force: true });
      },
    };
  }
  rmSync(root, { recursive: true, force: true });
  throw new Error(`verdaccio did not start: ${String(lastError)}`);
}

/**
 * The environment of a user's shell on this machine, with nothing from this
 * checkout: the machine's own settings stay (PATH without this checkout's
 * folders, CA bundles, proxies, pip's index), while NODE_PATH, the npm_*
 * variables npm set for this jest run, NX_* settings and anything naming
 * this checkout go.
 */
export function cleanUserEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(npm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|NX_(?!KUBEFLOW_)|JEST_|TS_NODE_|SWC_NODE_|PWD$|OLDPWD$)/i.test(name)) continue;
    if (name === 'PATH') {
      env.PATH = value
        .split(delimiter)
        .filter((entry) => entry && !resolve(entry).startsWith(SOURCE_WORKSPACE))
        .join(delimiter);
      continue;
    }
    if (value.includes(SOURCE_WORKSPACE)) continue;
    env[name] = value;
  }
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_yes: 'true',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    ...extra,
  };
}

/**
 * cleanUserEnvironment for a user whose npm knows only the local registry:
 * npx, create-nx-workspace and `nx add` install from it, with the suite's
 * own npm cache and a user config holding nothing but the registry.
 */
export function userEnvironment(registry: Pick<LocalRegistry, 'url' | 'root' | 'npmCache'>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const userconfig = join(registry.root, 'user-npmrc');
  if (!existsSync(userconfig)) writeFileSync(userconfig, `registry=${registry.url}/\n`);
  const base = cleanUserEnvironment();
  const noProxy = ['127.0.0.1', 'localhost', base.NO_PROXY ?? base.no_proxy].filter(Boolean).join(',');
  return {
    ...base,
    npm_config_registry: `${registry.url}/`,
    npm_config_userconfig: userconfig,
    npm_config_cache: registry.npmCache,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    ...extra,
  };
}

function verdaccioConfig(root: string, uplink: string): string {
  return [
    `storage: ${JSON.stringify(join(root, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(root, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks:',
    '  upstream:',
    `    url: ${JSON.stringify(uplink)}`,
    '    timeout: 120s',
    '    maxage: 60m',
    'packages:',
    // No proxy: only what the suite publishes, so an nx-kubeflow on npmjs.org can never stand in for it.
    `  '${PLUGIN_PACKAGE}':`,
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    "  '**':",
    '    access: $all',
    '    proxy: upstream',
    'publish:',
    '  allow_offline: false',
    'max_body_size: 100mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

/** `npm config get registry` as the machine's npm has it (user and global npmrc), not this run's npm_config_* variables. */
function configuredNpmRegistry(): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  try {
    const registry = execFileSync('npm', ['config', 'get', 'registry'], { cwd: tmpdir(), env, encoding: 'utf8' }).trim();
    if (/^https?:\/\//.test(registry)) return registry;
  } catch {
    // npm missing or broken: the public registry
  }
  return 'https://registry.npmjs.org/';
}

function verdaccioBin(): string {
  return join(SOURCE_WORKSPACE, 'node_modules/verdaccio/bin/verdaccio');
}


function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolveReady, reject) => {
    let exited = false;
    child.once('exit', (code, signal) => {
      exited = true;
      reject(new Error(`verdaccio exited (${signal ?? code}) before answering`));
    });
    const poll = () => {
      if (exited) return;
      const request = get(`${url}/-/ping`, (response) => {
        response.resume();
        if (response.statusCode === 200) resolveReady();
        else retry();
      });
      request.setTimeout(2_000, () => request.destroy());
      request.once('error', retry);
    };
    const retry = () => {
      if (exited) return;
      if (Date.now() > deadline) reject(new Error(`verdaccio did not answer ${url}/-/ping within ${timeoutMs} ms`));
      else setTimeout(poll, 200);
    };
    poll();
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  if (!killed) {
    signalGroup('SIGKILL');
    await exited;
  }
}
