#!/usr/bin/env node
/**
 * Bundles each of the built package's commands into one file beside its
 * entry (src/commands/<command>.bundle.js), for src/commands/command-bundle.ts
 * to run with a V8 code cache. Runs after tsc, on its output:
 *
 *   node packages/nx-kubeflow/scripts/bundle-commands.mjs dist/packages/nx-kubeflow
 *
 * (the nx-kubeflow:build target). What the bundles keep of a module tree that
 * Node would load file by file:
 * - `__dirname` and `__filename` of each module are its own folder and file in
 *   the package, not the bundle's (the run view's page, the fork server's
 *   script, the executors' schema.json files are found from them);
 * - packages the run view hands out as files (served to the browser, or run
 *   in a child process) and elkjs (3 MB, used only to lay out the run view)
 *   stay the package's dependencies, required from the bundle's folder;
 * - every bundled package's name, version and licence head the file.
 * A warning from esbuild (a require it cannot follow, say) fails the build, as
 * does a bundle that would still require a module it does not hold, and a
 * bundled package of another version than the package's package.json pins.
 */
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const COMMANDS = [
  { bundle: 'python-cli.bundle.js', module: '../python/python-cli' },
  { bundle: 'pipeline-cli.bundle.js', module: '../pipeline/pipeline-cli' },
];

/** Required by name at run time, never bundled: see above. */
const EXTERNAL = ['dompurify', 'elkjs', 'hyparquet', 'marked'];

/** A module path inside one of the EXTERNAL packages (the package itself or a file of it). */
const isExternal = (path) => EXTERNAL.some((name) => path === name || path.startsWith(`${name}/`));

/** Every module of the package that names its own folder or file, rewritten to name it from the bundle's folder. */
function relocateModulePaths(packageSource, commandsFolder) {
  return {
    name: 'relocate-module-paths',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.c?js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
        if (!args.path.startsWith(packageSource + sep)) {
          throw new Error(`${args.path} names its own folder (__dirname/__filename), which a bundle would change: add its package to EXTERNAL`);
        }
        const folder = JSON.stringify(relative(commandsFolder, dirname(args.path)).split(sep).join('/'));
        const file = JSON.stringify(basename(args.path));
        const path = 'require("node:path")';
        return {
          // one pass, so the __dirname each replacement brings in (the bundle's folder at run time) stays
          contents: text.replace(/\b__(dirname|filename)\b/g, (_, name) => `${path}.join(__dirname, ${folder}${name === 'filename' ? `, ${file}` : ''})`),
          loader: 'js',
        };
      });
    },
  };
}

/**
 * Packages resolved as the package's own source folder resolves them (its
 * node_modules, then the workspace's), not from the built folder under dist/,
 * whose way up finds only the workspace's hoisted copies (other versions).
 */
function resolveFromSourcePackage(sourceFolder) {
  return {
    name: 'resolve-from-source-package',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.pluginData?.fromSource || args.path.startsWith('node:') || isExternal(args.path)) return undefined;
        return esbuild.resolve(args.path, { kind: args.kind, resolveDir: join(sourceFolder, 'src'), pluginData: { fromSource: true } });
      });
    },
  };
}

/**
 * Every `require("...")` of the bundle that names neither a Node built-in nor an EXTERNAL package:
 * a module the bundle does not hold, which would fail only when that code runs (esbuild does not
 * warn about a require it cannot see as one, like UMD's `factory(require, exports)`).
 */
export function requiresLeftIn(text) {
  const left = new Set();
  for (const [, name] of text.matchAll(/\b(?:__)?require\d*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    if (builtinModules.includes(bare.split('/')[0]) || builtinModules.includes(bare)) continue;
    if (isExternal(name)) continue;
    left.add(name);
  }
  return [...left].sort();
}

/** `name version (licence)` of every package the bundle took code from; each must be the version the package pins. */
function bundledPackages(metafile, pinned) {
  const inputs = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
  const names = new Set();
  for (const input of inputs) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.split(sep).join('/'));
    if (match) names.add(`${input.slice(0, match.index + match[0].length)}`);
  }
  return [...names].sort().map((folder) => {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    if (pinned[manifest.name] !== manifest.version) {
      throw new Error(`bundled ${manifest.name} ${manifest.version} from ${folder}, but the package depends on ${manifest.name} ${pinned[manifest.name] ?? '(not at all)'}`);
    }
    return `${manifest.name} ${manifest.version} (${manifest.license ?? 'see its package'})`;
  });
}

/** The plugin's source folder (packages/nx-kubeflow), whose node_modules hold its dependencies. */
const SOURCE_PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleCommands(packageFolder) {
  const packageSource = resolve(packageFolder, 'src');
  const pinned = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8')).dependencies ?? {};
  const commandsFolder = join(packageSource, 'commands');
  const written = [];
  for (const command of COMMANDS) {
    const outfile = join(commandsFolder, command.bundle);
    const result = await build({
      stdin: {
        contents: `require('../process/command-main').runCommandMain(require(${JSON.stringify(command.module)}).main);\n`,
        resolveDir: commandsFolder,
        sourcefile: `${command.bundle} entry`,
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // a package's ES module build where it has one: UMD builds (jsonc-parser's main) hide their requires from esbuild
      mainFields: ['module', 'main'],
      external: EXTERNAL,
      plugins: [resolveFromSourcePackage(SOURCE_PACKAGE), relocateModulePaths(packageSource, commandsFolder)],
      legalComments: 'eof',
      metafile: true,
      write: false,
      outfile,
      logLevel: 'silent',
    });
    if (result.warnings.length > 0) {
      throw new Error(`esbuild warned while bundling ${command.bundle}:\n${result.warnings.map((warning) => `${warning.location?.file}:${warning.location?.line}: ${warning.text}`).join('\n')}`);
    }
    const unbundled = requiresLeftIn(result.outputFiles[0].text);
    if (unbundled.length > 0) {
      throw new Error(`${command.bundle} would require at run time what it does not hold: ${unbundled.join(', ')} (a require esbuild could not follow, as in a UMD wrapper: bundle the package's ES module build, or add it to EXTERNAL)`);
    }
    const header = [
      `// nx-kubeflow: ${command.module.replace('../', 'src/')}.js and what it requires, bundled by scripts/bundle-commands.mjs (src/commands/command-bundle.ts runs it).`,
      `// Bundled packages: ${bundledPackages(result.metafile, pinned).join(', ') || 'none'}.`,
    ].join('\n');
    const body = `${header}\n${result.outputFiles[0].text}`;
    const id = createHash('sha256').update(body).digest('hex').slice(0, 24);
    writeFileSync(outfile, `${body}//# nx-kubeflow-bundle ${id}\n`);
    written.push(`${relative(process.cwd(), outfile)} (${Math.round(Buffer.byteLength(body) / 1024)} KB, ${id})`);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node packages/nx-kubeflow/scripts/bundle-commands.mjs <built package folder>');
    process.exit(2);
  }
  bundleCommands(folder).then(
    (written) => console.log(`Bundled the commands:\n  ${written.join('\n  ')}`),
    (error) => {
      console.error(`bundle-commands: ${error.message}`);
      process.exit(1);
    },
  );
}
