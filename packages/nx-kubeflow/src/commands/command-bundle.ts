/**
 * How the built package starts its commands (the inferred venv, test,
 * compile, deploy and run targets): each command's modules bundled into one
 * file at build time (scripts/bundle-commands.mjs), run with a V8 code cache.
 *
 * Why: a command is a fresh Node process per task, and before it did any work
 * it spent 40 to 60 ms finding, reading and compiling some 170 to 270 module
 * files (yaml alone is 72); that was most of what compile, deploy and test
 * cost over a plain Nx target (tools/bench/README.md, section 2b). One file
 * removes the module lookups; the code cache removes V8's parsing and
 * compiling of the functions a run uses. Node 22's module.enableCompileCache
 * does the second part, but Node 20 has none, so this is the one way for all.
 *
 * The cache lives in Nx's workspace data folder (`nx reset` removes it), one
 * file per bundle build and Node version. It holds compiled code of the
 * bundle's own source, nothing a run read or computed: no settings value, no
 * secret. V8 refuses cached data of another V8 version, other flags or a
 * source of another length; the bundle's build id in the file name covers a
 * changed bundle of the same length. A cache that cannot be read or written
 * costs only time: the command runs as it would without it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';
import { workspaceDataDirectory } from '../process/workspace-data-directory';

/** The last line of a bundle: its build id (a hash of its content), written by scripts/bundle-commands.mjs. */
export const BUNDLE_ID_LINE = '//# nx-kubeflow-bundle ';

/** The code caches' folder, in Nx's workspace data folder. */
export const CODE_CACHE_FOLDER = 'nx-kubeflow-code-cache';

/** Set to 0 to run the bundles without a code cache (and write none). */
export const CODE_CACHE_VARIABLE = 'NX_KUBEFLOW_CODE_CACHE';

/** off: no cache folder or no build id; absent: none yet; rejected: V8 refused it; accepted: used. */
export type CodeCacheState = 'off' | 'absent' | 'rejected' | 'accepted';

export interface LoadedCommandBundle {
  /** What the bundle's code put in module.exports. */
  exports: unknown;
  cacheState: CodeCacheState;
  /** The file the cache is read from and written to, when there is one. */
  cacheFile?: string;
  /**
   * Writes the code V8 has compiled so far (the top level and every function
   * the run called), when the cache was absent or refused; else does nothing.
   * Never throws.
   */
  saveCodeCache(): void;
}

/** The build id a bundle ends with, or undefined for a file without one. */
export function bundleId(source: string): string | undefined {
  const at = source.lastIndexOf(BUNDLE_ID_LINE);
  if (at < 0) return undefined;
  return /^[0-9a-f]{16,64}(?=\s*$)/.exec(source.slice(at + BUNDLE_ID_LINE.length))?.[0];
}

/**
 * `<bundle>-<build id>-<variant>-<node version>-<arch>.bin` in the cache folder. The variant is
 * the command's first word (compile, deploy, test...): a cache holds the functions one run
 * called, and a deploy calls many that a compile does not.
 */
export function codeCacheFile(cacheDirectory: string, bundleFile: string, id: string, variant: string): string {
  return join(cacheDirectory, `${basename(bundleFile, '.js')}-${id}-${variant}-${process.version}-${process.arch}.bin`);
}

/**
 * Runs a bundle's code as Node runs a CommonJS module (its own require,
 * module, __filename and __dirname, those of the bundle's file), with the
 * code cache found in `cacheDirectory` when given.
 */
export function loadCommandBundle(bundleFile: string, { cacheDirectory, variant = 'main' }: { cacheDirectory?: string; variant?: string } = {}): LoadedCommandBundle {
  const source = readFileSync(bundleFile, 'utf8');
  const id = bundleId(source);
  const cacheFile = cacheDirectory && id ? codeCacheFile(cacheDirectory, bundleFile, id, variant) : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const script = new Script(wrap(source), {
    filename: bundleFile,
    cachedData,
    // an import() in the bundle loads as it would in a module Node loaded itself
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cacheState: CodeCacheState = !cacheFile ? 'off' : !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const bundleModule = { exports: {} as unknown, id: bundleFile, filename: bundleFile, loaded: false };
  const moduleFunction = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  moduleFunction.call(bundleModule.exports, bundleModule.exports, createRequire(bundleFile), bundleModule, bundleFile, dirname(bundleFile));
  bundleModule.loaded = true;
  return {
    get exports() {
      return bundleModule.exports;
    },
    cacheState,
    cacheFile,
    saveCodeCache() {
      if (!cacheFile || !id || cacheState === 'accepted') return;
      try {
        writeCodeCache(cacheFile, script.createCachedData(), `${basename(bundleFile, '.js')}-`, `${basename(bundleFile, '.js')}-${id}-`);
      } catch {
        // only time is lost: the next run compiles again and tries again
      }
    },
  };
}

/** Written whole or not at all (tasks run in parallel); older builds' caches of the same bundle removed. */
function writeCodeCache(cacheFile: string, data: Buffer, bundlePrefix: string, buildPrefix: string): void {
  const folder = dirname(cacheFile);
  mkdirSync(folder, { recursive: true });
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, cacheFile);
  } finally {
    rmSync(partial, { force: true });
  }
  for (const name of readdirSync(folder)) {
    if (name.startsWith(bundlePrefix) && !name.startsWith(buildPrefix) && name.endsWith('.bin')) rmSync(join(folder, name), { force: true });
  }
}

/**
 * A command's entry in the built package: the bundle beside it when there is
 * one, its cache written as the process ends; else (a package built by tsc
 * alone) the command's modules as they are, through `runUnbundled`.
 */
export function runCommandBundle(
  bundleFile: string,
  runUnbundled: () => void,
  { argv = process.argv.slice(2), environ = process.env, workspaceRoot = process.cwd() }: { argv?: readonly string[]; environ?: NodeJS.ProcessEnv; workspaceRoot?: string } = {},
): void {
  if (!existsSync(bundleFile)) {
    runUnbundled();
    return;
  }
  // only in a workspace (Nx runs the command from its root): a command started by hand elsewhere leaves no .nx folder there
  const inWorkspace = Boolean(environ.NX_WORKSPACE_DATA_DIRECTORY || environ.NX_PROJECT_GRAPH_CACHE_DIRECTORY) || existsSync(join(workspaceRoot, 'nx.json'));
  const cacheDirectory = environ[CODE_CACHE_VARIABLE] === '0' || !inWorkspace ? undefined : join(workspaceDataDirectory(workspaceRoot, environ), CODE_CACHE_FOLDER);
  const variant = /^[a-z]{1,20}$/.test(argv[0] ?? '') ? argv[0] : 'other';
  const loaded = loadCommandBundle(bundleFile, { cacheDirectory, variant });
  if (loaded.cacheState === 'absent' || loaded.cacheState === 'rejected') process.once('exit', () => loaded.saveCodeCache());
}
