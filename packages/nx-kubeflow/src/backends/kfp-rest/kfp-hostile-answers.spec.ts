/**
 * Issue 12: what a deploy must survive from the server side. Each case is
 * one of the answers the outside pass reproduced (a server that echoes the
 * request's credentials, endless pages, a huge body, a login page with 200,
 * bytes that are not JSON, a list field of the wrong type), served by
 * testing/hostile-kfp-server.ts to the real backend.
 */
import { knownSecrets } from '../../secrets/index';
import { KfpApi, MAX_PAGES } from './kfp-api';
import { KfpApiError } from './kfp-errors';
import { KfpHttpClient } from './kfp-http-client';
import { KfpRestBackend } from './kfp-rest-backend';
import { startHostileKfpServer, type HostileBehaviour, type HostileKfpServer } from './testing/hostile-kfp-server';
import { testConnection, testIr } from './testing/kfp-test-connection';
import type { KfpConnection } from './kfp-connection';

const TOKEN = 'sekrit-TOKEN-xyz';
const COOKIES = 'oauth2_proxy=sekrit-COOKIE-abc';

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error(`expected an error, got ${String(error)}`);
  return error;
}

describe('hostile KFP answers', () => {
  let server: HostileKfpServer | undefined;
  const lines: string[] = [];
  const start = async (behaviour: HostileBehaviour, connection: Partial<KfpConnection> = {}, options: { dryRun?: boolean; hugeBytes?: number } = {}) => {
    server = await startHostileKfpServer(behaviour, options);
    return new KfpRestBackend({
      connection: testConnection(server.url, { token: { kind: 'env', variable: 'KF_PIPELINES_TOKEN', token: TOKEN }, cookies: COOKIES, retries: 1, ...connection }),
      log: (line) => lines.push(line),
      sleep: async () => undefined,
      dryRun: options.dryRun,
    });
  };
  const publish = (backend: KfpRestBackend) => backend.publish({ pipelineName: 'p-kfp', irYaml: testIr('x'), contentHash: 'a'.repeat(64) });
  beforeEach(() => {
    lines.length = 0;
    knownSecrets.clear();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a 500 that echoes the request headers: the message keeps the server words, never the token or the cookies (nor the retry log line)', async () => {
    const error = await failure(publish(await start('echo-headers-500')));
    expect(error.message).toContain('GET /apis/v2beta1/healthz answered 500: upstream error; request headers were: Authorization: Bearer ***; Cookie: ***');
    const everything = [error.message, ...lines].join('\n');
    expect(everything).not.toContain('sekrit');
    expect(lines.some((line) => line.includes('attempt 2 of 2'))).toBe(true);
  });

  it('a 401 whose message holds the token: shown without it', async () => {
    const error = await failure(publish(await start('token-in-401')));
    expect(error.message).toContain('answered 401: token *** is not valid for this cluster');
    expect(error.message).not.toContain(TOKEN);
  });

  it('a token read from a file is redacted too (it is registered when read, on every call)', async () => {
    server = await startHostileKfpServer('token-in-401');
    const fromFile = new KfpRestBackend({
      connection: testConnection(server!.url, { token: { kind: 'file', path: '/token', origin: 'kfp.token_path' }, retries: 0 }),
      readFile: () => 'rotated-FILE-token-123\n',
    });
    const error = await failure(publish(fromFile));
    expect(error.message).toContain('token *** is not valid');
    expect(error.message).not.toContain('rotated-FILE-token-123');
  });

  it('a page token handed out again stops the listing at once', async () => {
    const error = await failure(publish(await start('endless-pages')));
    expect(error).toBeInstanceOf(KfpApiError);
    expect(error.message).toMatch(/GET \/apis\/v2beta1\/pipelines\/p-1\/versions: the server handed out the page token "again" a second time, after 2 pages; stopped listing/);
    expect(server!.requests.filter((request) => request.includes('/versions')).length).toBe(2);
  });

  it('fresh page tokens without end stop at the page limit', async () => {
    const error = await failure(publish(await start('endless-fresh-pages')));
    expect(error.message).toContain(`still had a next page after ${MAX_PAGES} pages`);
    expect(server!.requests.filter((request) => request.includes('/versions')).length).toBe(MAX_PAGES);
  });

  it('a listing past its deadline stops, whatever the page count', async () => {
    server = await startHostileKfpServer('endless-fresh-pages');
    let clock = 0;
    const connection = testConnection(server.url, { timeoutMs: 1000 });
    // Each look at the clock is a minute later: the deadline (5 x 1 s) passes after the first page.
    const api = new KfpApi(new KfpHttpClient(connection), { retries: 0, baseDelayMs: 0, sleep: async () => undefined, lateWriteMs: 0 }, () => (clock += 60_000));
    const error = await failure(api.versionByName('p-1', 'v'));
    expect(error.message).toContain('the listing took more than 5s (5 x kfp.timeout_seconds) over 1 pages');
    api.http.close();
  });

  it('a body larger than the limit is not read to its end, and says so', async () => {
    server = await startHostileKfpServer('huge-body', { hugeBytes: 8 * 1024 * 1024 });
    const client = new KfpHttpClient(testConnection(server.url), undefined, 1024 * 1024);
    const error = await failure(client.call({ method: 'GET', path: '/apis/v2beta1/healthz' }));
    client.close();
    expect(error.message).toMatch(/answered 200 with a body of more than 1048576 bytes, more than the 1 MiB any KFP API answer needs: stopped reading it/);
    expect((error as KfpApiError).retryable).toBe(false);
  });

  it('a login page answered with 200 names the page, also in a dry run (which must not say "would create")', async () => {
    const error = await failure(publish(await start('login-page', {}, { dryRun: true })));
    expect(error.message).toContain('GET /apis/v2beta1/healthz answered 200 with an HTML page ("Sign in to Kubeflow"), not the KFP API\'s JSON: a login page');
    expect(error.message).toContain('KF_PIPELINES_COOKIES');
    expect(lines.join('\n')).not.toMatch(/would create/);
  });

  it('random bytes with 200 are refused as not JSON', async () => {
    const error = await failure(publish(await start('random-bytes')));
    expect(error.message).toContain('answered 200 with 12 bytes that are not a JSON object (application/octet-stream)');
  });

  it('a list field of the wrong type is refused naming the field, not a TypeError', async () => {
    const error = await failure(publish(await start('list-of-wrong-type')));
    expect(error).toBeInstanceOf(KfpApiError);
    expect(error.message).toContain('answered 200, but not as the KFP v2beta1 API answers: pipeline_versions is a string ("none yet"), not a list');
  });

  it("a proxy's HTML error page is named by its title, not quoted as markup", async () => {
    const error = await failure(publish(await start('html-502')));
    expect(error.message).toBe(
      'GET /apis/v2beta1/healthz answered 502: an HTML page ("502 Bad Gateway"). The server failed; retried as far as safe. Check the KFP API server logs.',
    );
  });
});
