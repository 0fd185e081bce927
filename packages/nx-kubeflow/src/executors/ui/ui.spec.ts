/**
 * The ui executor as Nx calls it: serving (the address printed, the API
 * answering, stopped by SIGTERM), a port in use, and --static.
 */
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileUiFixture, runUiFixture } from '../../ui/__fixtures__/ui-fixture-pipeline';
import { runPageUrl } from '../../ui/serving-views';
import uiExecutor from './ui.impl';

jest.setTimeout(120_000);

const TOKEN = 'tok-0a1b2c3d4e';
let workspace: string;
const context = (): ExecutorContext => ({ root: workspace, projectName: 'ui-fixture', cwd: workspace, isVerbose: false }) as unknown as ExecutorContext;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'nx-kubeflow-ui-executor-'));
  mkdirSync(join(workspace, 'components/c/config'), { recursive: true });
  writeFileSync(join(workspace, 'components/c/config/settings.local.toml'), `[default]\napi_token = "${TOKEN}"\n`);
  writeFileSync(join(workspace, 'ir.yaml'), compileUiFixture());
  const result = await runUiFixture(join(workspace, 'dist/runs'), 'r1', join(workspace, 'ir.yaml'), { env: { FIXTURE_TOKEN: TOKEN } });
  expect(result.state).toBe('SUCCEEDED');
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

it('serves on 127.0.0.1, prints the address, answers for the project, and stops on SIGTERM', async () => {
  const lines: string[] = [];
  jest.spyOn(logger, 'info').mockImplementation((line: unknown) => void lines.push(String(line)));
  // only the executor's own SIGTERM listener is called below: a process-wide signal would also reach the
  // test runner's listeners (jest runs in band under Nx in CI, in the Nx task process)
  const listenersBefore = process.listeners('SIGTERM');
  const serving = uiExecutor({ port: 0 }, context());
  let url: string | undefined;
  for (let i = 0; i < 100 && !url; i++) {
    url = lines.map((line) => /runs of ui-fixture: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1]).find(Boolean);
    if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(url).toBeDefined();
  const answer = (await (await fetch(`${url}api/runs`)).json()) as { pipelines: string[]; runs: { runId: string }[] };
  expect(answer.pipelines).toEqual(['ui-fixture']);
  expect(answer.runs.map((run) => run.runId)).toEqual(['r1']);
  // while it serves, deploy --run on this machine finds the run's page; once stopped, it does not
  expect(runPageUrl(workspace, 'ui-fixture', 'r2')).toBe(`${url}#/run/ui-fixture/r2`);
  expect(runPageUrl(workspace, 'another-pipeline', 'r2')).toBeUndefined();
  const executorListeners = process.listeners('SIGTERM').filter((listener) => !listenersBefore.includes(listener));
  expect(executorListeners).toHaveLength(1);
  for (const listener of executorListeners) (listener as (signal: NodeJS.Signals) => void)('SIGTERM');
  await expect(serving).resolves.toEqual({ success: true });
  expect(runPageUrl(workspace, 'ui-fixture', 'r2')).toBeUndefined();
});

it('fails, saying so, when the port asked for is in use', async () => {
  const errors: string[] = [];
  jest.spyOn(logger, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    await expect(uiExecutor({ port }, context())).resolves.toEqual({ success: false });
    expect(errors.join('\n')).toContain(`port ${port} on 127.0.0.1 is in use`);
  } finally {
    busy.close();
  }
});

it('--static writes one run as a self-contained HTML file, secrets masked', async () => {
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  await expect(uiExecutor({ static: 'dist/reports' }, context())).resolves.toEqual({ success: true });
  const file = join(workspace, 'dist/reports/ui-fixture-r1.html');
  expect(existsSync(file)).toBe(true);
  const html = readFileSync(file, 'utf8');
  expect(html).toContain('window.RUN_REPORT = ');
  expect(html).not.toMatch(/<script[^>]+src=/);
  expect(html).toContain('connecting with token ***');
  expect(html).not.toContain(TOKEN);
});
