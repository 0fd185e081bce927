import { createHash } from 'node:crypto';
import type { PublishRequest } from '../pipeline-backend';
import { KfpRestBackend, type KfpRestBackendOptions } from './kfp-rest-backend';
import { realSleep } from './kfp-retry';
import { startKfpTestServer, type KfpTestServer } from './testing/kfp-test-server';
import { testConnection, testIr } from './testing/kfp-test-connection';

const noWait = () => Promise.resolve();

function publishRequest(marker: string, tags?: Record<string, string>): PublishRequest {
  const irYaml = testIr(marker);
  return { pipelineName: 'training', irYaml, contentHash: createHash('sha256').update(irYaml).digest('hex'), ...(tags ? { tags } : {}) };
}

describe('KfpRestBackend against the KFP test server', () => {
  let server: KfpTestServer;
  let lines: string[];
  beforeEach(async () => {
    server = await startKfpTestServer();
    lines = [];
  });
  afterEach(() => server.close());

  const backend = (overrides: Partial<KfpRestBackendOptions> = {}, connection = {}) =>
    new KfpRestBackend({ connection: testConnection(server.url, connection), log: (line) => lines.push(line), sleep: noWait, retryBaseDelayMs: 1, ...overrides });

  describe('publish', () => {
    it('first deploy creates the pipeline and its first version in one upload; the next version goes by upload_version, named by content hash', async () => {
      const request = publishRequest('one', { 'git-sha': 'abc123', branch: 'main' });
      const result = await backend().publish(request);
      const versionName = request.contentHash.slice(0, 12);
      expect(result).toMatchObject({ created: true, versionName });
      expect(server.writes().map((r) => `${r.method} ${r.path} ${r.query['namespace']}`)).toEqual(['POST /apis/v2beta1/pipelines/upload team-a']);
      expect(server.state.pipelines).toHaveLength(1);
      expect(server.state.pipelines[0]).toMatchObject({ name: 'training', namespace: 'team-a', pipeline_id: result.pipelineId });
      // The server names the first version after the pipeline: the content hash is in its description.
      const [first] = server.state.versionsOf('training', 'team-a');
      expect(first).toMatchObject({ name: 'training', pipeline_version_id: result.versionId, package: request.irYaml });
      expect(first.description).toContain(`content ${versionName}`);
      expect(first.description).toContain('git-sha abc123');
      expect(result.location).toBe(`${server.url}/#/pipelines/details/${result.pipelineId}/version/${result.versionId}`);
      expect(lines.join('\n')).toMatch(new RegExp(`Created pipeline training \\(${result.pipelineId}\\) in namespace team-a with version ${versionName}`));

      const next = publishRequest('two', { 'git-sha': 'def456' });
      const second = await backend().publish(next);
      expect(server.writes().map((r) => r.path).slice(1)).toEqual(['/apis/v2beta1/pipelines/upload_version']);
      const versions = server.state.versionsOf('training', 'team-a');
      expect(versions.map((v) => v.name)).toEqual(['training', second.versionName]);
      expect(versions[1].tags).toEqual({ 'git-sha': 'def456' });
      expect(lines.join('\n')).toMatch(/Uploaded version/);
    });

    it('an IR the server refuses on the first upload leaves no pipeline behind, and the error is the server message without its stack trace', async () => {
      const request = { ...publishRequest('one'), irYaml: 'pipelineInfo: {name: training}\n' };
      const attempt = backend().publish(request);
      await expect(attempt).rejects.toThrow(/^POST \/apis\/v2beta1\/pipelines\/upload answered 400: unknown template format\. The server rejected the request\.$/);
      await attempt.catch((error: Error) => {
        expect(error.message).not.toMatch(/error_details|error_message|pipeline_upload_server\.go|\{/);
      });
      expect(server.state.pipelines).toHaveLength(0);
      expect(server.writes()).toHaveLength(1);
    });

    it('an unchanged re-deploy publishes nothing: created false, no write sent', async () => {
      const first = await backend().publish(publishRequest('one'));
      const writes = server.writes().length;
      const again = await backend().publish(publishRequest('one'));
      expect(again).toMatchObject({ created: false, versionId: first.versionId, pipelineId: first.pipelineId });
      expect(server.writes()).toHaveLength(writes);
      expect(server.state.versions).toHaveLength(1);
    });

    it('a changed pipeline adds exactly one version to the same pipeline', async () => {
      await backend().publish(publishRequest('one'));
      const changed = await backend().publish(publishRequest('two'));
      expect(changed.created).toBe(true);
      expect(server.state.pipelines).toHaveLength(1);
      expect(server.state.versions).toHaveLength(2);
    });

    it('finds the version among many pages', async () => {
      const first = await backend().publish(publishRequest('v0'));
      for (let i = 1; i <= 25; i++) await backend().publish(publishRequest(`v${i}`));
      server.requests.length = 0;
      const again = await backend().publish(publishRequest('v0'));
      expect(again).toMatchObject({ created: false, versionId: first.versionId });
    });

    it('a 500 on upload, then success: exactly one version', async () => {
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload', status: 500 });
      const first = await backend().publish(publishRequest('zero'));
      expect(first.created).toBe(true);
      expect(server.state.versions).toHaveLength(1);
      expect(server.writes().map((r) => `${r.path} ${r.status}`)).toEqual(['/apis/v2beta1/pipelines/upload 500', '/apis/v2beta1/pipelines/upload 200']);

      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload_version', status: 500 });
      const result = await backend().publish(publishRequest('one'));
      expect(result.created).toBe(true);
      expect(server.state.versions).toHaveLength(2);
      expect(server.writes().filter((r) => r.path.endsWith('upload_version')).map((r) => r.status)).toEqual([500, 200]);
    });

    it('a 500 after the server made the version: no second upload, no duplicate', async () => {
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload', status: 503, afterApplying: true });
      const first = await backend().publish(publishRequest('zero'));
      expect(server.state.versions).toHaveLength(1);
      expect(first.versionId).toBe(server.state.versions[0].pipeline_version_id);

      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload_version', status: 503, afterApplying: true });
      const result = await backend().publish(publishRequest('one'));
      expect(server.state.versions).toHaveLength(2);
      expect(result.versionId).toBe(server.state.versions[1].pipeline_version_id);
      expect(server.writes().map((r) => r.path)).toEqual(['/apis/v2beta1/pipelines/upload', '/apis/v2beta1/pipelines/upload_version']);
      expect(lines.join('\n')).toMatch(/answered 503: injected fault: 503.*but the create had happened on the server/);
    });

    it('a timeout on the pipeline upload whose write happened: one pipeline with its version, the timeout said clearly', async () => {
      server.faults.delayNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload', ms: 2000 });
      const result = await backend({}, { timeoutMs: 200 }).publish(publishRequest('one'));
      expect(server.state.pipelines).toHaveLength(1);
      expect(server.state.versions).toHaveLength(1);
      expect(result).toMatchObject({ pipelineId: server.state.pipelines[0].pipeline_id, versionId: server.state.versions[0].pipeline_version_id, created: true });
      expect(lines.join('\n')).toMatch(/no answer from .* within 0.2s \(kfp.timeout_seconds\)/);
      expect(server.writes()).toHaveLength(1);
    });

    it('timeouts beyond the retries: a clear error; once the late uploads land, exactly one version (the resent one refused)', async () => {
      const uploadPath = '/apis/v2beta1/pipelines/upload';
      server.faults.delayNext({ method: 'POST', path: uploadPath, ms: 600, afterApplying: false, times: 10 });
      await expect(backend({}, { timeoutMs: 150, retries: 1 }).publish(publishRequest('one'))).rejects.toThrow(
        /POST \/apis\/v2beta1\/pipelines\/upload: no answer from http:\/\/127\.0\.0\.1:\d+ within 0.15s \(kfp.timeout_seconds\)/,
      );
      const uploads = server.writes().filter((r) => r.path === uploadPath);
      // Sent twice: pipeline names are unique per namespace, so resending is safe.
      expect(uploads).toHaveLength(2);
      expect(server.state.versions).toHaveLength(0);
      await server.settled();
      expect(server.state.pipelines).toHaveLength(1);
      expect(server.state.versions).toHaveLength(1);
      expect(uploads.map((r) => r.status)).toEqual([200, 409]);
    });

    it('retries GETs on 5xx and dropped connections', async () => {
      server.faults.failNext({ method: 'GET', path: /\/pipelines\/names\//, status: 502 });
      server.faults.dropNext({ method: 'GET', path: /\/versions$/ });
      await backend().publish(publishRequest('one'));
      await expect(backend().publish(publishRequest('one'))).resolves.toMatchObject({ created: false });
      expect(server.state.versions).toHaveLength(1);
    });

    it('a 401 says the server message and to check credentials and namespace; no token in the message or log', async () => {
      server.faults.requireBearer('right-token');
      const attempt = backend({}, { token: { kind: 'env', variable: 'KF_PIPELINES_TOKEN', token: 'wrong-secret-token' } }).publish(publishRequest('one'));
      await expect(attempt).rejects.toThrow(/answered 401: Unauthenticated: the bearer token is not valid\. Check the credentials: KF_PIPELINES_TOKEN.*namespace "team-a"/);
      await attempt.catch((error: Error) => expect(error.message).not.toContain('wrong-secret-token'));
      expect(lines.join('\n')).not.toContain('wrong-secret-token');
      expect(server.writes()).toHaveLength(0);
    });

    it('a 403 names the namespace; a 400 carries the server message, not retried', async () => {
      server.faults.failNext({ method: 'GET', path: /\/pipelines\/names\//, status: 403, body: { code: 7, message: 'user is not allowed in team-a' } });
      await expect(backend().publish(publishRequest('one'))).rejects.toThrow(/403: user is not allowed in team-a\. Check that the credentials .* allowed in namespace "team-a"/);
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload', status: 400, body: { code: 3, message: 'name is invalid' } });
      await expect(backend().publish(publishRequest('one'))).rejects.toThrow(/400: name is invalid/);
      expect(server.writes().filter((r) => r.path === '/apis/v2beta1/pipelines/upload')).toHaveLength(1);
    });

    it('a host that is no KFP API: 404 without a KFP error body points at kfp.host', async () => {
      await expect(backend({}, { baseUrl: `${server.url}/not-kfp` }).publish(publishRequest('one'))).rejects.toThrow(/404.*Check kfp.host/);
    });

    it('sends the bearer token (env or file), cookies and the kubeflow-userid header', async () => {
      server.faults.requireBearer('file-token');
      server.faults.requireHeader('cookie', 'oauth2_proxy=session');
      server.faults.requireHeader('kubeflow-userid', 'alice@example.com');
      const readFile = (path: string) => (path === '/token' ? 'file-token\n' : '');
      await backend({ readFile }, { token: { kind: 'file', path: '/token', origin: 'test' }, cookies: 'oauth2_proxy=session', userId: 'alice@example.com' }).publish(
        publishRequest('one'),
      );
      expect(server.state.versions).toHaveLength(1);
      expect(lines.join('\n')).toContain('bearer token from /token (test), session cookies, kubeflow-userid header');
      expect(lines.join('\n')).not.toMatch(/file-token|oauth2_proxy=session/);
    });
  });

  describe('dry run', () => {
    it('sends no writes and says what it would create', async () => {
      const dry = backend({ dryRun: true });
      const published = await dry.publish(publishRequest('one'));
      expect(published).toMatchObject({ created: true, dryRun: true });
      const handle = await dry.startRun({ pipelineName: 'training', version: published, parameters: { rows: 5 } });
      const schedule = await dry.applySchedule({ pipelineName: 'training', env: 'production', version: published, schedule: { cron: '0 0 4 * * *' }, parameters: {} });
      expect(schedule).toMatchObject({ action: 'created', dryRun: true });
      expect(handle.runId).toBe('(dry run)');
      expect(server.writes()).toHaveLength(0);
      expect(lines.filter((line) => line.startsWith('dry run: would'))).toEqual([
        `dry run: would create pipeline training in namespace team-a with its first version ${published.versionName} (one upload)`,
        'dry run: would create experiment Default',
        expect.stringMatching(/^dry run: would start run "training .*" of training version \w+ in experiment Default with \{"rows":5\}$/),
        'dry run: would create experiment Default',
        expect.stringMatching(/^dry run: would create recurring run "training \(production\)" of version \w+, cron "0 0 4 \* \* \*"/),
      ]);
    });

    it('finds an unchanged version on a real server, still without writing', async () => {
      await backend().publish(publishRequest('one'));
      const writes = server.writes().length;
      await expect(backend({ dryRun: true }).publish(publishRequest('one'))).resolves.toMatchObject({ created: false });
      await expect(backend({ dryRun: true }).publish(publishRequest('two'))).resolves.toMatchObject({ created: true, dryRun: true });
      expect(server.writes()).toHaveLength(writes);
    });
  });

  describe('runs', () => {
    it('creates the experiment when absent, the run of that version with parameters, and follows it to SUCCEEDED', async () => {
      const kfp = backend();
      const version = await kfp.publish(publishRequest('one'));
      const handle = await kfp.startRun({ pipelineName: 'training', version, experiment: 'nightly', parameters: { rows: 5, name: 'x' } });
      expect(server.state.experiments.map((e) => [e.display_name, e.namespace])).toEqual([['nightly', 'team-a']]);
      expect(server.state.runs[0]).toMatchObject({
        run_id: handle.runId,
        experiment_id: server.state.experiments[0].experiment_id,
        pipeline_version_reference: { pipeline_id: version.pipelineId, pipeline_version_id: version.versionId },
        runtime_config: { parameters: { rows: 5, name: 'x' } },
      });
      const changes: string[] = [];
      const outcome = await kfp.followRun(handle, { onTaskStateChange: (change) => changes.push(`${change.task} ${change.state}`) });
      expect(outcome).toMatchObject({ runId: handle.runId, state: 'SUCCEEDED' });
      expect(outcome.tasks.map((task) => [task.name, task.state])).toEqual([
        ['data-loader', 'SUCCEEDED'],
        ['trainer', 'SUCCEEDED'],
      ]);
      // Only the pipeline's tasks, though the server lists every Argo node (drivers, executors, the DAG nodes).
      expect(changes).toEqual(['data-loader RUNNING', 'data-loader SUCCEEDED', 'trainer RUNNING', 'trainer SUCCEEDED']);

      await kfp.startRun({ pipelineName: 'training', version, experiment: 'nightly', parameters: {} });
      expect(server.state.experiments).toHaveLength(1);
    });

    it('follows a run to FAILED with the failure in one message', async () => {
      server.state.runPlan = () => 'FAILED';
      const kfp = backend();
      const version = await kfp.publish(publishRequest('one'));
      const outcome = await kfp.followRun(await kfp.startRun({ pipelineName: 'training', version, parameters: {} }));
      // The server reports states only: the failure names the pipeline's failed task, no Argo node.
      expect(outcome).toMatchObject({ state: 'FAILED', error: 'trainer failed' });
      expect(outcome.tasks.map((task) => `${task.name} ${task.state}`)).toEqual(['data-loader SUCCEEDED', 'trainer FAILED']);
    });

    it('reports a run a spec cancels as CANCELLED', async () => {
      const kfp = backend();
      const version = await kfp.publish(publishRequest('one'));
      const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
      server.state.setRunState(handle.runId, 'CANCELED', { 'data-loader': 'CANCELED' });
      await expect(kfp.followRun(handle)).resolves.toMatchObject({ state: 'CANCELLED', tasks: [{ name: 'data-loader', state: 'CANCELLED' }] });
    });

    it('stopping the follow leaves the run going on the server and says so', async () => {
      const kfp = backend();
      const version = await kfp.publish(publishRequest('one'));
      const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
      server.state.setRunState(handle.runId, 'RUNNING', { 'data-loader': 'RUNNING' });
      const controller = new AbortController();
      controller.abort();
      await expect(kfp.followRun(handle, { signal: controller.signal })).resolves.toMatchObject({
        state: 'RUNNING',
        error: expect.stringContaining(`stopped following; run ${handle.runId} goes on on the server`),
      });
    });

    it('a run create whose answer was lost (500 after the write) is found by its unique name, not created twice', async () => {
      const kfp = backend({ runDisplayName: () => 'training 20261128-010203-abcdef' });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/runs', status: 500, afterApplying: true });
      const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
      expect(server.state.runs).toHaveLength(1);
      expect(handle.runId).toBe(server.state.runs[0].run_id);
    });

    const runsPath = '/apis/v2beta1/runs';

    it('a run create applied after the client timed out is looked for, never sent again, and found: one run once the late write lands', async () => {
      const kfp = backend({ sleep: realSleep, runDisplayName: () => 'training late-1' }, { timeoutMs: 200 });
      const version = await kfp.publish(publishRequest('one'));
      // Applied at 300 ms: after the 200 ms timeout and the first look, within the looks (another 200 ms).
      server.faults.delayNext({ method: 'POST', path: runsPath, ms: 300, afterApplying: false });
      const handle = await kfp.startRun({ pipelineName: 'training', version, experiment: 'nightly', parameters: {} });
      await server.settled();
      expect(server.state.runs).toHaveLength(1);
      expect(handle.runId).toBe(server.state.runs[0].run_id);
      expect(server.writes().filter((r) => r.path === runsPath)).toHaveLength(1);
      expect(lines.join('\n')).toMatch(
        /run "training late-1": POST \/apis\/v2beta1\/runs: no answer .* It may have been created on the server, or may still be, so it is not sent again; looking for it by name for up to 0.2s\n(.*\n)*run "training late-1": found on the server \(look [2-5] of 5\)/,
      );
      expect(lines.join('\n')).not.toMatch(/attempt 2/);
    });

    it('a run create that lands only after the looks: a clear error naming the run and experiment; one run once it lands', async () => {
      const kfp = backend({ sleep: realSleep, runDisplayName: () => 'training late-2' }, { timeoutMs: 150 });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.delayNext({ method: 'POST', path: runsPath, ms: 800, afterApplying: false });
      const attempt = kfp.startRun({ pipelineName: 'training', version, experiment: 'nightly', parameters: {} });
      await expect(attempt).rejects.toThrow(
        /^run "training late-2" in experiment "nightly": POST \/apis\/v2beta1\/runs: no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.15s \(kfp\.timeout_seconds\)\. It was sent once and not again \(nothing on the server stops a second one\), and not found by name within 0\.15s, but it may still appear on the server\. Check the KFP UI \(experiment "nightly"\) for run "training late-2" before deploying again/,
      );
      await attempt.catch((error: Error) => expect(error.name).toBe('KfpApiError'));
      expect(server.state.runs).toHaveLength(0);
      await server.settled();
      expect(server.state.runs).toHaveLength(1);
      expect(server.writes().filter((r) => r.path === runsPath)).toHaveLength(1);
    });

    it('a run create whose connection dropped after the write is found at the first look, not sent again', async () => {
      const kfp = backend({ runDisplayName: () => 'training dropped' });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.dropNext({ method: 'POST', path: runsPath, afterApplying: true });
      const handle = await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
      expect(server.state.runs.map((r) => r.run_id)).toEqual([handle.runId]);
      expect(server.writes().filter((r) => r.path === runsPath)).toHaveLength(1);
      expect(lines.join('\n')).toMatch(/closed without an answer \(ECONNRESET\)(.*\n)*run "training dropped": found on the server \(look 1 of 5\)/);
    });

    it('an experiment create that timed out but happened is not created again', async () => {
      const kfp = backend({}, { timeoutMs: 200 });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.delayNext({ method: 'POST', path: '/apis/v2beta1/experiments', ms: 2000 });
      await kfp.startRun({ pipelineName: 'training', version, parameters: {} });
      expect(server.state.experiments).toHaveLength(1);
      expect(server.state.runs).toHaveLength(1);
    });
  });

  describe('schedule', () => {
    const schedule = async (kfp: KfpRestBackend, marker: string, value: { cron: string } | { intervalSecond: number } | null, parameters = {}) =>
      kfp.applySchedule({ pipelineName: 'training', env: 'production', version: await kfp.publish(publishRequest(marker)), schedule: value, parameters });

    it('creates one recurring run, updates it to the new version (still one), leaves it when unchanged, disables it when removed', async () => {
      const kfp = backend();
      const created = await schedule(kfp, 'one', { cron: '0 0 4 * * *' }, { rows: 5 });
      expect(created).toMatchObject({ action: 'created', displayName: 'training (production)' });
      expect(server.state.recurringRuns).toHaveLength(1);
      expect(server.state.recurringRuns[0]).toMatchObject({
        display_name: 'training (production)',
        trigger: { cron_schedule: { cron: '0 0 4 * * *' } },
        status: 'ENABLED',
        runtime_config: { parameters: { rows: 5 } },
        no_catchup: true,
      });

      expect(await schedule(kfp, 'one', { cron: '0 0 4 * * *' }, { rows: 5 })).toMatchObject({ action: 'unchanged', recurringRunId: created.recurringRunId });

      const replaced = await schedule(kfp, 'two', { cron: '0 0 4 * * *' }, { rows: 5 });
      expect(replaced.action).toBe('replaced');
      expect(server.state.recurringRuns).toHaveLength(1);
      const newest = server.state.versions[1];
      expect(server.state.recurringRuns[0]).toMatchObject({
        recurring_run_id: replaced.recurringRunId,
        pipeline_version_reference: { pipeline_version_id: newest.pipeline_version_id },
      });

      const interval = await schedule(kfp, 'two', { intervalSecond: 3600 }, { rows: 5 });
      expect(interval.action).toBe('replaced');
      expect(server.state.recurringRuns).toEqual([expect.objectContaining({ trigger: { periodic_schedule: { interval_second: '3600' } } })]);

      expect(await schedule(kfp, 'two', null)).toMatchObject({ action: 'disabled', recurringRunId: interval.recurringRunId });
      expect(server.state.recurringRuns).toEqual([expect.objectContaining({ status: 'DISABLED', mode: 'DISABLE' })]);
      expect(await schedule(kfp, 'two', null)).toMatchObject({ action: 'none' });

      expect(await schedule(kfp, 'two', { intervalSecond: 3600 }, { rows: 5 })).toMatchObject({ action: 'enabled', recurringRunId: interval.recurringRunId });
      expect(server.state.recurringRuns).toEqual([expect.objectContaining({ status: 'ENABLED' })]);
    });

    it('one recurring run per environment', async () => {
      const kfp = backend();
      const version = await kfp.publish(publishRequest('one'));
      for (const env of ['staging', 'production']) {
        await kfp.applySchedule({ pipelineName: 'training', env, version, schedule: { cron: '0 0 4 * * *' }, parameters: {} });
      }
      expect(server.state.recurringRuns.map((r) => r.display_name).sort()).toEqual(['training (production)', 'training (staging)']);
    });

    it('a recurring run create whose answer was lost is not created twice', async () => {
      const kfp = backend();
      server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/recurringruns', status: 500, afterApplying: true });
      await schedule(kfp, 'one', { cron: '0 0 4 * * *' });
      expect(server.state.recurringRuns).toHaveLength(1);
    });

    it('a recurring run create applied after the client timed out is found, never sent again: one recurring run once the late write lands', async () => {
      const kfp = backend({ sleep: realSleep }, { timeoutMs: 200 });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.delayNext({ method: 'POST', path: '/apis/v2beta1/recurringruns', ms: 300, afterApplying: false });
      const created = await kfp.applySchedule({ pipelineName: 'training', env: 'production', version, schedule: { cron: '0 0 4 * * *' }, parameters: {} });
      await server.settled();
      expect(server.state.recurringRuns.map((r) => r.recurring_run_id)).toEqual([created.recurringRunId]);
      expect(server.writes().filter((r) => r.path === '/apis/v2beta1/recurringruns')).toHaveLength(1);
      expect(lines.join('\n')).toMatch(/recurring run "training \(production\)": found on the server \(look [2-5] of 5\)/);
    });

    it('a recurring run create that lands only after the looks: the error says to check the experiment before deploying again', async () => {
      const kfp = backend({ sleep: realSleep }, { timeoutMs: 150 });
      const version = await kfp.publish(publishRequest('one'));
      server.faults.delayNext({ method: 'POST', path: '/apis/v2beta1/recurringruns', ms: 800, afterApplying: false });
      await expect(
        kfp.applySchedule({ pipelineName: 'training', env: 'production', version, experiment: 'nightly', schedule: { cron: '0 0 4 * * *' }, parameters: {} }),
      ).rejects.toThrow(/may still appear on the server\. Check the KFP UI \(experiment "nightly"\) for recurring run "training \(production\)" before deploying again/);
      await server.settled();
      expect(server.state.recurringRuns).toHaveLength(1);
      expect(server.writes().filter((r) => r.path === '/apis/v2beta1/recurringruns')).toHaveLength(1);
    });

    it('refuses a cron that is not six fields, seconds first, before calling the server', async () => {
      await expect(schedule(backend(), 'one', { cron: '0 4 * * *' })).rejects.toThrow(
        'schedule.cron "0 4 * * *" has 5 fields; KFP reads six, seconds first (seconds minutes hours day-of-month month day-of-week), e.g. "0 0 4 * * *". Five fields is the Unix form: add the seconds in front, e.g. "0 0 4 * * *".',
      );
      expect(server.state.recurringRuns).toHaveLength(0);
    });
  });
});
