/**
 * TLS: a KFP test server on https with a self-signed certificate made by
 * openssl for 127.0.0.1. Verified by default, trusted through kfp.ca_file,
 * or not verified on the explicit insecure opt-in.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { KfpApiError } from './kfp-errors';
import { KfpRestBackend } from './kfp-rest-backend';
import { testConnection, testIr } from './testing/kfp-test-connection';
import { startKfpTestServer, type KfpTestServer } from './testing/kfp-test-server';
import { requireOrSkip } from '../../testing/suite-requirements';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const missing = openssl.status === 0 ? undefined : 'openssl is not installed (Debian: apt-get install -y openssl)';
const suite = requireOrSkip('KFP REST TLS suite', 'openssl', missing) ? describe : describe.skip;

suite('KfpRestBackend over https', () => {
  let dir: string;
  let server: KfpTestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nx-kubeflow-tls-'));
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
    server = await startKfpTestServer({ tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const irYaml = testIr('tls');
  const request = { pipelineName: 'training', irYaml, contentHash: createHash('sha256').update(irYaml).digest('hex') };
  const backend = (tls: { caFile?: string; insecureSkipTlsVerify?: boolean }) =>
    new KfpRestBackend({ connection: testConnection(server.url, { retries: 0, ...tls }), sleep: () => Promise.resolve() });

  it('refuses an untrusted certificate and says how to trust it', async () => {
    const attempt = backend({}).publish(request);
    await expect(attempt).rejects.toThrow(/cannot reach https:\/\/127\.0\.0\.1:\d+: .*set kfp\.ca_file to its CA, or kfp\.insecure_skip_tls_verify = true/);
    // Refused in the handshake: nothing was sent, so sending again could make no duplicate.
    await attempt.catch((error: KfpApiError) => expect([error.neverSent, error.outcomeUnknown]).toEqual([true, false]));
    expect(server.requests).toHaveLength(0);
  });

  it('trusts the server through kfp.ca_file', async () => {
    await expect(backend({ caFile: join(dir, 'cert.pem') }).publish(request)).resolves.toMatchObject({ created: true });
  });

  it('skips verification only on the explicit opt-in', async () => {
    await expect(backend({ insecureSkipTlsVerify: true }).publish(request)).resolves.toHaveProperty('versionName', request.contentHash.slice(0, 12));
  });
});
