/**
 * What the upstream KFP API server answers where it differs from the
 * swagger's promise, as captured from it (../README.md, "Checked against
 * the real server"), and what the backend makes of it: Argo's nodes in a
 * run's task details, the upload handlers' own error shape, a 500 that is a
 * refusal, and grpc-gateway's 404 for a path no route serves.
 */
import { createHash } from 'node:crypto';
import type { KfpRun } from './kfp-api-types';
import { KfpApiError } from './kfp-errors';
import { KfpHttpClient } from './kfp-http-client';
import { irOfVersion, irTaskNames } from './kfp-ir-tasks';
import { KfpRestBackend, type KfpRestBackendOptions } from './kfp-rest-backend';
import { pipelineTasks, runError, taskSummary } from './kfp-run-state';
import { testConnection, testIr } from './testing/kfp-test-connection';
import { startKfpTestServer, type KfpTestServer } from './testing/kfp-test-server';

const noWait = () => Promise.resolve();

function publishRequest(marker: string) {
  const irYaml = testIr(marker);
  return { pipelineName: 'training', irYaml, contentHash: createHash('sha256').update(irYaml).digest('hex') };
}

/** GET /runs/{id} of a running two-task pipeline (load, train), captured: every Argo node, in the server's order. */
const capturedRun: KfpRun = {
  run_id: 'c58245d0-c7f3-48a1-81b4-5993e8156529',
  state: 'RUNNING',
  run_details: {
    task_details: [
      { task_id: 'a6dad151-70ec-4f64-9e67-5fafe8a5f7dd', display_name: 'training-pipeline-x7k2p', start_time: '2026-11-30T13:00:00Z', end_time: '0001-01-01T00:00:00Z', state: 'RUNNING' },
      { task_id: '37da6c52-0685-4f2e-b723-931625bbe450', display_name: 'load', start_time: '2026-11-30T13:00:00Z', end_time: '2026-11-30T13:01:00Z', state: 'SUCCEEDED' },
      { task_id: 'bb5d7447-d55a-4e13-a694-3bcd933ae2c0', display_name: 'executor', start_time: '2026-11-30T13:00:00Z', end_time: '0001-01-01T00:00:00Z', state: 'RUNNING' },
      { task_id: '55e9f149-e706-40cd-8735-4a0fea24e7b3', display_name: 'root', start_time: '2026-11-30T13:00:00Z', end_time: '0001-01-01T00:00:00Z', state: 'RUNNING' },
      { task_id: '7b2ffafd-59a5-49ca-a58e-57ff081b13f5', display_name: 'train-driver', start_time: '2026-11-30T13:00:00Z', end_time: '2026-11-30T13:01:00Z', state: 'SUCCEEDED' },
      { task_id: '31f73bd0-d0c6-43e9-ac1a-845468039b33', display_name: 'root-driver', start_time: '2026-11-30T13:00:00Z', end_time: '2026-11-30T13:01:00Z', state: 'SUCCEEDED' },
      { task_id: '99aac5e1-03eb-4032-8158-9a948c6b6e26', display_name: 'train', start_time: '2026-11-30T13:00:00Z', end_time: '0001-01-01T00:00:00Z', state: 'RUNNING' },
      { task_id: '485484a0-309b-4d1c-9c53-3e44ea734bb4', display_name: 'load-driver', start_time: '2026-11-30T13:00:00Z', end_time: '2026-11-30T13:01:00Z', state: 'SUCCEEDED' },
      { task_id: 'e04454ca-e4d3-459e-a5a3-b1d2fe679e28', display_name: 'executor', start_time: '2026-11-30T13:00:00Z', end_time: '2026-11-30T13:01:00Z', state: 'SUCCEEDED' },
    ],
  },
};

