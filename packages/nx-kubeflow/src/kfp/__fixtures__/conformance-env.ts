/**
 * Test-only: where the conformance suites find their outside inputs, and why
 * they skip when those are missing. ../shared/kfp holds the upstream golden
 * files and protos; the kfp SDK comes from PyPI into a venv under tmp/,
 * created once and reused while its stamp (the requirement line) matches.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SuiteRequirement } from '../../testing/suite-requirements';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../../..');
/** ../shared/kfp beside the checkout, or wherever NX_KUBEFLOW_SHARED_KFP points (a clone elsewhere). */
export const SHARED_KFP = process.env.NX_KUBEFLOW_SHARED_KFP
  ? resolve(process.env.NX_KUBEFLOW_SHARED_KFP)
  : resolve(WORKSPACE_ROOT, '../shared/kfp');
export const TOOLS = join(WORKSPACE_ROOT, 'tools/kfp-reference');
export const VENV = join(WORKSPACE_ROOT, 'tmp/kfp-venv');
/** Latest kfp 2.x and the kfp-kubernetes that goes with it; protobuf and PyYAML come with them. */
export const REQUIREMENTS = ['kfp>=2,<3', 'kfp-kubernetes'];
const STAMP = join(VENV, '.nx-kubeflow-stamp');

/** When not ok: why, and which outside resource is missing (CI requires them all: src/testing/suite-requirements.ts). */
export type Availability = { ok: true; python: string } | { ok: false; reason: string; requirement: SuiteRequirement };

export function sharedKfpMissing(): string | undefined {
  return existsSync(join(SHARED_KFP, 'golden')) ? undefined : `${SHARED_KFP} is absent (upstream golden files and protos)`;
}

function run(cmd: string, args: string[], timeoutMs: number) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
}

const LOCK = `${VENV}.lock`;
const LOCK_STALE_MS = 15 * 60_000;

function venvReady(): boolean {
  return existsSync(join(VENV, 'bin/python')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === REQUIREMENTS.join(' ');
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Jest runs the suites in parallel workers; the first one to take the lock
 * (an atomic mkdir) builds the venv while the others wait for it.
 */
function withVenvLock(build: () => Availability): Availability {
  mkdirSync(join(WORKSPACE_ROOT, 'tmp'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(1000);
    }
  }
  try {
    return venvReady() ? { ok: true, python: join(VENV, 'bin/python') } : build();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A venv with kfp; created at most once per requirement set. */
export function kfpPython(): Availability {
  if (venvReady()) return { ok: true, python: join(VENV, 'bin/python') };
  return withVenvLock(createVenv);
}

function createVenv(): Availability {
  const python = join(VENV, 'bin/python');
  const stamp = REQUIREMENTS.join(' ');
  const venv = run('python3', ['-m', 'venv', '--clear', VENV], 120_000);
  if (venv.status !== 0) return { ok: false, reason: `python3 -m venv failed: ${venv.stderr || venv.error}`, requirement: 'pypi' };
  const pip = run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...REQUIREMENTS], 600_000);
  if (pip.status !== 0) return { ok: false, reason: `pip install ${stamp} failed (PyPI unreachable?): ${(pip.stderr || String(pip.error)).slice(-500)}`, requirement: 'pypi' };
  writeFileSync(STAMP, stamp);
  return { ok: true, python };
}

/** protoc, the shared protos and a Python with protobuf + PyYAML. */
export function strictValidator(): Availability {
  const missing = sharedKfpMissing();
  if (missing) return { ok: false, reason: missing, requirement: 'upstream-kfp' };
  if (!existsSync(join(SHARED_KFP, 'proto/pipeline_spec.proto'))) return { ok: false, reason: 'protos are absent from ../shared/kfp/proto', requirement: 'upstream-kfp' };
  const protoc = run('protoc', ['--version'], 10_000);
  if (protoc.status !== 0) return { ok: false, reason: 'protoc is not installed (Debian: apt-get install -y protobuf-compiler)', requirement: 'protoc' };
  const python = kfpPython();
  if (!python.ok) return { ok: false, reason: `no Python with protobuf: ${python.reason}`, requirement: python.requirement };
  return python;
}

/** Runs one of the tools/kfp-reference scripts; each prints one JSON line per item. */
export function runTool(python: string, script: string, args: string[]): Record<string, unknown>[] {
  const result = run(python, [join(TOOLS, script), ...args], 600_000);
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

/**
 * The KFP API server's YAML reader: Go's yaml.v3 in tools/kfp-reference/yamlv3-reader,
 * built once per test process into tmp/ (the module comes from the Go proxy).
 */
export function yamlV3Reader(): { ok: true; binary: string } | { ok: false; reason: string; requirement: SuiteRequirement } {
  const binary = join(WORKSPACE_ROOT, 'tmp/yamlv3-reader/yamlv3-reader');
  const go = run('go', ['version'], 10_000);
  if (go.status !== 0) return { ok: false, reason: 'go is not installed (the yaml.v3 reader is a Go program)', requirement: 'go' };
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: join(TOOLS, 'yamlv3-reader'),
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  if (build.status !== 0) return { ok: false, reason: `go build of the yaml.v3 reader failed (Go proxy unreachable?): ${(build.stderr || String(build.error)).slice(-500)}`, requirement: 'go' };
  return { ok: true, binary };
}

/** A scalar as a reader typed it (tools/kfp-reference/read_yaml_typed.py and yamlv3-reader). */
export type TypedScalar = { int: string } | { float: string } | { other: string };
export interface TypedRead {
  file: string;
  ok: boolean;
  documents?: unknown[];
  error?: string;
}

function parseJsonLines(stdout: string): TypedRead[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TypedRead);
}

/** Each file read by PyYAML (kfp's reader), typed. */
export function readWithPyYaml(python: string, files: string[]): Map<string, TypedRead> {
  return new Map(runTool(python, 'read_yaml_typed.py', files).map((read) => [read.file as string, read as unknown as TypedRead]));
}

/** Each file read by yaml.v3 (the KFP API server's reader), typed. */
export function readWithYamlV3(binary: string, files: string[]): Map<string, TypedRead> {
  const result = run(binary, files, 120_000);
  if (result.status !== 0) throw new Error(`yamlv3-reader failed: ${result.stderr}`);
  return new Map(parseJsonLines(result.stdout).map((read) => [read.file, read]));
}

const isTagged = (value: unknown, key: string): value is Record<string, string> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && key in value;

/** A float as either reader prints it: Python's repr or Go's 'g' format. */
function readerFloat(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(text);
}

/**
 * A typed read as plain values (ints and floats both numbers), to compare
 * with the compiler's documents; a date or other non-JSON value stays tagged,
 * so it can never equal what the compiler meant.
 */
export function untyped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untyped);
  if (isTagged(value, 'int')) return Number(value.int);
  if (isTagged(value, 'float')) return readerFloat(value.float);
  if (isTagged(value, 'other')) return value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, untyped(item)]));
  }
  return value;
}

/** Typed reads of two readers compared as numbers where both are numbers of one kind (Python repr vs Go 'g'). */
export function normalizedTyped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizedTyped);
  if (isTagged(value, 'float')) return { float: readerFloat(value.float) };
  if (isTagged(value, 'int')) return { int: BigInt(value.int).toString() };
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizedTyped(item)]));
  }
  return value;
}
