/**
 * The kfp SDK with kfp.local's DockerRunner, from PyPI into a venv under tmp/
 * (its own: the conformance suites' tmp/kfp-venv has no `docker` package),
 * created once and reused while its stamp (the requirement line) matches.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './fixture-pipeline';

export const KFP_LOCAL_VENV = join(WORKSPACE_ROOT, 'tmp/kfp-local-venv');
/** kfp 2.17 is the release the issue ran; later 2.x keep kfp.local's DockerRunner. */
export const KFP_LOCAL_REQUIREMENTS = ['kfp>=2.17,<3', 'docker>=7'];
export const RUN_KFP_LOCAL = join(WORKSPACE_ROOT, 'tools/kfp-reference/run_kfp_local.py');

export type KfpLocalPython = { ok: true; python: string; version: string } | { ok: false; reason: string };

export function kfpLocalPython(): KfpLocalPython {
  const python = join(KFP_LOCAL_VENV, 'bin/python');
  const stampFile = join(KFP_LOCAL_VENV, '.requirements');
  const stamp = KFP_LOCAL_REQUIREMENTS.join(' ');
  const ready = () => existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (!ready()) {
    const venv = spawnSync('python3', ['-m', 'venv', '--clear', KFP_LOCAL_VENV], { encoding: 'utf8', timeout: 120_000 });
    if (venv.status !== 0) return { ok: false, reason: `python3 -m venv failed: ${venv.stderr || venv.error}` };
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...KFP_LOCAL_REQUIREMENTS], { encoding: 'utf8', timeout: 900_000 });
    if (pip.status !== 0) return { ok: false, reason: `pip install ${stamp} failed (PyPI unreachable?): ${(pip.stderr || String(pip.error)).slice(-500)}` };
    writeFileSync(stampFile, stamp);
  }
  const version = spawnSync(python, ['-c', 'import kfp, docker; print(kfp.__version__)'], { encoding: 'utf8' });
  if (version.status !== 0) return { ok: false, reason: `the kfp venv ${KFP_LOCAL_VENV} cannot import kfp and docker: ${version.stderr}` };
  return { ok: true, python, version: version.stdout.trim() };
}