describe('run progress from a real server: the pipeline tasks, not the Argo nodes', () => {
  it('keeps the IR tasks of the captured task details, in the IR order, with their states', () => {
    const tasks = pipelineTasks(capturedRun, ['load', 'train']).map(taskSummary);
    expect(tasks.map((task) => [task.name, task.state])).toEqual([
      ['load', 'SUCCEEDED'],
      ['train', 'RUNNING'],
    ]);
    // An unfinished node's end_time is year 1: no duration, not a negative one.
    expect(tasks[1].durationMs).toBeUndefined();
    expect(tasks[0].durationMs).toBe(60_000);
  });

  it('a failure names the failed pipeline task only, never the DAG node or the executor', () => {
    const failed: KfpRun = {
      state: 'FAILED',
      run_details: { task_details: capturedRun.run_details!.task_details!.map((task) => (task.state === 'RUNNING' ? { ...task, state: 'FAILED' } : task)) },
    };
    const tasks = pipelineTasks(failed, ['load', 'train']).map(taskSummary);
    expect(runError(failed, tasks)).toBe('train failed');
  });

  it('an entry without a state (Argo Omitted, captured: load Error, train Omitted, evaluate Skipped) did not run', () => {
    const run: KfpRun = {
      state: 'FAILED',
      run_details: { task_details: [{ display_name: 'load', state: 'FAILED' }, { display_name: 'train' }, { display_name: 'evaluate', state: 'SKIPPED' }] },
    };
    expect(pipelineTasks(run, ['load', 'train', 'evaluate']).map(taskSummary).map((task) => `${task.name} ${task.state}`)).toEqual(['load FAILED', 'train SKIPPED', 'evaluate SKIPPED']);
  });

  it('without the task names, Argo machinery is still left out (drivers, executor, root)', () => {
    expect(pipelineTasks(capturedRun).map((task) => task.display_name)).toEqual(['training-pipeline-x7k2p', 'load', 'train']);
  });

  it('reads the task names from a version answer, whose pipeline_spec nests the IR when it has a platform spec', () => {
    const ir = { root: { dag: { tasks: { load: { taskInfo: { name: 'load' } }, train: { taskInfo: { name: 'Train model' } } } } }, components: {} };
    expect(irTaskNames(irOfVersion({ pipeline_spec: ir, platform_spec: { platforms: {} } }))).toEqual(['load', 'train', 'Train model']);
    expect(irTaskNames(irOfVersion(ir))).toEqual(['load', 'train', 'Train model']);
  });
});

