#!/usr/bin/env node
// Benchmark: how long `nx show projects` takes when nx-kubeflow infers N
// components, against the same tree described by plain project.json files.
// Four trees of the same N components: the plugin as a user has it (the
// package built by `nx run nx-kubeflow:build`, packed by npm and unpacked in
// node_modules), plain project.json files (no plugin), the "floor" (the plain
// tree plus lib/floor-plugin, installed the same way: a plugin that is handed
// every component.yaml and does nothing, so it costs only what Nx charges any
// plugin), and this repository's own setup (the plugin loaded from its
// TypeScript source). Daemon off. "Cold" rows remove .nx/workspace-data
// before every run, so each run builds the project graph from nothing (what
// CI and a fresh clone pay); "warm" rows leave it in place. Issue 13's bar:
// installed within 1.2x of plain; issue 15's: 1.1x.
//
//   node tools/bench/graph-inference.mjs [--components 1000] [--runs 10] [--warmup 1] [--skip-source] [--diagnose]
//   (or BENCH_COMPONENTS / BENCH_RUNS / BENCH_WARMUP; BENCH_KEEP=1 keeps the trees)
//
// --skip-source leaves out the TypeScript-source tree (the slowest case; not
// what users pay), so more rounds fit in a command.
// --diagnose adds where the time goes: the plain, floor and installed trees
// with every plugin in-process (NX_ISOLATE_PLUGINS=false; Nx's built-in
// plugins, project.json's among them, run in workers too by default), the
// floor plugin without createDependencies, all in the same rounds as the
// main cases; and Nx's own timings (NX_PERF_LOGGING).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, pairedDifferenceMs, timeInRounds } from './lib/rounds.mjs';
import { loadAverage, markdownTable, quote } from './lib/timing.mjs';
import {
  buildPlugin,
  copyMinimalWorkspace,
  makeTempDir,
  nx,
  nxBin,
  readJson,
  removeUnlessKept,
  runNx,
  SOURCE_WORKSPACE,
  sourceRevision,
  writeJson,
} from './lib/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    components: { type: 'string', default: process.env.BENCH_COMPONENTS ?? '1000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
    'skip-source': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
  },
});
const COMPONENTS = Number(flags.components);
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const SEED = 'bench-seed';
const componentName = (i) => `bench-${String(i).padStart(4, '0')}`;
/** The installed plugin within these factors of plain project.json files: issue 13's, then issue 15's. */
const BARS = [1.2, 1.1];
/** The do-nothing plugin of the floor tree (lib/floor-plugin): its package name. */
const FLOOR_PLUGIN = 'nx-bench-floor';
const LIB = join(dirname(fileURLToPath(import.meta.url)), 'lib');

