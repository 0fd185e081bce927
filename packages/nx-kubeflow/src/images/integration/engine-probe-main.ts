/**
 * Test-only, run by engine-probe.ts: prints {"<engine>": null | "<why not>"}
 * for the engines named in argv; with --without-base-image, whether the
 * engine answers at all, base image or not.
 */
import type { EngineName } from '../engines/container-engine';
import { createEngine } from '../engines/select-engine';
import { engineForTests } from './test-workspace';

async function reasonItCannotBeUsed(name: EngineName, withBaseImage: boolean): Promise<string | null> {
  if (!withBaseImage) {
    const probe = await createEngine(name).detect();
    return probe.available ? null : `${name} is not usable here: ${probe.reason}`;
  }
  const found = await engineForTests(name);
  return found.engine ? null : (found.reason ?? `${name} is not usable here`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withBaseImage = !args.includes('--without-base-image');
  const reasons: Record<string, string | null> = {};
  for (const name of args.filter((arg) => !arg.startsWith('--')) as EngineName[]) {
    reasons[name] = await reasonItCannotBeUsed(name, withBaseImage);
  }
  process.stdout.write(`${JSON.stringify(reasons)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