describe('KfpRestBackend against the test server answering as the real one', () => {
  let server: KfpTestServer;
  let lines: string[];
  beforeEach(async () => {
    server = await startKfpTestServer();
    lines = [];
  });
  afterEach(() => server.close());

  const backend = (overrides: Partial<KfpRestBackendOptions> = {}, connection = {}) =>
    new KfpRestBackend({ connection: testConnection(server.url, connection), log: (line) => lines.push(line), sleep: noWait, retryBaseDelayMs: 1, ...overrides });

  it('a pipeline without versions (left by an older deploy) or made by someone else meanwhile gets its version by upload_version', async () => {
    server.state.handle({ method: 'POST', path: '/apis/v2beta1/pipelines', query: new URLSearchParams(), body: { name: 'training', namespace: 'team-a' } });
    const result = await backend().publish(publishRequest('one'));
    expect(result.created).toBe(true);
    expect(server.writes().map((r) => r.path)).toEqual(['/apis/v2beta1/pipelines/upload_version']);

    // The upload loses a race: 409, the pipeline is someone else's, so this IR goes in as a version of it.
    server.faults.failNext({ method: 'GET', path: /\/pipelines\/names\/other$/, status: 404, body: { code: 5, message: 'Failed to get a pipeline with name other: ResourceNotFoundError: Namespace/Pipeline team-a/other not found' } });
    server.state.handle({ method: 'POST', path: '/apis/v2beta1/pipelines', query: new URLSearchParams(), body: { name: 'other', namespace: 'team-a' } });
    const raced = await backend().publish({ ...publishRequest('one'), pipelineName: 'other' });
    expect(raced.created).toBe(true);
    expect(server.writes().map((r) => `${r.path} ${r.status}`).slice(1)).toEqual(['/apis/v2beta1/pipelines/upload 409', '/apis/v2beta1/pipelines/upload_version 200']);
    expect(server.state.versionsOf('other', 'team-a')).toHaveLength(1);
  });

  it('follows a run whose task details list every Argo node: reports only the pipeline tasks, in the IR order', async () => {
    const kfp = backend();
    const version = await kfp.publish(publishRequest('one'));
    const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
    const polled: string[][] = [];
    const outcome = await kfp.followRun(handle, {
      onTaskStateChange: (change) => polled.push([change.task, change.state]),
    });
    const served = server.state.runs[0].run_details!.task_details!.map((task) => task.display_name);
    expect(served).toEqual(expect.arrayContaining(['root-driver', 'data-loader-driver', 'executor', 'root', 'data-loader', 'trainer']));
    expect(outcome.tasks.map((task) => task.name)).toEqual(['data-loader', 'trainer']);
    expect(new Set(polled.map(([task]) => task))).toEqual(new Set(['data-loader', 'trainer']));
  });

  it('a failed run names the failed pipeline task only', async () => {
    server.state.runPlan = () => 'FAILED';
    const kfp = backend();
    const version = await kfp.publish(publishRequest('one'));
    const outcome = await kfp.followRun(await kfp.startRun({ pipelineName: 'training', version, parameters: {} }));
    expect(outcome).toMatchObject({ state: 'FAILED', error: 'trainer failed' });
    expect(outcome.tasks.map((task) => `${task.name} ${task.state}`)).toEqual(['data-loader SUCCEEDED', 'trainer FAILED']);
  });

  it('a task Argo omitted (its dependency failed) comes without a state: reported SKIPPED, the failure names the failed task', async () => {
    const kfp = backend();
    const version = await kfp.publish(publishRequest('one'));
    const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
    server.state.setRunState(handle.runId, 'FAILED', { 'data-loader': 'FAILED', trainer: 'RUNTIME_STATE_UNSPECIFIED' });
    const trainer = server.state.runs[0].run_details!.task_details!.find((task) => task.display_name === 'trainer');
    expect(trainer).not.toHaveProperty('state');
    const outcome = await kfp.followRun(handle);
    expect(outcome.tasks.map((task) => `${task.name} ${task.state}`)).toEqual(['data-loader FAILED', 'trainer SKIPPED']);
    expect(outcome.error).toBe('data-loader failed');
  });

  it('a run started by another process: the task names come from its version on the server', async () => {
    const version = await backend().publish(publishRequest('one'));
    const handle = await backend().startRun({ pipelineName: 'training', version, parameters: {} });
    const outcome = await backend().followRun(handle);
    expect(outcome.tasks.map((task) => task.name)).toEqual(['data-loader', 'trainer']);
    expect(server.requests.filter((r) => r.method === 'GET' && /\/versions\/[^/]+$/.test(r.path))).toHaveLength(1);
  });

  it('POST /runs of a version that is gone: 500 ResourceNotFoundError is final, sent once, the server message shown', async () => {
    const kfp = backend();
    const version = await kfp.publish(publishRequest('one'));
    const attempt = kfp.startRun({ pipelineName: 'training', version: { ...version, versionId: '00000000-0000-0000-0000-000000000000' }, parameters: {} });
    await expect(attempt).rejects.toThrow(
      /^POST \/apis\/v2beta1\/runs answered 500: Failed to create a new run: .*ResourceNotFoundError: PipelineVersion 0{8}-0{4}-0{4}-0{4}-0{12} not found\. The server refused the request as it stands .*not retried/,
    );
    await attempt.catch((error: Error) => expect(error.message).not.toMatch(/server failed|may have been created|KFP UI/));
    expect(server.writes().filter((r) => r.path === '/apis/v2beta1/runs')).toHaveLength(1);
    expect(server.state.runs).toHaveLength(0);
    expect(lines.join('\n')).not.toMatch(/attempt 2/);
  });

  it('a recurring run of a version that is gone: the same 500, final', async () => {
    const kfp = backend();
    const version = await kfp.publish(publishRequest('one'));
    const attempt = kfp.applySchedule({
      pipelineName: 'training',
      env: 'production',
      version: { ...version, versionId: '00000000-0000-0000-0000-000000000000' },
      schedule: { cron: '0 0 4 * * *' },
      parameters: {},
    });
    await expect(attempt).rejects.toThrow(/answered 500: Failed to create a recurring run: .*ResourceNotFoundError.*not retried/);
    expect(server.writes().filter((r) => r.path === '/apis/v2beta1/recurringruns')).toHaveLength(1);
  });

  it('kfp.host with /apis/v2beta1 on it: the 404 "Not Found" of the gateway names the host and what to fix, before anything is written', async () => {
    const attempt = backend({}, { baseUrl: `${server.url}/apis/v2beta1` }).publish(publishRequest('one'));
    await expect(attempt).rejects.toThrow(
      /^GET \/apis\/v2beta1\/healthz answered 404 Not Found: no such route on http:\/\/127\.0\.0\.1:\d+\/apis\/v2beta1\. Check kfp\.host: .*the part before \/apis\/v2beta1.* try kfp\.host = "http:\/\/127\.0\.0\.1:\d+"\.$/,
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/apis/v2beta1/apis/v2beta1/healthz']);
    expect(server.writes()).toHaveLength(0);
  });
});

describe('the upload handlers answer {error_message, error_details}', () => {
  let server: KfpTestServer;
  let client: KfpHttpClient;
  beforeEach(async () => {
    server = await startKfpTestServer();
    client = new KfpHttpClient(testConnection(server.url, { timeoutMs: 2000 }));
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  const uploadVersion = (pipelineId: string) => ({
    method: 'POST' as const,
    path: '/apis/v2beta1/pipelines/upload_version',
    query: { pipelineid: pipelineId, name: 'v1' },
    multipart: [{ field: 'uploadfile', filename: 'v1.yaml', contentType: 'application/x-yaml', content: testIr('one') }],
  });

  it('an unknown pipelineid: 400 as text/plain with a JSON body, as the real server answers it', async () => {
    const form = new FormData();
    form.append('uploadfile', new Blob([testIr('one')]), 'v1.yaml');
    const answer = await fetch(`${server.url}/apis/v2beta1/pipelines/upload_version?pipelineid=00000000-0000-0000-0000-000000000000&name=v1`, { method: 'POST', body: form });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(JSON.parse(await answer.text())).toMatchObject({ error_message: 'Failed to create a pipeline version', error_details: expect.stringContaining('pipeline_upload_server.go') });
  });

  it('shows error_message only, never the stack trace of error_details', async () => {
    const error = await client.call(uploadVersion('00000000-0000-0000-0000-000000000000')).catch((caught: unknown) => caught as KfpApiError);
    expect(error).toBeInstanceOf(KfpApiError);
    expect((error as KfpApiError).message).toBe('POST /apis/v2beta1/pipelines/upload_version answered 400: Failed to create a pipeline version. The server rejected the request.');
    expect((error as KfpApiError).details).toMatchObject({ status: 400, kfpErrorBody: true, serverMessage: 'Failed to create a pipeline version' });
  });

  it('a 5xx of that shape is the API server saying the create failed: a definite failure, not an unknown outcome', async () => {
    server.faults.failNext({
      method: 'POST',
      path: '/apis/v2beta1/pipelines/upload_version',
      status: 500,
      body: { error_message: 'Failed to create a pipeline version', error_details: 'Failed to create a pipeline version\ngithub.com/kubeflow/pipelines/backend/src/apiserver/server.(*PipelineUploadServer).uploadPipelineVersion\n\t/go/src/x.go:352' },
    });
    const error = (await client.call(uploadVersion('x')).catch((caught: unknown) => caught)) as KfpApiError;
    expect(error.details).toMatchObject({ status: 500, kfpErrorBody: true });
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(/^POST \/apis\/v2beta1\/pipelines\/upload_version answered 500: Failed to create a pipeline version\. /);
    expect(error.message).not.toContain('.go:');
  });

  it('a 404 "Not Found" from the gateway is never read as "no such pipeline"; a real not-found is', async () => {
    const absent = await client.call({ method: 'GET', path: '/apis/v2beta1/pipelines/names/nope', query: { namespace: 'team-a' } }, { absentOn404: true });
    expect(absent).toBeUndefined();
    const wrong = await client.call({ method: 'GET', path: '/apis/v2beta1/no/such/route' }, { absentOn404: true }).catch((caught: unknown) => caught as KfpApiError);
    expect(wrong).toBeInstanceOf(KfpApiError);
    expect((wrong as KfpApiError).message).toMatch(/answered 404 Not Found: no such route on .*Check kfp\.host/);
  });
});