// 1. Source tree (this repository's setup): one component from the real
// generator, copied N times; the plugin loads from packages/nx-kubeflow/src.
const sourceTree = makeTempDir('source');
const installedTree = makeTempDir('installed');
const plainTree = makeTempDir('plain');
const floorTree = makeTempDir('floor');
const packDir = makeTempDir('pack');
try {
  console.log(`source tree:    ${sourceTree}\ninstalled tree: ${installedTree}\nplain tree:     ${plainTree}\nfloor tree:     ${floorTree}`);
  console.log(`source: ${sourceRevision()}`);
  copyMinimalWorkspace(sourceTree);
  nx(sourceTree, ['g', 'nx-kubeflow:component', SEED, '--no-interactive']);
  const seedDir = join(sourceTree, 'components', SEED);
  const seedFiles = listFiles(seedDir).map((file) => [relative(seedDir, file), readFileSync(file, 'utf8')]);
  for (let i = 1; i <= COMPONENTS; i++) {
    // The name appears as bench-seed (folder, yaml, pyproject) and bench_seed (module).
    const name = componentName(i);
    const rename = (text) => text.replaceAll(SEED, name).replaceAll(SEED.replace('-', '_'), name.replace('-', '_'));
    for (const [file, text] of seedFiles) {
      const target = join(sourceTree, 'components', name, rename(file));
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, rename(text));
    }
  }
  rmSync(seedDir, { recursive: true });

  // 2. Installed tree: a user's workspace. No plugin source, no tsconfig
  // paths, no npm workspaces: the published package (built, packed by npm,
  // unpacked) in node_modules/nx-kubeflow, the same nx.json, components and
  // component-runtime as the source tree.
  const tarball = packPlugin(buildPlugin(), packDir);
  makeUserWorkspace(installedTree, sourceTree);
  installPackage(installedTree, tarball);

  // 3. Plain tree: the same user workspace without the plugin; each
  // project.json states what the installed plugin infers (taken from `nx show
  // project --json` there, so the two cannot drift), and implicitDependencies
  // stands in for createDependencies' edge to the runtime.
  makeUserWorkspace(plainTree, sourceTree);
  const nxJson = readJson(join(plainTree, 'nx.json'));
  delete nxJson.plugins;
  writeJson(join(plainTree, 'nx.json'), nxJson);
  const inferred = (name) => JSON.parse(nx(installedTree, ['show', 'project', name, '--json']));
  const asProjectJson = ({ root, ...project }, implicitDependencies) => ({ ...project, implicitDependencies });
  writeJson(join(plainTree, 'packages/component-runtime/project.json'), asProjectJson(inferred('component-runtime'), []));
  if (COMPONENTS > 0) {
    const template = asProjectJson(inferred(componentName(1)), ['component-runtime']);
    for (let i = 1; i <= COMPONENTS; i++) {
      const name = componentName(i);
      const json = JSON.stringify(template).replaceAll(componentName(1), name);
      writeJson(join(plainTree, 'components', name, 'project.json'), JSON.parse(json));
    }
  }

  // 3b. Floor tree: the plain tree (its project.json files and all) plus a
  // plugin that is handed every component.yaml and returns nothing for them,
  // installed as nx-kubeflow is and registered in nx.json as nx-kubeflow is.
  // Over plain, it costs only what Nx charges any plugin of nx-kubeflow's
  // shape (lib/floor-plugin/index.js says what that is).
  cpSync(plainTree, floorTree, { recursive: true, verbatimSymlinks: true });
  cpSync(join(LIB, 'floor-plugin'), join(floorTree, 'node_modules', FLOOR_PLUGIN), { recursive: true });
  writeJson(join(floorTree, 'nx.json'), { ...nxJson, plugins: [FLOOR_PLUGIN] });

  // 4. Check the trees describe the same graph before timing anything: the
  // components and component-runtime (+ nx-kubeflow itself in the source tree).
  for (const [label, tree, expected] of [
    ['installed', installedTree, COMPONENTS + 1],
    ['plain', plainTree, COMPONENTS + 1],
    ['floor', floorTree, COMPONENTS + 1],
    ...(flags['skip-source'] ? [] : [['source', sourceTree, COMPONENTS + 2]]),
  ]) {
    const floorReport = join(packDir, 'floor-files');
    const projects = nx(tree, ['show', 'projects'], { BENCH_FLOOR_REPORT: floorReport }).split('\n').filter(Boolean);
    const graphFile = join(tree, 'graph.json');
    nx(tree, ['graph', `--file=${graphFile}`]);
    const { graph } = readJson(graphFile);
    rmSync(graphFile);
    const runtimeEdges = Object.values(graph.dependencies)
      .flat()
      .filter((edge) => edge.target === 'component-runtime').length;
    console.log(`${label}: ${projects.length} projects, ${runtimeEdges} edges to component-runtime`);
    if (projects.length !== expected) throw new Error(`${label} tree lists ${projects.length} projects, expected ${expected}`);
    if (tree === floorTree) {
      // the floor plugin was loaded and handed every component's component.yaml
      const handed = existsSync(floorReport) ? Number(readFileSync(floorReport, 'utf8')) : 0;
      console.log(`floor: ${FLOOR_PLUGIN} was handed ${handed} component.yaml files`);
      if (handed !== COMPONENTS) throw new Error(`${FLOOR_PLUGIN} was handed ${handed} files in the floor tree, expected ${COMPONENTS}`);
    }
    if (runtimeEdges !== COMPONENTS) throw new Error(`${label} tree has ${runtimeEdges} edges to component-runtime, expected ${COMPONENTS}`);
  }
  if (COMPONENTS > 0) {
    const name = componentName(COMPONENTS);
    const compared = [installedTree, plainTree, floorTree, ...(flags['skip-source'] ? [] : [sourceTree])];
    const [fromInstalled, fromPlain, fromFloor, fromSource] = compared.map((tree) => {
      const { implicitDependencies, ...project } = JSON.parse(nx(tree, ['show', 'project', name, '--json']));
      // the one intended difference: how the plugin's commands start (plain node for the built package,
      // swc for the TypeScript source; graph/inferred-targets.ts, commandLauncher)
      return JSON.stringify(project)
        .replace(/SWC_NODE_PROJECT=\S+ node -r @swc-node\/register packages\/nx-kubeflow\/src\/(\w+)\/([\w-]+)\.ts/g, 'node <plugin>/src/$1/$2.js')
        .replace(/node node_modules\/nx-kubeflow\/src\/(\w+)\/([\w-]+)\.js/g, 'node <plugin>/src/$1/$2.js');
    });
    if (fromInstalled !== fromPlain) throw new Error(`${name} differs between the installed and plain trees:\n${fromInstalled}\n${fromPlain}`);
    if (fromFloor !== fromPlain) throw new Error(`${name} differs between the floor and plain trees:\n${fromFloor}\n${fromPlain}`);
    if (fromSource !== undefined && fromInstalled !== fromSource) throw new Error(`${name} differs between the installed and source trees:\n${fromInstalled}\n${fromSource}`);
  }

  // 5. Time it. Cold: graph cache removed before each run. Warm: left in place.
  const showProjects = (tree, env = '') => `cd ${quote(tree)} && NX_DAEMON=false ${env}${quote(nxBin(tree))} show projects`;
  const clearCache = (tree) => `rm -rf ${quote(join(tree, '.nx/workspace-data'))}`;
  const inProcess = 'NX_ISOLATE_PLUGINS=false ';
  const cases = [
    { key: 'plain', name: 'plain project.json', tree: plainTree },
    { key: 'floor', name: `floor: plain + a do-nothing plugin (${FLOOR_PLUGIN})`, tree: floorTree },
    { key: 'installed', name: 'nx-kubeflow installed (published package)', tree: installedTree },
    ...(flags['skip-source'] ? [] : [{ key: 'source', name: 'nx-kubeflow from TypeScript source (this repo)', tree: sourceTree }]),
    ...(flags.diagnose
      ? [
          { key: 'floorNodesOnly', name: 'floor, createNodes only (no createDependencies)', tree: floorTree, env: 'BENCH_FLOOR_HOOKS=createNodes ' },
          { key: 'plainInProcess', name: 'plain project.json, NX_ISOLATE_PLUGINS=false', tree: plainTree, env: inProcess },
          { key: 'floorInProcess', name: 'floor, NX_ISOLATE_PLUGINS=false', tree: floorTree, env: inProcess },
          { key: 'installedInProcess', name: 'nx-kubeflow installed, NX_ISOLATE_PLUGINS=false', tree: installedTree, env: inProcess },
        ]
      : []),
  ];
  // The cases take turns, one run each per round, so a change in the machine's
  // load (other work on the same 2 vCPUs) falls on all of them alike; each
  // round also gives paired ratios and differences between them.
  console.log(`before timing: ${loadAverage()}`);
  const cold = timeInRounds(
    cases.map(({ name, tree, env }) => ({ name: `${name}, cold`, command: showProjects(tree, env), prepare: clearCache(tree) })),
    settings,
  );
  console.log(`between cold and warm: ${loadAverage()}`);
  const warm = timeInRounds(cases.map(({ name, tree, env }) => ({ name: `${name}, warm cache`, command: showProjects(tree, env) })), settings);

  console.log(`\n${COMPONENTS} components, NX_DAEMON=false, ${settings.runs} rounds after ${settings.warmup} warm-up, cases in turn within each round\n`);
  console.log(`${markdownTable(cold)}\n\n${markdownTable(warm)}\n\nafter timing: ${loadAverage()}\n`);
  // installed - plain = (floor - plain: what Nx charges any plugin) + (installed - floor: nx-kubeflow's own work)
  const comparisons = [
    ['installed', 'plain', 'issue 13 and 15'],
    ['floor', 'plain', "Nx's per-plugin floor"],
    ['installed', 'floor', "nx-kubeflow's own work"],
    ...(flags.diagnose
      ? [
          ['floorNodesOnly', 'plain', 'the floor without createDependencies'],
          ['plain', 'plainInProcess', 'plain: what isolation costs Nx\'s own three plugins'],
          ['floorInProcess', 'plainInProcess', 'the floor with every plugin in-process'],
          ['installedInProcess', 'plainInProcess', 'installed with every plugin in-process'],
          ['installedInProcess', 'floorInProcess', "nx-kubeflow's own work, in-process"],
        ]
      : []),
  ];
  for (const [label, rows] of [['cold', cold], ['warm', warm]]) {
    const row = Object.fromEntries(cases.map(({ key }, index) => [key, rows[index]]));
    for (const [a, b, meaning] of comparisons) {
      const line = `${label}: ${a} / ${b} = ${comparison(row[a], row[b])} (${meaning})`;
      console.log(a === 'installed' && b === 'plain' ? `${line}: ${BARS.map((bar) => `${pairedRatio(row[a], row[b]) <= bar ? 'within' : 'NOT within'} ${bar}x`).join(', ')}` : line);
    }
  }

  if (flags.diagnose) {
    const traced = cases.filter(({ env }) => !env);
    console.log(`\nNx's timings (NX_PERF_LOGGING), median of ${settings.runs} cold runs, ms. Spans overlap (workers run in parallel), so they do not add up.\n`);
    console.log(perfTable(Object.fromEntries(traced.map(({ name, tree }) => [name, perfMarks(tree)]))));
    console.log(`\nafter diagnosis: ${loadAverage()}`);
  }
} finally {
  for (const tree of [sourceTree, installedTree, plainTree, floorTree]) removeUnlessKept(tree);
  rmSync(packDir, { recursive: true, force: true });
}

