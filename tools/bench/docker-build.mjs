#!/usr/bin/env node
// Benchmark: docker-build. What the staged context holds against the component
// folder, and what a docker-build costs when nothing changed (stage, hash, ask
// the engine whether the tag exists, write image.json; no build).
//
//   node tools/bench/docker-build.mjs [--engine docker|podman|buildah] [--runs 10] [--warmup 1]
//   (or BENCH_RUNS / BENCH_WARMUP; BENCH_BASE_IMAGE, default localhost/python-base:bookworm;
//    BENCH_KEEP=1 keeps the tree)
//
// Needs a working engine holding the base image (see packages/nx-kubeflow/src/images/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, markdownTable, quote, timeCommand } from './lib/timing.mjs';
import { buildPlugin, copyMinimalWorkspace, makeTempDir, nxBin, NX_ENV, removeUnlessKept, runNx, SOURCE_WORKSPACE, sourceRevision } from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    engine: { type: 'string', default: process.env.BENCH_ENGINE ?? '' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
  },
});
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const COMPONENT = 'data-loader';
const BASE_IMAGE = process.env.BENCH_BASE_IMAGE ?? 'localhost/python-base:bookworm';

/** Files and bytes under a folder (symlinks counted, not followed). */
function folderSize(root) {
  let files = 0;
  let bytes = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files += 1;
        bytes += lstatSync(path).size;
      }
    }
  };
  walk(root);
  return { files, bytes };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const root = makeTempDir('docker-build');
try {
  console.log(`workspace: ${root}`);
  console.log(`source: ${sourceRevision()}`);
  const plugin = buildPlugin();
  copyMinimalWorkspace(root);
  const componentFiles = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', `components/${COMPONENT}`], {
    cwd: SOURCE_WORKSPACE,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of componentFiles) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(SOURCE_WORKSPACE, file), join(root, file));
  }

  // One docker-build from the built plugin, as deploy calls it in-process; argv: workspace, engine.
  const script = join(root, 'bench-docker-build.cjs');
  writeFileSync(
    script,
    `const { buildComponentImage } = require(${JSON.stringify(join(plugin, 'src/images/index.js'))});
buildComponentImage({
  workspaceRoot: process.argv[2], projectName: ${JSON.stringify(COMPONENT)}, projectRoot: 'components/${COMPONENT}',
  engine: process.argv[3] || undefined, buildArgs: { BASE_IMAGE: ${JSON.stringify(BASE_IMAGE)} }, log: () => {},
}).then((r) => { if (process.argv[4]) console.log(JSON.stringify(r)); }, (e) => { console.error(e.message); process.exit(1); });
`,
  );
  const started = Date.now();
  const first = spawnSync('node', [script, root, flags.engine, 'print'], { encoding: 'utf8' });
  if (first.status !== 0) throw new Error(`first build failed:\n${first.stderr}`);
  const record = JSON.parse(first.stdout);
  console.log(`first docker-build (${record.engine}, ${record.skipped ? 'found existing image' : 'built'}): ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const folder = folderSize(join(SOURCE_WORKSPACE, 'components', COMPONENT));
  const context = folderSize(join(root, 'dist/components', COMPONENT, 'context'));
  const component = folderSize(join(root, 'dist/components', COMPONENT, 'context/component'));
  const packages = folderSize(join(root, 'dist/components', COMPONENT, 'context/packages'));
  console.log(`\nStaged context of ${COMPONENT} against its folder in this checkout\n`);
  console.log('| what | files | size |\n| --- | ---: | ---: |');
  console.log(`| components/${COMPONENT} in this checkout (with whatever .venv, egg-info, caches it holds) | ${folder.files} | ${kib(folder.bytes)} |`);
  console.log(`| staged context: component/ | ${component.files} | ${kib(component.bytes)} |`);
  console.log(`| staged context: packages/ (component-runtime) | ${packages.files} | ${kib(packages.bytes)} |`);
  console.log(`| staged context, total | ${context.files} | ${kib(context.bytes)} |`);

  const engineArg = flags.engine ? ` --engine=${flags.engine}` : '';
  const cases = [
    { name: 'docker-build, no change: library call (node + stage + hash + image check)', command: `node ${quote(script)} ${quote(root)} ${quote(flags.engine)}` },
  ];
  const shown = runNx(root, ['show', 'project', COMPONENT, '--json']);
  if (shown.status === 0 && JSON.parse(shown.stdout).targets?.['docker-build']) {
    const env = Object.entries({ ...NX_ENV, DYNACONF_IMAGE__BASE: BASE_IMAGE }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    cases.push({
      name: 'NX_DAEMON=false nx run data-loader:docker-build --skip-nx-cache, no change',
      command: `cd ${quote(root)} && ${env} ${quote(nxBin(root))} run ${COMPONENT}:docker-build --skip-nx-cache${engineArg}`,
    });
  } else {
    console.log('\n(no inferred docker-build target in this workspace: the nx row is left out)');
  }
  console.log(`\nbefore timing: ${loadAverage()}`);
  const rows = cases.map((testCase) => timeCommand(testCase, settings));
  console.log(`\nNo-change docker-build with ${record.engine}, ${settings.runs} runs each after ${settings.warmup} warm-up\n`);
  console.log(`${markdownTable(rows)}\n\nafter timing: ${loadAverage()}`);
} finally {
  removeUnlessKept(root);
}
