// The interpreter probe the venv, test and lint executors make, spawned against answered from its
// on-disk cache (issue 15), in alternating pairs. After `npx nx run nx-kubeflow:build`:
//   node tools/bench/lib/interpreter-probe-cache.cjs dist/packages/nx-kubeflow
const { findPythonInterpreter } = require(require('path').resolve(process.argv[2] ?? 'dist/packages/nx-kubeflow', 'src/python/interpreter'));
const { mkdtempSync, rmSync } = require('fs'); const { join } = require('path'); const os = require('os');
(async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'probe-bench-')); const cacheFile = join(dir, 'c.json');
  await findPythonInterpreter(undefined, process.env, { cacheFile });
  const probe = [], hit = [];
  for (let i = 0; i < 15; i++) {
    let t = process.hrtime.bigint(); await findPythonInterpreter(undefined, process.env); probe.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint(); await findPythonInterpreter(undefined, process.env, { cacheFile }); hit.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
  console.log(`python3 = ${require('child_process').execSync('command -v python3', { shell: '/bin/sh' }).toString().trim()}; 15 alternating pairs, median ms: probe spawned ${med(probe)}, cache hit ${med(hit)}; load ${os.loadavg()[0].toFixed(1)}`);
  rmSync(dir, { recursive: true });
})();
