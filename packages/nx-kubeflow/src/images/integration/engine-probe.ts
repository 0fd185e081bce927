/**
 * Test-only: whether each engine is usable, answered before the tests are
 * declared. Jest cannot skip a test once it runs, so a suite that finds its
 * engine missing only in beforeAll can either pass empty or fail; asked here
 * (the same engineForTests, in a child process, since it is async), the suite
 * declares its tests skipped or required (src/testing/suite-requirements.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { EngineName } from '../engines/container-engine';
import { SOURCE_WORKSPACE } from './test-workspace';

/**
 * Engine name -> why it cannot be used here, or undefined when it can: it
 * answers and holds the base image, or only answers with `withBaseImage: false`.
 */
export function probeEnginesSync(names: readonly EngineName[], options: { withBaseImage?: boolean } = {}): Record<string, string | undefined> {
  const flags = options.withBaseImage === false ? ['--without-base-image'] : [];
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'engine-probe-main.ts'), ...flags, ...names], {
    cwd: SOURCE_WORKSPACE,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SWC_NODE_PROJECT: join(SOURCE_WORKSPACE, 'packages/nx-kubeflow/tsconfig.spec.json') },
  });
  const line = result.stdout?.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) {
    const why = `the engine probe failed (exit ${result.status}): ${(result.stderr || String(result.error)).slice(-500)}`;
    return Object.fromEntries(names.map((name) => [name, why]));
  }
  const reasons = JSON.parse(line) as Record<string, string | null>;
  return Object.fromEntries(names.map((name) => [name, reasons[name] ?? undefined]));
}
