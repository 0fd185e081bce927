#!/usr/bin/env node
// Benchmark: how long `nx show projects` takes when nx-kubeflow infers N
// components, against the same tree described by plain project.json files.
// Daemon off. "Cold" rows remove .nx/workspace-data before every run, so each
// run builds the project graph from nothing (what CI and a fresh clone pay);
// "warm" rows leave it in place.
//
//   node tools/bench/graph-inference.mjs [--components 1000] [--runs 10] [--warmup 1] [--diagnose]
//   (or BENCH_COMPONENTS / BENCH_RUNS / BENCH_WARMUP; BENCH_KEEP=1 keeps the trees)
//
// --diagnose adds where the time goes: the plugin built to JS and installed in
// node_modules, the cold runs with plugins in-process (NX_ISOLATE_PLUGINS=false),
// and Nx's own timings (NX_PERF_LOGGING).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, markdownTable, quote, timeCommand } from './lib/timing.mjs';
import {
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
    diagnose: { type: 'boolean', default: false },
  },
});
const COMPONENTS = Number(flags.components);
const settings = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
const SEED = 'bench-seed';
const componentName = (i) => `bench-${String(i).padStart(4, '0')}`;

// 1. Plugin tree: one component from the real generator, copied N times.
const pluginTree = makeTempDir('plugin');
const plainTree = makeTempDir('plain');
let builtTree; // --diagnose only
try {
  console.log(`plugin tree: ${pluginTree}\nplain tree:  ${plainTree}`);
  console.log(`source: ${sourceRevision()}`);
  copyMinimalWorkspace(pluginTree);
  nx(pluginTree, ['g', 'nx-kubeflow:component', SEED, '--no-interactive']);
  const seedDir = join(pluginTree, 'components', SEED);
  const seedFiles = listFiles(seedDir).map((file) => [relative(seedDir, file), readFileSync(file, 'utf8')]);
  for (let i = 1; i <= COMPONENTS; i++) {
    // The name appears as bench-seed (folder, yaml, pyproject) and bench_seed (module).
    const name = componentName(i);
    const rename = (text) => text.replaceAll(SEED, name).replaceAll(SEED.replace('-', '_'), name.replace('-', '_'));
    for (const [file, text] of seedFiles) {
      const target = join(pluginTree, 'components', name, rename(file));
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, rename(text));
    }
  }
  rmSync(seedDir, { recursive: true });

  // 2. Plain tree: same files, no plugin; each project.json states what the
  // plugin infers (taken from the plugin tree, so the two cannot drift), and
  // implicitDependencies stands in for createDependencies' edge to the runtime.
  copyMinimalWorkspace(plainTree);
  const nxJson = readJson(join(plainTree, 'nx.json'));
  delete nxJson.plugins;
  writeJson(join(plainTree, 'nx.json'), nxJson);
  if (COMPONENTS > 0) cpSync(join(pluginTree, 'components'), join(plainTree, 'components'), { recursive: true });
  const inferred = (name) => JSON.parse(nx(pluginTree, ['show', 'project', name, '--json']));
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

  // 3. Check the two trees describe the same graph before timing anything.
  const expected = COMPONENTS + 2; // + component-runtime and nx-kubeflow
  for (const [label, tree] of [['plugin', pluginTree], ['plain', plainTree]]) {
    const projects = nx(tree, ['show', 'projects']).split('\n').filter(Boolean);
    const graphFile = join(tree, 'graph.json');
    nx(tree, ['graph', `--file=${graphFile}`]);
    const { graph } = readJson(graphFile);
    rmSync(graphFile);
    const runtimeEdges = Object.values(graph.dependencies)
      .flat()
      .filter((edge) => edge.target === 'component-runtime').length;
    console.log(`${label}: ${projects.length} projects, ${runtimeEdges} edges to component-runtime`);
    if (projects.length !== expected) throw new Error(`${label} tree lists ${projects.length} projects, expected ${expected}`);
    if (runtimeEdges !== COMPONENTS) throw new Error(`${label} tree has ${runtimeEdges} edges to component-runtime, expected ${COMPONENTS}`);
  }
  if (COMPONENTS > 0) {
    const name = componentName(COMPONENTS);
    const [fromPlugin, fromPlain] = [pluginTree, plainTree].map((tree) => {
      const { implicitDependencies, ...project } = JSON.parse(nx(tree, ['show', 'project', name, '--json']));
      return JSON.stringify(project);
    });
    if (fromPlugin !== fromPlain) throw new Error(`${name} differs between the trees:\n${fromPlugin}\n${fromPlain}`);
  }

  // 4. Time it. Cold: graph cache removed before each run. Warm: left in place.
  const showProjects = (tree, env = '') => `cd ${quote(tree)} && NX_DAEMON=false ${env}${quote(nxBin(tree))} show projects`;
  const clearCache = (tree) => `rm -rf ${quote(join(tree, '.nx/workspace-data'))}`;
  console.log(`before timing: ${loadAverage()}`);
  const cold = [
    { name: 'plain project.json, cold', command: showProjects(plainTree), prepare: clearCache(plainTree) },
    { name: 'nx-kubeflow plugin, cold', command: showProjects(pluginTree), prepare: clearCache(pluginTree) },
  ].map((testCase) => timeCommand(testCase, settings));
  const warm = [
    { name: 'plain project.json, warm cache', command: showProjects(plainTree) },
    { name: 'nx-kubeflow plugin, warm cache', command: showProjects(pluginTree) },
  ].map((testCase) => timeCommand(testCase, settings));

  console.log(`\n${COMPONENTS} components (${expected} projects), NX_DAEMON=false, ${settings.runs} runs each after ${settings.warmup} warm-up\n`);
  console.log(`${markdownTable(cold)}\n\n${markdownTable(warm)}\n\nafter timing: ${loadAverage()}`);

  if (flags.diagnose) {
    builtTree = makeBuiltPluginTree(pluginTree);
    const diagnosis = [
      { name: 'plain project.json, cold', command: showProjects(plainTree), prepare: clearCache(plainTree) },
      { name: 'nx-kubeflow from source (as above), cold', command: showProjects(pluginTree), prepare: clearCache(pluginTree) },
      { name: 'nx-kubeflow built, in node_modules, cold', command: showProjects(builtTree), prepare: clearCache(builtTree) },
      {
        name: 'plain project.json, cold, NX_ISOLATE_PLUGINS=false',
        command: showProjects(plainTree, 'NX_ISOLATE_PLUGINS=false '),
        prepare: clearCache(plainTree),
      },
      {
        name: 'nx-kubeflow from source, cold, NX_ISOLATE_PLUGINS=false',
        command: showProjects(pluginTree, 'NX_ISOLATE_PLUGINS=false '),
        prepare: clearCache(pluginTree),
      },
    ].map((testCase) => timeCommand(testCase, settings));
    console.log(`\nWhere the plugin's extra time goes (${COMPONENTS} components, cold, daemon off):\n\n${markdownTable(diagnosis)}`);
    console.log(`\nNx's timings (NX_PERF_LOGGING), median of ${settings.runs} cold runs, ms. Spans overlap (workers run in parallel), so they do not add up.\n`);
    console.log(
      perfTable({
        'plain project.json': perfMarks(plainTree),
        'nx-kubeflow from source': perfMarks(pluginTree),
        'nx-kubeflow built': perfMarks(builtTree),
      }),
    );
    console.log(`\nafter diagnosis: ${loadAverage()}`);
  }
} finally {
  removeUnlessKept(pluginTree);
  removeUnlessKept(plainTree);
  if (builtTree) removeUnlessKept(builtTree);
}

