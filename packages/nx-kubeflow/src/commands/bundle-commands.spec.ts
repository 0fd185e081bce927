import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundleId } from './command-bundle';

/** scripts/bundle-commands.mjs, as the nx-kubeflow:build target runs it on tsc's output. */
const SCRIPT = resolve(__dirname, '../../scripts/bundle-commands.mjs');
const PINNED_YAML = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).dependencies.yaml as string;

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A built package in small: the two command modules, what they require, a dependency of the plugin (yaml). */
function builtPackage(root: string, dependencies: Record<string, string> = { yaml: PINNED_YAML }): void {
  write(root, 'package.json', JSON.stringify({ name: 'nx-kubeflow', version: '0.0.0', dependencies }));
  write(root, 'src/process/command-main.js', 'exports.runCommandMain = (main) => main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n');
  write(root, 'src/local-runner/where.js', 'exports.folder = __dirname;\nexports.file = __filename;\n');
  write(
    root,
    'src/python/python-cli.js',
    [
      "const yaml = require('yaml');",
      "const where = require('../local-runner/where');",
      'exports.main = async (argv) => {',
      '  process.stdout.write(JSON.stringify({ yaml: yaml.stringify({ a: 1 }), folder: where.folder, file: where.file, own: __dirname, argv }));',
      '  return 0;',
      '};',
    ].join('\n'),
  );
  write(root, 'src/pipeline/pipeline-cli.js', 'exports.main = async () => 4;\n');
  mkdirSync(join(root, 'src/commands'), { recursive: true });
}

describe('scripts/bundle-commands.mjs', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nxk-bundle-commands-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const bundleCommands = () => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

  it('writes one file per command that runs without the modules it was made of, each module keeping its own folder', () => {
    builtPackage(root);
    const run = bundleCommands();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('python-cli.bundle.js');
    const bundle = join(root, 'src/commands/python-cli.bundle.js');
    const text = readFileSync(bundle, 'utf8');
    expect(text.split('\n')[1]).toBe(`// Bundled packages: yaml ${PINNED_YAML} (ISC).`);
    expect(bundleId(text)).toMatch(/^[0-9a-f]{24}$/);

    // the bundle holds the modules: gone from the package, they are still there
    rmSync(join(root, 'src/local-runner'), { recursive: true });
    rmSync(join(root, 'src/python'), { recursive: true });
    const ran = spawnSync(process.execPath, [bundle, 'test', 'alpha'], { cwd: root, encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({
      yaml: 'a: 1\n',
      folder: join(root, 'src/local-runner'),
      file: join(root, 'src/local-runner/where.js'),
      own: join(root, 'src/python'),
      argv: ['test', 'alpha'],
    });
    const pipeline = spawnSync(process.execPath, [join(root, 'src/commands/pipeline-cli.bundle.js')], { encoding: 'utf8' });
    expect(pipeline.status).toBe(4);
  });

  it('makes the same file from the same input (the build id is a hash of it)', () => {
    builtPackage(root);
    expect(bundleCommands().status).toBe(0);
    const first = readFileSync(join(root, 'src/commands/python-cli.bundle.js'), 'utf8');
    expect(bundleCommands().status).toBe(0);
    expect(readFileSync(join(root, 'src/commands/python-cli.bundle.js'), 'utf8')).toBe(first);
    write(root, 'src/local-runner/where.js', 'exports.folder = __dirname;\nexports.file = __filename + "";\n');
    expect(bundleCommands().status).toBe(0);
    expect(bundleId(readFileSync(join(root, 'src/commands/python-cli.bundle.js'), 'utf8'))).not.toBe(bundleId(first));
  });

  it('refuses a dependency of another version than the package pins', () => {
    builtPackage(root, { yaml: '0.0.1' });
    const run = bundleCommands();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`bundled yaml ${PINNED_YAML}`);
    expect(run.stderr).toContain('the package depends on yaml 0.0.1');
  });

  it('refuses a bundle that would still require a module it does not hold (a UMD wrapper hides its requires from esbuild)', () => {
    builtPackage(root);
    write(
      root,
      'src/python/umd.js',
      '(function (factory) { if (typeof module === "object") { var v = factory(require, exports); if (v !== undefined) module.exports = v; } })(function (require, exports) { exports.impl = require("./umd-impl"); });\n',
    );
    write(root, 'src/python/umd-impl.js', 'exports.x = 1;\n');
    write(root, 'src/python/python-cli.js', "require('./umd');\nexports.main = async () => 0;\n");
    const run = bundleCommands();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('python-cli.bundle.js would require at run time what it does not hold: ./umd-impl');
  });

  it('refuses code outside the package that names its own folder', () => {
    builtPackage(root);
    write(root, 'vendor/odd/index.js', 'module.exports = __dirname;\n');
    write(root, 'src/python/python-cli.js', "require('../../vendor/odd');\nexports.main = async () => 0;\n");
    const run = bundleCommands();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${join(root, 'vendor/odd/index.js')} names its own folder`);
  });
});
