// Times loadSettings in this process, from the plugin's TypeScript source (no build).
// Usage: node load-settings-in-process.cjs <runs> <warmup> <settings.toml>...
// Prints one JSON line: {"seconds": [...], "keys": n}.
require('@swc-node/register');
const { join } = require('node:path');
const { loadSettings } = require(join(__dirname, '../../../packages/nx-kubeflow/src/settings'));

const [runs, warmup, ...files] = process.argv.slice(2);
const seconds = [];
let keys = 0;
for (let i = 0; i < Number(warmup) + Number(runs); i++) {
  const start = process.hrtime.bigint();
  const loaded = loadSettings({ files, environ: {}, env: 'development' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (i >= Number(warmup)) seconds.push(elapsed);
  keys = Object.keys(loaded.origins).length;
}
console.log(JSON.stringify({ seconds, keys }));