/**
 * The plugin tree with nx-kubeflow compiled to JS and placed in node_modules,
 * as a workspace that installs the published package would have it. Nx then
 * resolves it like any package: no TS transpiling, and no pass over the
 * workspace's project.json/package.json files to find a local plugin.
 */
function makeBuiltPluginTree(from) {
  const tree = makeTempDir('built');
  cpSync(from, tree, { recursive: true, verbatimSymlinks: true });
  rmSync(join(tree, '.nx'), { recursive: true, force: true });
  const installed = join(tree, 'node_modules/nx-kubeflow');
  rmSync(installed); // the link to packages/nx-kubeflow
  const plugin = join(tree, 'packages/nx-kubeflow');
  // tsc emits even if someone's work in progress has type errors; only the graph code matters here.
  spawnSync(nxBin(tree).replace(/nx$/, 'tsc'), ['-p', join(plugin, 'tsconfig.lib.json'), '--outDir', installed, '--rootDir', plugin], {
    cwd: tree,
    stdio: 'ignore',
  });
  for (const file of ['package.json', 'executors.json', 'generators.json']) cpSync(join(plugin, file), join(installed, file));
  symlinkSync(realpathSync(join(plugin, 'node_modules')), join(installed, 'node_modules'), 'dir');
  const projects = nx(tree, ['show', 'projects']).split('\n').filter(Boolean).length;
  if (projects !== COMPONENTS + 2) throw new Error(`built-plugin tree lists ${projects} projects, expected ${COMPONENTS + 2}`);
  return tree;
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
