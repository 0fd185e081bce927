/**
 * How a failed call is told apart: a request that never left (sending it
 * again is safe) from one that may have reached the server with no answer
 * to say what became of it (a create may still land).
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { KfpApiError } from './kfp-errors';
import { KfpHttpClient } from './kfp-http-client';
import { testConnection } from './testing/kfp-test-connection';
import { startKfpTestServer, type KfpTestServer } from './testing/kfp-test-server';

const runs = { method: 'POST' as const, path: '/apis/v2beta1/runs', json: { display_name: 'x' } };

async function failure(promise: Promise<unknown>): Promise<KfpApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof KfpApiError)) throw new Error(`expected a KfpApiError, got ${String(error)}`);
  return error;
}

describe('KfpHttpClient failures: never sent or outcome unknown', () => {
  let server: KfpTestServer;
  let client: KfpHttpClient;
  beforeEach(async () => {
    server = await startKfpTestServer();
    client = new KfpHttpClient(testConnection(server.url, { timeoutMs: 200 }));
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('a refused connection never sent the request', async () => {
    const closed = await startKfpTestServer();
    await closed.close();
    const refused = new KfpHttpClient(testConnection(closed.url, { timeoutMs: 200 }));
    const error = await failure(refused.call(runs));
    refused.close();
    expect(error.details).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED', requestSent: false });
    expect(error.message).toMatch(/^POST \/apis\/v2beta1\/runs: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\. Check kfp\.host\.$/);
    expect([error.neverSent, error.outcomeUnknown, error.retryable]).toEqual([true, false, true]);
  });

  it('a TLS handshake that never finishes: the deadline passes before anything was sent', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const tls = new KfpHttpClient(testConnection(`https://127.0.0.1:${port}`, { timeoutMs: 150 }));
    const error = await failure(tls.call(runs));
    tls.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(error.details).toMatchObject({ kind: 'timeout', requestSent: false });
    expect(error.message).toContain('no connection to https://127.0.0.1:');
    expect([error.neverSent, error.outcomeUnknown]).toEqual([true, false]);
  });

  it('a connection dropped after the request arrived: outcome unknown', async () => {
    server.faults.dropNext({ method: 'POST', path: '/apis/v2beta1/runs' });
    const error = await failure(client.call(runs));
    expect(server.requests.map((r) => r.path)).toEqual(['/apis/v2beta1/runs']);
    expect(error.details).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
    expect(error.details.requestSent).toBeUndefined();
    expect(error.message).toMatch(/closed without an answer \(ECONNRESET\); the request may have reached the server/);
    expect([error.neverSent, error.outcomeUnknown]).toEqual([false, true]);
  });

  it('no answer within the deadline after sending: outcome unknown', async () => {
    server.faults.delayNext({ method: 'GET', path: '/apis/v2beta1/healthz', ms: 1000 });
    const error = await failure(client.call({ method: 'GET', path: '/apis/v2beta1/healthz' }));
    expect(error.details).toMatchObject({ kind: 'timeout' });
    expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2s/);
    expect([error.neverSent, error.outcomeUnknown]).toEqual([false, true]);
  });

  it("the API server's own 5xx is an answer; a gateway's 502/504 or a proxy's 5xx without a KFP body is not", async () => {
    const answered = async (status: number, body?: unknown) => {
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/runs', status, ...(body !== undefined ? { body } : {}) });
      return failure(client.call(runs));
    };
    const own = await answered(500);
    expect(own.details).toMatchObject({ kind: 'http', status: 500, kfpErrorBody: true });
    expect([own.neverSent, own.outcomeUnknown]).toEqual([false, false]);
    expect((await answered(503)).outcomeUnknown).toBe(false);
    expect((await answered(504)).outcomeUnknown).toBe(true);
    expect((await answered(502)).outcomeUnknown).toBe(true);
    expect((await answered(503, 'upstream connect error or disconnect/reset before headers')).outcomeUnknown).toBe(true);
    expect((await answered(409)).outcomeUnknown).toBe(false);
  });
});
