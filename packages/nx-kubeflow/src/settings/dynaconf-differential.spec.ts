/**
 * Differential test: real dynaconf (latest from PyPI, in a cached venv) loads
 * every case of the fixture corpus, and the TypeScript loader must agree on
 * every one, errors included. dynaconf is the judge: no expected values here.
 *
 * Corpus: __fixtures__/dynaconf-corpus/<case>/
 *   case.json                       {description, env?, environ?}
 *   pipeline/config/settings.toml   optional, with optional settings.local.toml
 *   component/config/settings.toml  optional, with optional settings.local.toml
 *
 * The venv lives in <workspace>/tmp/dynaconf-venv/<stamp> (else the OS temp
 * dir); the stamp is the Python version and the month, so "latest dynaconf"
 * is refreshed monthly. Without Python, venv or PyPI the suite is skipped
 * with a warning saying why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TomlDate } from 'smol-toml';
import { LeftoverDynaconfMarker, loadSettings } from './load-settings';
import { pythonIsoFormat } from './python-values';
import { settingsFilesFor } from './settings-files';
import { errorDisagreement, type DynaconfFailure } from './testing/dynaconf-error-agreement';
import { requireOrSkip } from '../testing/suite-requirements';

const CORPUS_DIR = join(__dirname, '__fixtures__', 'dynaconf-corpus');
const RUNNER = join(__dirname, 'dynaconf_reference_loader.py');
const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..', '..');
const SETUP_TIMEOUT_MS = 300_000;

interface CorpusCase {
  name: string;
  description: string;
  files: string[];
  env?: string;
  environ: Record<string, string>;
}

type ReferenceResult = { id: string; ok: true; values: Record<string, unknown> } | ({ id: string; ok: false } & DynaconfFailure);

type DynaconfReference = { available: true; python: string; version: string } | { available: false; reason: string };

function readCorpus(): CorpusCase[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const caseDir = join(CORPUS_DIR, entry.name);
      const meta = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf-8'));
      const projectRoot = (name: string) => (existsSync(join(caseDir, name)) ? join(caseDir, name) : undefined);
      return {
        name: entry.name,
        description: meta.description,
        files: settingsFilesFor({ pipelineRoot: projectRoot('pipeline'), componentRoot: projectRoot('component') }),
        env: meta.env,
        environ: meta.environ ?? {},
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function run(command: string, args: string[], timeoutMs = SETUP_TIMEOUT_MS) {
  return spawnSync(command, args, { encoding: 'utf-8', timeout: timeoutMs, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
}

function venvCacheRoot(): string {
  const workspaceTmp = join(WORKSPACE_ROOT, 'tmp');
  try {
    mkdirSync(join(workspaceTmp, 'dynaconf-venv'), { recursive: true });
    return join(workspaceTmp, 'dynaconf-venv');
  } catch {
    return join(tmpdir(), 'nx-kubeflow-dynaconf-venv');
  }
}

/** Creates (once) the venv with the latest dynaconf; synchronous so the suite can be skipped when it fails. */
function prepareDynaconfReference(): DynaconfReference {
  const pythonVersion = run('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], 30_000);
  if (pythonVersion.status !== 0) return { available: false, reason: 'python3 is not on PATH' };
  const stamp = `py${pythonVersion.stdout.trim()}-${new Date().toISOString().slice(0, 7)}`;
  const venv = join(venvCacheRoot(), stamp);
  const python = join(venv, 'bin', 'python');
  const readyMarker = join(venv, '.dynaconf-ready');
  if (!existsSync(readyMarker)) {
    rmSync(venv, { recursive: true, force: true });
    const created = run('python3', ['-m', 'venv', venv]);
    if (created.status !== 0) return { available: false, reason: `python3 -m venv failed: ${tail(created.stderr)}` };
    const installed = run(python, ['-m', 'pip', 'install', '--quiet', 'dynaconf']);
    if (installed.status !== 0) {
      rmSync(venv, { recursive: true, force: true });
      return { available: false, reason: `pip install dynaconf failed (no PyPI?): ${tail(installed.stderr || String(installed.error))}` };
    }
    writeFileSync(readyMarker, new Date().toISOString());
  }
  const version = run(python, ['-c', 'import dynaconf, importlib.metadata as m; print(m.version("dynaconf"))'], 30_000);
  if (version.status !== 0) return { available: false, reason: `dynaconf does not import: ${tail(version.stderr)}` };
  return { available: true, python, version: version.stdout.trim() };
}

function tail(text: string | undefined): string {
  return (text ?? '').trim().split('\n').slice(-3).join(' | ');
}

function runReference(python: string, cases: CorpusCase[]): Map<string, ReferenceResult> {
  const input = cases.map((entry) => ({ id: entry.name, files: entry.files, env: entry.env ?? null, environ: entry.environ }));
  const result = spawnSync(python, [RUNNER], { input: JSON.stringify(input), encoding: 'utf-8', timeout: SETUP_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`reference loader failed: ${result.stderr}`);
  const results = JSON.parse(result.stdout) as ReferenceResult[];
  return new Map(results.map((entry) => [entry.id, entry]));
}

/** The TypeScript values in the reference loader's JSON vocabulary (dates, non-finite floats and markers tagged). */
function comparable(value: unknown): unknown {
  if (value instanceof TomlDate) return { $datetime: pythonIsoFormat(value) };
  if (value instanceof LeftoverDynaconfMarker) return { $meta: value.marker };
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' };
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, comparable(item)]));
  }
  return value;
}

function loadWithPlugin(entry: CorpusCase): { ok: true; values: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, values: comparable(loadSettings({ files: entry.files, env: entry.env, environ: entry.environ }).values) };
  } catch (error) {
    return { ok: false, error };
  }
}

const corpus = readCorpus();
const reference = prepareDynaconfReference();
requireOrSkip(`dynaconf differential test (${corpus.length} cases)`, 'pypi', reference.available ? undefined : reference.reason);
const describeWithDynaconf = reference.available ? describe : describe.skip;

describe('dynaconf corpus', () => {
  it('has at least 30 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });
});

describeWithDynaconf(`TypeScript loader agrees with dynaconf ${reference.available ? reference.version : ''}`, () => {
  let results = new Map<string, ReferenceResult>();

  beforeAll(() => {
    if (reference.available) results = runReference(reference.python, corpus);
  }, SETUP_TIMEOUT_MS);

  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const expected = results.get(entry.name);
    if (expected === undefined) throw new Error(`no reference result for ${entry.name}`);
    const actual = loadWithPlugin(entry);
    if (!expected.ok) {
      if (actual.ok) {
        throw new Error(`dynaconf fails (${expected.errorType}: ${expected.error}) but the plugin loaded ${JSON.stringify(actual.values)}`);
      }
      // the same kind of error, naming the file dynaconf was reading and the line tomllib named
      expect(errorDisagreement(expected, actual.error)).toBeUndefined();
      return;
    }
    if (!actual.ok) throw actual.error;
    expect(actual.values).toEqual(expected.values);
    // Key order too: dynaconf's merges have a defined order, and users read the printed settings.
    expect(JSON.stringify(actual.values)).toBe(JSON.stringify(expected.values));
  });
});
