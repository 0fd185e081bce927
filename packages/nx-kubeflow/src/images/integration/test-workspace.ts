/**
 * Test-only: a throwaway copy of the example components and component-runtime
 * (the files git would clone), with a fresh marker in component-runtime so
 * every test run builds its images anew instead of finding last run's tags.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ContainerEngine, EngineName } from '../engines/container-engine';
import { createEngine } from '../engines/select-engine';
import { isRequired } from '../../testing/suite-requirements';

export const SOURCE_WORKSPACE = resolve(__dirname, '../../../../..');
export const BASE_IMAGE = process.env['NX_KUBEFLOW_TEST_BASE_IMAGE'] ?? 'localhost/python-base:bookworm';
/** Engines required (CI): a missing one fails instead of skipping. See src/testing/suite-requirements.ts. */
export const REQUIRED = isRequired('engines');
export const TEST_REGISTRY = process.env['NX_KUBEFLOW_TEST_REGISTRY'];

const COPIED = ['components/data-loader', 'components/trainer', 'packages/component-runtime'];

export class TestWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'nx-kubeflow-images-'));
  readonly runId = randomBytes(6).toString('hex');

  constructor() {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', ...COPIED], {
      cwd: SOURCE_WORKSPACE,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(this.root, file)), { recursive: true });
      try {
        cpSync(join(SOURCE_WORKSPACE, file), join(this.root, file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    const runtime = join(this.root, 'packages/component-runtime/pyproject.toml');
    writeFileSync(runtime, `${readFileSync(runtime, 'utf8')}\n# test run ${this.runId}\n`);
    execFileSync('git', ['init', '-q'], { cwd: this.root });
  }

  write(file: string, text: string): void {
    mkdirSync(dirname(join(this.root, file)), { recursive: true });
    writeFileSync(join(this.root, file), text);
  }

  read(file: string): string {
    return readFileSync(join(this.root, file), 'utf8');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The engine, when it answers and holds the base image; else why not. */
export async function engineForTests(name: EngineName): Promise<{ engine?: ContainerEngine; reason?: string }> {
  const engine = createEngine(name);
  const probe = await engine.detect();
  if (!probe.available) return { reason: `${name} is not usable here: ${probe.reason}` };
  if (!(await engine.imageExists(BASE_IMAGE))) {
    return { reason: `${name} has no base image ${BASE_IMAGE} (set NX_KUBEFLOW_TEST_BASE_IMAGE, or see src/images/README.md)` };
  }
  return { engine };
}

/** An engine whose builds are counted: the proof that a skipped build never reached the engine. */
export function countingEngine(engine: ContainerEngine): { engine: ContainerEngine; builds: string[][] } {
  const builds: string[][] = [];
  const counted = new Proxy(engine, {
    get(target, property, receiver) {
      if (property === 'build') {
        return (request: Parameters<ContainerEngine['build']>[0]) => {
          builds.push(request.tags);
          return target.build(request);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { engine: counted, builds };
}