/** Median over the rounds of a's time over b's (the two ran back to back in each round). */
function pairedRatio(a, b) {
  return median(a.times.map((time, round) => time / b.times[round]));
}

/** a against b: paired ratio and difference (medians over the rounds), ratio of means and of CPU. */
function comparison(a, b) {
  const cpu = a.cpu !== undefined && b.cpu !== undefined ? `, CPU ${(a.cpu / b.cpu).toFixed(2)}` : '';
  const difference = pairedDifferenceMs(a, b);
  return (
    `${pairedRatio(a, b).toFixed(2)} (median of the rounds' ratios; ${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(0)} ms), ` +
    `means ${(a.mean / b.mean).toFixed(2)}${cpu}`
  );
}

/** `npm pack` of the built package, as `npm publish` would upload it; returns the tarball. */
function packPlugin(dist, into) {
  const [report] = JSON.parse(execFileSync('npm', ['pack', dist, '--json', '--pack-destination', into], { cwd: into, encoding: 'utf8' }));
  return join(into, report.filename);
}

/**
 * A user's workspace from the source tree's files: its nx.json (the plugin
 * registered), a package.json of its own (no npm workspaces), .gitignore,
 * packages/component-runtime and components/, and node_modules as links to
 * this repo's installed packages, without nx-kubeflow.
 */
