#!/usr/bin/env node
// Settings loading time against the number of keys: it must grow linearly
// (it was quadratic: dynaconf's key-casing lookup scanned every key, 20,000
// keys took 17 s). Two shapes per size, each a pipeline file and a component
// file loaded together as for a component in a pipeline:
//   flat   N top-level keys in [default], half of them set again, in another
//          casing, by [development] of the second file;
//   nested N keys under [default.parameters], half merged again
//          (dynaconf_merge) by [development.parameters] of the second file.
//
//   node tools/bench/settings-load.mjs                  # sizes 1000,5000,20000; 5 runs
//   node tools/bench/settings-load.mjs --sizes 1000,2000 --runs 2 --warmup 0
//
// In-process time of loadSettings from the TypeScript source, after start-up.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAverage, markdownTable } from './lib/timing.mjs';
import { makeTempDir, removeUnlessKept, SOURCE_WORKSPACE } from './lib/workspace.mjs';

function option(flag, envName, fallback) {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : (process.env[envName] ?? fallback);
}
const SIZES = option('--sizes', 'BENCH_SETTINGS_SIZES', '1000,5000,20000').split(',').map(Number);
const RUNS = Number(option('--runs', 'BENCH_RUNS', 5));
const WARMUP = Number(option('--warmup', 'BENCH_WARMUP', 1));

function settingsFiles(dir, shape, size) {
  const pipeline = join(dir, `${shape}-${size}/pipeline/config/settings.toml`);
  const component = join(dir, `${shape}-${size}/component/config/settings.toml`);
  const first = [];
  const second = [];
  if (shape === 'flat') {
    first.push('[default]');
    for (let i = 0; i < size; i++) first.push(`key_${i} = ${i}`);
    second.push('[development]');
    for (let i = 0; i < size; i += 2) second.push(`KEY_${i} = "again"`);
  } else {
    first.push('[default.parameters]');
    for (let i = 0; i < size; i++) first.push(`key_${i} = ${i}`);
    second.push('[development]', 'dynaconf_merge = true', '[development.parameters]');
    for (let i = 0; i < size; i += 2) second.push(`KEY_${i} = "again"`);
  }
  for (const [file, lines] of [[pipeline, first], [component, second]]) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, lines.join('\n') + '\n');
  }
  return [pipeline, component];
}

function stats(name, seconds) {
  const n = seconds.length;
  const mean = seconds.reduce((a, b) => a + b, 0) / n;
  const stdev = n > 1 ? Math.sqrt(seconds.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { name, runs: n, mean, stdev, median, min: sorted[0], max: sorted[n - 1], cpu: undefined };
}

const dir = makeTempDir('settings');
try {
  console.log(loadAverage());
  for (const shape of ['flat', 'nested']) {
    const rows = [];
    for (const size of SIZES) {
      const files = settingsFiles(dir, shape, size);
      const result = spawnSync(process.execPath, [join(SOURCE_WORKSPACE, 'tools/bench/lib/load-settings-in-process.cjs'), String(RUNS), String(WARMUP), ...files], {
        cwd: SOURCE_WORKSPACE,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`loading ${shape} ${size} failed:\n${result.stderr}`);
      const { seconds, keys } = JSON.parse(result.stdout.trim().split('\n').pop());
      const row = stats(`${shape}, ${size} keys (${keys} leaves)`, seconds);
      row.name += `, ${((row.median * 1000 * 1000) / size).toFixed(1)} ms per 1000 keys`;
      rows.push(row);
    }
    console.log(`\n${shape}\n\n${markdownTable(rows)}`);
  }
  console.log(`\n${loadAverage()}`);
} finally {
  removeUnlessKept(dir);
}
