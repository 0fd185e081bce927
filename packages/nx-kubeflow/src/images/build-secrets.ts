/**
 * Build secrets on disk for as long as a build runs: one file per secret,
 * mode 0600 in a 0700 folder, removed after. Engines mount them into one RUN
 * step (`RUN --mount=type=secret,id=pip_index_url`), so their values never
 * reach a layer, the image config or `docker history`, as ARG values would.
 * The folder also goes when the process ends before remove() (Ctrl-C,
 * SIGTERM: exit-cleanup.ts).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildSecret } from './engines/container-engine';
import { removeOnExit } from './exit-cleanup';

/** Secret ids the Dockerfile template mounts. */
export const PIP_INDEX_URL_SECRET = 'pip_index_url';
export const PIP_EXTRA_INDEX_URL_SECRET = 'pip_extra_index_url';
export const PIP_CERT_SECRET = 'pip_cert';

export interface WrittenSecrets {
  secrets: BuildSecret[];
  remove(): void;
}

/**
 * @param values secret id -> value, written to a file (undefined or '': no secret)
 * @param files secret id -> an existing file mounted as it is (a CA bundle)
 */
export function writeBuildSecrets(
  values: Readonly<Record<string, string | undefined>>,
  files: Readonly<Record<string, string | undefined>> = {},
): WrittenSecrets {
  const given: BuildSecret[] = Object.entries(files)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([id, file]) => {
      if (!existsSync(file)) throw new Error(`Build secret ${id}: ${file} does not exist.`);
      return { id, file };
    });
  const present = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  if (present.length === 0) return { secrets: given, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-secrets-'));
  const forget = removeOnExit(dir);
  chmodSync(dir, 0o700);
  const secrets = present.map(([id, value]) => {
    const file = join(dir, id);
    writeFileSync(file, value, { mode: 0o600 });
    return { id, file };
  });
  return {
    secrets: [...secrets, ...given],
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}
