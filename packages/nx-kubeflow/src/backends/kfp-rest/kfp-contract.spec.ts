/**
 * Contract: every request the backend sends goes through Prism proxies of
 * the upstream swagger (../shared/kfp/swagger) in front of the KFP test
 * server; a request that violates the spec is answered with Prism's
 * problem+json and recorded. The flows cover every call the backend makes.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { SHARED_KFP } from '../../kfp/__fixtures__/conformance-env';
import { KfpRestBackend } from './kfp-rest-backend';
import { contractUnavailable, startContractProxy, type ContractProxy } from './testing/kfp-contract-proxy';
import { testConnection, testIr } from './testing/kfp-test-connection';
import { startKfpTestServer, type KfpTestServer } from './testing/kfp-test-server';
import { requireOrSkip } from '../../testing/suite-requirements';

const unavailable = contractUnavailable(SHARED_KFP);
const suite = requireOrSkip('KFP API contract suite', unavailable?.includes('prism') ? 'prism' : 'upstream-kfp', unavailable) ? describe : describe.skip;

function publishRequest(marker: string) {
  const irYaml = testIr(marker);
  return { pipelineName: 'training', irYaml, contentHash: createHash('sha256').update(irYaml).digest('hex'), tags: { 'git-sha': 'abc123', branch: 'main' } };
}

function rawRequest(url: string, method: string, path: string, body: string, contentType = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method, headers: { authorization: 'Bearer t', 'content-type': contentType } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

suite('KFP REST backend against the upstream swagger (Prism proxies)', () => {
  let server: KfpTestServer;
  let proxy: ContractProxy;
  beforeAll(async () => {
    server = await startKfpTestServer();
    proxy = await startContractProxy(server.url, SHARED_KFP);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  // Prism enforces the swagger's security (a bearer header) on every call.
  const backend = (options: { dryRun?: boolean } = {}) =>
    new KfpRestBackend({
      connection: testConnection(proxy.url, { namespace: 'team-a', token: { kind: 'env', variable: 'KF_PIPELINES_TOKEN', token: 't' } }),
      sleep: () => Promise.resolve(),
      ...options,
    });

  it('publish, re-publish, run, follow, schedule create/replace/disable and a dry run send only valid requests', async () => {
    const kfp = backend();
    const first = await kfp.publish(publishRequest('one'));
    expect((await kfp.publish(publishRequest('one'))).created).toBe(false);
    const handle = await kfp.startRun({ pipelineName: 'training', version: first, experiment: 'nightly', parameters: { rows: 5, ratio: 0.5, name: 'x', flags: [1, 2] } });
    expect((await kfp.followRun(handle)).state).toBe('SUCCEEDED');
    await kfp.applySchedule({ pipelineName: 'training', env: 'production', version: first, experiment: 'nightly', schedule: { cron: '0 0 4 * * *' }, parameters: { rows: 5 } });
    const second = await kfp.publish(publishRequest('two'));
    await kfp.applySchedule({ pipelineName: 'training', env: 'production', version: second, experiment: 'nightly', schedule: { intervalSecond: 3600 }, parameters: {} });
    await kfp.applySchedule({ pipelineName: 'training', env: 'production', version: second, schedule: null, parameters: {} });
    await kfp.applySchedule({ pipelineName: 'training', env: 'production', version: second, experiment: 'nightly', schedule: { intervalSecond: 3600 }, parameters: {} });
    const dry = backend({ dryRun: true });
    await dry.publish(publishRequest('three'));
    await dry.startRun({ pipelineName: 'training', version: second, experiment: 'other', parameters: {} });

    expect(proxy.violations).toEqual([]);
    // Every call the backend makes went through the proxies to the server.
    const calls = new Set(server.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}`));
    expect([...calls].sort()).toEqual([
      'DELETE /apis/v2beta1/recurringruns/{id}',
      'GET /apis/v2beta1/experiments',
      'GET /apis/v2beta1/healthz',
      'GET /apis/v2beta1/pipelines/names/training',
      'GET /apis/v2beta1/pipelines/{id}/versions',
      'GET /apis/v2beta1/recurringruns',
      'GET /apis/v2beta1/runs/{id}',
      'POST /apis/v2beta1/experiments',
      'POST /apis/v2beta1/pipelines/upload',
      'POST /apis/v2beta1/pipelines/upload_version',
      'POST /apis/v2beta1/recurringruns',
      'POST /apis/v2beta1/recurringruns/{id}:disable',
      'POST /apis/v2beta1/recurringruns/{id}:enable',
      'POST /apis/v2beta1/runs',
    ]);
  }, 60_000);

  it('catches a request that violates the spec, so the suite cannot pass by accident', async () => {
    const before = proxy.violations.length;
    // name must be a string; interval_second is an int64 as a string; upload wants multipart.
    expect(await rawRequest(proxy.url, 'POST', '/apis/v2beta1/pipelines', JSON.stringify({ name: 42 }))).toBe(422);
    expect(await rawRequest(proxy.url, 'POST', '/apis/v2beta1/recurringruns', JSON.stringify({ trigger: { periodic_schedule: { interval_second: 5 } } }))).toBe(422);
    expect(await rawRequest(proxy.url, 'POST', '/apis/v2beta1/pipelines/upload_version?pipelineid=x', '{}')).toBe(422);
    expect(proxy.violations.slice(before).map((v) => v.path)).toEqual([
      '/apis/v2beta1/pipelines',
      '/apis/v2beta1/recurringruns',
      '/apis/v2beta1/pipelines/upload_version',
    ]);
  });
});
