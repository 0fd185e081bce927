/**
 * The run view's server over run folders the real local runner wrote (the
 * fixture pipeline here): what the API answers, that it serves nothing
 * outside a run folder, and that no secret value reaches an answer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileUiFixture, runUiFixture, UI_FIXTURE_TASKS } from './__fixtures__/ui-fixture-pipeline';
import * as runGraphModule from './run-graph';
import { startRunView, type RunView } from './run-view';

jest.setTimeout(120_000);

const TOKEN = 'tok-4f1c9e2a7b';
const SETTINGS_PASSWORD = 'pw-settings-31c7';
// the settings hand-over the compiler gives a component-runtime component, here given to the runner
const SETTINGS_ENV = { ENV_FOR_DYNACONF: 'testing', PIPELINE_SETTINGS_TOML: `[default]\nregion = "eu"\n\n[testing]\nregion = "eu-test"\nwarehouse_password = "${SETTINGS_PASSWORD}"\n` };
let scratch: string;
let runsRoot: string;
let view: RunView;

function get(path: string, host?: string): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: view.port, path, headers: host ? { host } : {} }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
const json = async (path: string) => {
  const response = await get(path);
  expect({ path, status: response.status }).toEqual({ path, status: 200 });
  return JSON.parse(response.body);
};
const q = (query: Record<string, string>) => new URLSearchParams({ pipeline: 'ui-fixture', run: 'ok', ...query }).toString();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-ui-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(join(workspace, 'pipelines/p/config'), { recursive: true });
  writeFileSync(join(workspace, 'pipelines/p/config/.secrets.toml'), `[default]\nfixture_token = "${TOKEN}"\n`);
  writeFileSync(join(workspace, 'pipelines/p/config/settings.local.toml'), '[default]\nwarehouse_password = "pw-local-77aa"\nregion = "plain-visible"\n');
  const irFile = join(scratch, 'ir.yaml');
  writeFileSync(irFile, compileUiFixture());
  runsRoot = join(workspace, 'dist/runs');
  const ok = await runUiFixture(runsRoot, 'ok', irFile, { env: { FIXTURE_TOKEN: TOKEN, ...SETTINGS_ENV } });
  expect(ok.state).toBe('SUCCEEDED');
  const failed = await runUiFixture(runsRoot, 'failed', irFile, { parameters: { fail: true, rows: 4 } });
  expect(failed.state).toBe('FAILED');
  // a file outside every run folder, and a symlink inside one pointing at it
  writeFileSync(join(workspace, 'dist/outside.txt'), 'outside the runs');
  symlinkSync(join(workspace, 'dist/outside.txt'), join(runsRoot, 'ui-fixture/ok/escape.txt'));
  view = await startRunView({ workspaceRoot: workspace, port: 0 });
});
afterAll(async () => {
  await view?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the run view API', () => {
  it('lists each pipeline and its runs with state, parameters and start', async () => {
    const { pipelines, runs } = await json('/api/runs');
    expect(pipelines).toEqual(['ui-fixture']);
    expect(runs.map((run: { runId: string; state: string }) => [run.runId, run.state]).sort()).toEqual([
      ['failed', 'FAILED'],
      ['ok', 'SUCCEEDED'],
    ]);
    const ok = runs.find((run: { runId: string }) => run.runId === 'ok');
    expect(ok.parameters).toEqual({ rows: 12, pause: 0, fail: false });
    expect(typeof ok.startedAt).toBe('string');
    expect(typeof ok.durationMs).toBe('number');
  });

  it('gives the run graph from the IR the run executed: every task with its state, the condition as a group, laid out', async () => {
    const { record, graph } = await json(`/api/run?${q({})}`);
    expect(record.state).toBe('SUCCEEDED');
    expect(graph.tasks.map((task: { name: string }) => task.name).sort()).toEqual([...UI_FIXTURE_TASKS].sort());
    for (const task of graph.tasks) expect(task.state).toBe('SUCCEEDED');
    expect(graph.groups).toEqual([expect.objectContaining({ kind: 'condition', id: 'group:condition-1', state: 'TRUE' })]);
    expect(graph.tasks.find((task: { name: string }) => task.name === 'summarize').parent).toBe('group:condition-1');
    expect(graph.edges.map((edge: { id: string }) => edge.id)).toEqual(expect.arrayContaining(['task:make-data->task:evaluate', 'task:make-data->group:condition-1']));
    // the group's box holds its task's
    const group = graph.boxes['group:condition-1'];
    const inner = graph.boxes['task:summarize'];
    expect(inner.x).toBeGreaterThanOrEqual(group.x);
    expect(inner.y + inner.height).toBeLessThanOrEqual(group.y + group.height);
    expect(Object.keys(graph.paths)).toHaveLength(graph.edges.length);
  });

  it("gives a task's inputs, outputs and artifacts by type", async () => {
    const details = await json(`/api/task?${q({ task: 'evaluate' })}`);
    expect(details.inputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'fail', value: false, source: 'pipeline parameter fail' }),
        expect.objectContaining({ name: 'data', kind: 'artifact', task: 'make-data', path: 'make-data/outputs/artifacts/data' }),
      ]),
    );
    const byName = Object.fromEntries(details.artifacts.map((artifact: { name: string }) => [artifact.name, artifact]));
    expect(byName.metrics.preview).toEqual({ kind: 'metrics', metrics: [{ name: 'accuracy', value: 0.875 }, { name: 'rmse', value: 0.3125 }, { name: 'rows', value: 12 }] });
    expect(byName.classification.preview.confusionMatrix).toEqual({ categories: ['cat', 'dog'], rows: [[6, 2], [1, 3]] });
    expect(byName.page.preview).toEqual({ kind: 'html' });
    expect(byName.sliced.preview).toEqual({
      kind: 'sliced-classification-metrics',
      slices: [
        expect.objectContaining({ slice: 'north', confusionMatrix: { categories: ['cat', 'dog'], rows: [[6, 1], [0, 2]] } }),
        expect.objectContaining({ slice: 'south', confusionMatrix: { categories: ['cat', 'dog'], rows: [[2, 2], [1, 4]] } }),
      ],
    });
    expect(details.command[0]).toBe('python3');

    const maker = await json(`/api/task?${q({ task: 'make-data' })}`);
    const data = maker.artifacts.find((artifact: { name: string }) => artifact.name === 'data');
    expect(data.preview).toMatchObject({ kind: 'table', format: 'csv', columns: ['x', 'y', 'label'] });
    expect(data.preview.rows[2]).toEqual(['2', '4', 'cat']);
    expect(maker.artifacts.find((artifact: { name: string }) => artifact.name === 'report').preview.text).toContain('**12 rows**');
    expect(maker.outputParameters).toEqual({ row_count: 12 });
    // Parquet and JSON lines at KFP's extension-less output paths, known by their content
    const table = maker.artifacts.find((artifact: { name: string }) => artifact.name === 'table');
    expect(table.preview).toMatchObject({ kind: 'table', format: 'parquet', columns: ['id', 'city', 'score', 'seen', 'ok'], columnTypes: ['INT64', 'STRING', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN'], rowCount: 30, truncated: true });
    expect(table.size).toBe(readFileSync(join(__dirname, '__fixtures__/make-data/sample.parquet')).length);
    expect(table.relativePath).toBe('make-data/outputs/artifacts/table');
    const records = maker.artifacts.find((artifact: { name: string }) => artifact.name === 'records');
    expect(records.preview).toMatchObject({ kind: 'table', format: 'jsonl', columns: ['x', 'label', 'tags'] });
    expect(records.preview.rows[0]).toEqual([0, 'dog', ['even']]);
  });

  it('gives the command line a task ran and the settings environment it ran with, masked in run.json itself', async () => {
    const { record } = await json(`/api/task?${q({ task: 'make-data' })}`);
    // resolved: the output paths are this run's
    expect(record.command.slice(0, 3)).toEqual(['python3', 'run.py', '--rows']);
    expect(record.command).toContain(join(runsRoot, 'ui-fixture/ok/make-data/outputs/artifacts/table'));
    expect(record.environment.settingsEnv).toBe('testing');
    expect(record.environment.settings).toEqual({ REGION: 'eu-test', WAREHOUSE_PASSWORD: '***' });
    const variables = Object.fromEntries(record.environment.variables.map(({ name, value }: { name: string; value: string }) => [name, value]));
    expect(variables).toMatchObject({ ENV_FOR_DYNACONF: 'testing', FIXTURE_TOKEN: '***', NX_KUBEFLOW_TASK: 'make-data', NX_KUBEFLOW_RUN_ID: 'ok' });
    const written = readFileSync(join(runsRoot, 'ui-fixture/ok/run.json'), 'utf8');
    expect(written).toContain('"settingsEnv": "testing"');
    for (const secret of [TOKEN, SETTINGS_PASSWORD]) expect(written).not.toContain(secret);
  });

  it('reads JSON-line logs into records, with other lines as text', async () => {
    const { records } = await json(`/api/log?${q({ path: 'make-data/log.txt' })}`);
    expect(records.map((record: { level?: string; message: string }) => [record.level, record.message])).toEqual(
      expect.arrayContaining([
        ['DEBUG', 'arguments parsed'],
        ['INFO', 'making the dataset'],
        ['WARNING', 'labels are unbalanced'],
        [undefined, 'plain text line from print()'],
      ]),
    );
    const making = records.find((record: { message: string }) => record.message === 'making the dataset');
    expect(making.extra).toEqual({ logger: 'make-data', component: 'make-data', rows: 12 });
    expect(making.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('shows a failed run with its failed task and error', async () => {
    const { record, graph } = await json(`/api/run?${new URLSearchParams({ pipeline: 'ui-fixture', run: 'failed' })}`);
    expect(record.state).toBe('FAILED');
    const evaluate = graph.tasks.find((task: { name: string }) => task.name === 'evaluate');
    expect(evaluate.state).toBe('FAILED');
    expect(evaluate.error).toMatch(/exit code 1: the model diverged/);
  });

  it('lays an IR out once for all its runs, and colours each run by its own states', async () => {
    const layout = jest.spyOn(runGraphModule, 'layoutRunGraph');
    try {
      await json(`/api/run?${q({})}`);
      // both records rewritten, as a run in progress rewrites its own at each state change: nothing to lay out again
      const later = new Date(Date.now() + 60_000);
      for (const run of ['ok', 'failed']) utimesSync(join(runsRoot, 'ui-fixture', run, 'run.json'), later, later);
      layout.mockClear();
      const ok = await json(`/api/run?${q({})}`);
      const failed = await json(`/api/run?${new URLSearchParams({ pipeline: 'ui-fixture', run: 'failed' })}`);
      expect(layout).not.toHaveBeenCalled();
      expect(failed.graph.boxes).toEqual(ok.graph.boxes);
      const stateOf = (answer: { graph: { tasks: { name: string; state: string }[] } }) => answer.graph.tasks.find((task) => task.name === 'evaluate')!.state;
      expect([stateOf(ok), stateOf(failed)]).toEqual(['SUCCEEDED', 'FAILED']);
    } finally {
      layout.mockRestore();
    }
  });

  it('masks every secret value of .secrets.* and secret keys of settings.local.toml, wherever a task wrote it', async () => {
    const log = await get(`/api/log?${q({ path: 'make-data/log.txt' })}`);
    expect(log.body).toContain('connecting with token ***');
    expect(log.body).not.toContain(TOKEN);
    const raw = await get(`/api/file?${q({ path: 'make-data/log.txt' })}`);
    expect(raw.status).toBe(200);
    expect(raw.body).not.toContain(TOKEN);
    expect(view.secrets.redactText('a pw-local-77aa b plain-visible')).toBe('a *** b plain-visible');
  });

  it('compares runs: parameters and Metrics values side by side, differences marked; a metric one run lacks differs', async () => {
    const { runs, rows, classifications } = await json('/api/compare?runs=ui-fixture%2Fok,ui-fixture%2Ffailed');
    expect(classifications.map((entry: { name: string }) => entry.name)).toEqual(['evaluate · classification', 'evaluate · sliced · north', 'evaluate · sliced · south']);
    expect(classifications[0].values[0].confusionMatrix.rows).toEqual([[6, 2], [1, 3]]);
    expect(runs.map((run: { runId: string }) => run.runId)).toEqual(['ok', 'failed']);
    const row = (name: string) => rows.find((candidate: { name: string }) => candidate.name === name);
    expect(row('rows')).toEqual({ name: 'rows', kind: 'parameter', values: [12, 4], differs: true });
    expect(row('pause')).toEqual({ name: 'pause', kind: 'parameter', values: [0, 0], differs: false });
    expect(row('evaluate · metrics · accuracy')).toEqual({ name: 'evaluate · metrics · accuracy', kind: 'metric', values: [0.875, null], differs: true });
    expect(row('evaluate · classification · accuracy')).toEqual({ name: 'evaluate · classification · accuracy', kind: 'classification', values: [0.75, null], differs: true });
    expect(row('evaluate · sliced · north · accuracy')).toMatchObject({ kind: 'classification', values: [0.8889, null], differs: true });
    expect((await get('/api/compare?runs=ui-fixture%2Fok')).status).toBe(400);
    expect((await get('/api/compare?runs=ui-fixture%2Fok,ui-fixture%2F..')).status).toBe(404);
  });

  it.each([
    ['a relative path up', '../failed/run.json'],
    ['deep', '../../../../../../etc/passwd'],
    ['absolute', '/etc/passwd'],
    ['encoded twice', '%2e%2e/%2e%2e/outside.txt'],
    ['a symlink out of the run folder', 'escape.txt'],
    ['backslashes', '..\\..\\outside.txt'],
  ])('refuses a file outside the run folder: %s', async (_, path) => {
    const response = await get(`/api/file?${q({ path })}`);
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('outside the runs');
  });

  it('refuses encoded ../ in the URL itself, and run or pipeline names that are paths', async () => {
    for (const path of [
      '/api/file?pipeline=ui-fixture&run=ok&path=..%2F..%2Foutside.txt',
      '/api/file?pipeline=ui-fixture&run=ok&path=%252e%252e%252f..%252foutside.txt',
      '/api/file?pipeline=ui-fixture&run=..&path=outside.txt',
      '/api/file?pipeline=..&run=dist&path=outside.txt',
      '/api/file?pipeline=ui-fixture%2F..&run=ok&path=run.json',
      '/..%2F..%2Foutside.txt',
    ]) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: expect.any(Number) });
      expect([403, 404]).toContain(response.status);
      expect(response.body).not.toContain('outside the runs');
    }
  });

  it('serves an HTML artifact under a sandboxing CSP, and the page under its own', async () => {
    const page = await get(`/api/file?${q({ path: 'evaluate/outputs/artifacts/page', as: 'html' })}`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(String(page.headers['content-security-policy'])).toMatch(/^sandbox/);
    const index = await get('/');
    expect(index.type).toContain('text/html');
    expect(String(index.headers['content-security-policy'])).toContain("default-src 'self'");
    for (const vendor of ['/vendor/marked.js', '/vendor/purify.js', '/app.js']) expect((await get(vendor)).status).toBe(200);
  });

  it('answers only requests for the loopback host', async () => {
    expect((await get('/api/runs', 'evil.example:80')).status).toBe(403);
    expect((await get('/api/runs', `localhost:${view.port}`)).status).toBe(200);
  });
});

it('finds the browser libraries under plain node, whose resolver honours package exports (jest lets subpaths through)', () => {
  const script = `const { VENDOR_FILES } = require(${JSON.stringify(join(__dirname, 'vendor-files.ts'))}); console.log(JSON.stringify(Object.values(VENDOR_FILES).map((file) => file())))`;
  const files = JSON.parse(execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { encoding: 'utf8' })) as string[];
  expect(files).toHaveLength(4);
  for (const file of files) expect(existsSync(file)).toBe(true);
});