function makeUserWorkspace(tree, from) {
  for (const file of ['nx.json', '.gitignore']) cpSync(join(from, file), join(tree, file));
  const version = readJson(join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/package.json')).version;
  writeJson(join(tree, 'package.json'), {
    name: 'bench-user-workspace',
    private: true,
    devDependencies: { nx: readJson(join(SOURCE_WORKSPACE, 'node_modules/nx/package.json')).version, 'nx-kubeflow': version },
  });
  cpSync(join(from, 'packages/component-runtime'), join(tree, 'packages/component-runtime'), { recursive: true });
  cpSync(join(from, 'components'), join(tree, 'components'), { recursive: true });
  const modules = join(tree, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(SOURCE_WORKSPACE, 'node_modules'))) {
    if (entry !== 'nx-kubeflow') symlinkSync(join(SOURCE_WORKSPACE, 'node_modules', entry), join(modules, entry));
  }
  execFileSync('git', ['init', '-q'], { cwd: tree });
}

/**
 * The tarball unpacked into node_modules/nx-kubeflow, a real folder as npm
 * installs it. Its own dependencies that this repo does not hoist (yaml 2,
 * smol-toml) go in its node_modules, as npm would nest them.
 */
function installPackage(tree, tarball) {
  const installed = join(tree, 'node_modules/nx-kubeflow');
  mkdirSync(installed);
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  mkdirSync(join(installed, 'node_modules'));
  const nested = join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/node_modules');
  for (const entry of readdirSync(nested)) symlinkSync(join(nested, entry), join(installed, 'node_modules', entry));
}

/** Median per NX_PERF_LOGGING mark over cold runs; repeated marks in one run (one per worker) are summed. */
function perfMarks(tree) {
  const samples = {};
  for (let run = 0; run < settings.runs; run++) {
    rmSync(join(tree, '.nx/workspace-data'), { recursive: true, force: true });
    const { stdout, stderr } = runNx(tree, ['show', 'projects'], { NX_PERF_LOGGING: 'true' });
    const totals = {};
    for (const [, mark, ms] of `${stdout}\n${stderr}`.matchAll(/Time taken for '(.+?)' ([\d.]+)ms/g)) {
      const name = mark.replace(/plugin worker \d+/, 'plugin worker *').replace(SOURCE_WORKSPACE + '/node_modules/', '');
      totals[name] = (totals[name] ?? 0) + Number(ms);
    }
    for (const [name, ms] of Object.entries(totals)) (samples[name] ??= []).push(ms);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

function perfTable(byTree) {
  const labels = Object.keys(byTree);
  const marks = [...new Set(labels.flatMap((label) => Object.keys(byTree[label])))].filter((mark) =>
    labels.some((label) => (byTree[label][mark] ?? 0) >= 10),
  );
  const cell = (value) => (value === undefined ? '—' : value.toFixed(0));
  return [
    `| Nx timing | ${labels.join(' | ')} |`,
    `| --- |${labels.map(() => ' ---: |').join('')}`,
    ...marks.map((mark) => `| ${mark} | ${labels.map((label) => cell(byTree[label][mark])).join(' | ')} |`),
  ].join('\n');
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
