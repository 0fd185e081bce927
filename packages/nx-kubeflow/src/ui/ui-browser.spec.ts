/**
 * The run view in a real browser: Debian's chromium driven by playwright-core
 * (no browser download). A real run of the fixture pipeline by the local
 * runner, followed live on the page, then its graph, a task's log, the
 * artifacts by type; a failed run; keyboard use and axe-core's checks. The
 * screenshots land in dist/test-results/ui/ (a CI artifact).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WORKSPACE_ROOT } from '../local-runner/__fixtures__/fixture-pipeline';
import type { RunRecordData } from '../local-runner/run-record';
import type { RunResult } from '../local-runner/run-pipeline';
import { chromiumMissing, findChromium } from '../testing/chromium';
import { requireOrSkip } from '../testing/suite-requirements';
import { compileUiFixture, runUiFixture, UI_FIXTURE_TASKS } from './__fixtures__/ui-fixture-pipeline';
import { runViewSources, startRunView, type RunView } from './run-view';
import { writeStaticReport } from './static-report';

jest.setTimeout(180_000);

const CHROMIUM = findChromium();
const SCREENSHOTS = join(WORKSPACE_ROOT, 'dist/test-results/ui');
const TOKEN = 'tok-b9e8d7c6a5';
const SETTINGS_PASSWORD = 'pw-browser-8d2e';
// the settings hand-over the compiler gives a component-runtime component, here given to the runner
const SETTINGS_ENV = { ENV_FOR_DYNACONF: 'testing', PIPELINE_SETTINGS_TOML: `[testing]\nregion = "eu-test"\nwarehouse_password = "${SETTINGS_PASSWORD}"\n` };

if (requireOrSkip('run view in a browser', 'browser', chromiumMissing(CHROMIUM))) {
  let scratch: string;
  let runsRoot: string;
  let irFile: string;
  let view: RunView;
  let browser: Browser;
  let page: Page;

  const runUrl = (run: string, task?: string) => `${view.url}#/run/ui-fixture/${run}${task ? `/${task}` : ''}`;
  const nodeState = (task: string) => page.getAttribute(`.node[data-task="${task}"]`, 'data-state');
  const record = (run: string): RunRecordData => JSON.parse(readFileSync(join(runsRoot, 'ui-fixture', run, 'run.json'), 'utf8'));

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-ui-browser-'));
    const workspace = join(scratch, 'workspace');
    mkdirSync(join(workspace, 'pipelines/p/config'), { recursive: true });
    writeFileSync(join(workspace, 'pipelines/p/config/.secrets.toml'), `[default]\ntoken = "${TOKEN}"\n`);
    runsRoot = join(workspace, 'dist/runs');
    irFile = join(scratch, 'ir.yaml');
    writeFileSync(irFile, compileUiFixture());
    mkdirSync(SCREENSHOTS, { recursive: true });
    view = await startRunView({ workspaceRoot: workspace, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  });
  afterAll(async () => {
    await browser?.close();
    await view?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('follows a run live: a running task turns SUCCEEDED on the page without a reload, and every task shows its final state', async () => {
    // make-data waits 4 s in its process: long enough to see it RUNNING
    const running: Promise<RunResult> = runUiFixture(runsRoot, 'live', irFile, { parameters: { pause: 4 }, env: { FIXTURE_TOKEN: TOKEN, ...SETTINGS_ENV } });
    while (!existsSync(join(runsRoot, 'ui-fixture/live/run.json'))) await new Promise((resolve) => setTimeout(resolve, 100));
    await page.goto(runUrl('live'));
    await page.waitForSelector('.node[data-task="make-data"][data-state="RUNNING"]', { timeout: 20_000 });
    // the spec has no DOM types: code for the page goes as text
    await page.evaluate('window.notReloaded = true');
    const result = await running;
    expect(result.state).toBe('SUCCEEDED');
    await page.waitForSelector('#run-state .state-SUCCEEDED', { timeout: 20_000 });
    await page.waitForSelector('.node[data-task="summarize"][data-state="SUCCEEDED"]', { timeout: 20_000 });
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    for (const task of UI_FIXTURE_TASKS) expect(await nodeState(task)).toBe('SUCCEEDED');
    expect(await page.getAttribute('.group[data-group="condition-1"]', 'data-state')).toBe('TRUE');
    expect(await page.locator('.edge').count()).toBeGreaterThanOrEqual(2);
  });

  it("shows a task's log as records, filters it by level and searches it, and renders Markdown sanitised", async () => {
    await page.goto(runUrl('live'));
    await page.click('.node[data-task="make-data"]');
    await page.waitForSelector('#task-name:text("make-data")');
    const messages = () => page.locator('table.log tbody tr td:nth-child(3)').allTextContents();
    expect(await messages()).toEqual(expect.arrayContaining(['arguments parsed', 'making the dataset', 'labels are unbalanced', 'plain text line from print()']));
    expect(await page.locator('table.log tbody tr.level-INFO td:nth-child(4)').first().textContent()).toBe('rows=12');
    // the fields every line has are said once above the table
    expect(await page.textContent('.log-context')).toBe('On every line: logger=make-data  component=make-data');
    await page.selectOption('#log-level', 'WARNING');
    expect(await messages()).toEqual(['labels are unbalanced']);
    await page.selectOption('#log-level', 'ALL');
    await page.fill('#log-search', 'print(');
    expect(await messages()).toEqual(['plain text line from print()']);
    await page.fill('#log-search', '');
    // the secret the task logged is masked
    expect(await page.textContent('body')).toContain('connecting with token ***');
    expect(await page.content()).not.toContain(TOKEN);
    // Markdown rendered (its headings under the artifact's), its script dropped
    expect(await page.textContent('[data-artifact="report"] .markdown h5')).toBe('Data report');
    expect(await page.locator('[data-artifact="report"] .markdown script').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    // the dataset's first rows
    expect(await page.locator('[data-artifact="data"] table.dataset thead th').allTextContents()).toEqual(['x', 'y', 'label']);
    await page.screenshot({ path: join(SCREENSHOTS, 'task-log.png'), fullPage: true });
  });

  it("previews a Parquet dataset (columns with types, row count, size, path) and JSON lines", async () => {
    await page.goto(runUrl('live', 'make-data'));
    const table = '[data-artifact="table"]';
    await page.waitForSelector(`${table} table.dataset`);
    expect(await page.locator(`${table} table.dataset thead th`).allTextContents()).toEqual(['idINT64', 'citySTRING', 'scoreDOUBLE', 'seenTIMESTAMP', 'okBOOLEAN']);
    expect(await page.textContent(`${table} .dataset-facts`)).toBe('Parquet · 30 rows · 5 columns');
    expect(await page.locator(`${table} table.dataset tbody tr`).count()).toBe(20);
    expect(await page.locator(`${table} table.dataset tbody tr:nth-child(4) td`).allTextContents()).toEqual(['3', 'null', '0.75', '2026-01-01T03:00:00.000Z', 'false']);
    const size = readFileSync(join(__dirname, '__fixtures__/make-data/sample.parquet')).length;
    expect(await page.textContent(`${table} p.muted`)).toBe(`make-data/outputs/artifacts/table · ${size} bytes`);
    expect(await page.getAttribute(`${table} p.muted a`, 'href')).toContain('path=make-data%2Foutputs%2Fartifacts%2Ftable');
    expect(await page.locator('[data-artifact="records"] table.dataset thead th').allTextContents()).toEqual(['x', 'label', 'tags']);
    await page.locator(table).screenshot({ path: join(SCREENSHOTS, 'parquet-preview.png') });
  });

  it('shows the command a task ran and the settings environment it ran with, secrets masked', async () => {
    await page.goto(runUrl('live', 'make-data'));
    await page.waitForSelector('#task-command');
    const command = (await page.textContent('#task-command'))!;
    expect(command).toContain(JSON.stringify(join(runsRoot, 'ui-fixture/live/make-data/outputs/artifacts/table')));
    expect(await page.textContent('#settings-env')).toBe('Settings environment (ENV_FOR_DYNACONF): testing');
    expect(JSON.parse((await page.textContent('#task-settings'))!)).toEqual({ REGION: 'eu-test', WAREHOUSE_PASSWORD: '***' });
    expect(await page.textContent('tr[data-variable="FIXTURE_TOKEN"] td:nth-child(2)')).toBe('***');
    expect(await page.textContent('tr[data-variable="NX_KUBEFLOW_TASK"] td:nth-child(2)')).toBe('make-data');
    const content = await page.content();
    for (const secret of [TOKEN, SETTINGS_PASSWORD]) expect(content).not.toContain(secret);
  });

  it('shows the Metrics values the component wrote, the confusion matrix, and the HTML report in a sandbox', async () => {
    await page.goto(runUrl('live'));
    await page.click('.node[data-task="evaluate"]');
    await page.waitForSelector('[data-artifact="metrics"] table.metrics');
    const written = record('live').tasks.find((task) => task.name === 'evaluate')!.outputs.artifacts.metrics.metadata!;
    expect(Object.keys(written).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(written)) {
      expect(await page.textContent(`[data-artifact="metrics"] tr[data-metric="${name}"] td:nth-child(2)`)).toBe(String(value));
    }
    expect(await page.locator('[data-artifact="classification"] table.matrix tbody td').allTextContents()).toEqual(['6', '2', '1', '3']);
    // the ROC curve is drawn: uPlot's canvas, with pixels on it
    await page.waitForSelector('[data-artifact="classification"] div.roc canvas');
    const inked = await page.evaluate(
      `(() => { const c = document.querySelector('[data-artifact="classification"] div.roc canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`,
    );
    expect(inked).toBeGreaterThan(500);
    // a SlicedClassificationMetrics: one slice at a time, picked from a list, drawn as the ClassificationMetrics above
    const sliced = '[data-artifact="sliced"]';
    expect(await page.locator(`${sliced} select.slice-picker option`).allTextContents()).toEqual(['north', 'south']);
    expect(await page.locator(`${sliced} table.matrix tbody td`).allTextContents()).toEqual(['6', '1', '0', '2']);
    await page.selectOption(`${sliced} select.slice-picker`, { label: 'south' });
    await page.waitForSelector(`${sliced} .slice[data-slice="south"]`);
    expect(await page.locator(`${sliced} table.matrix tbody td`).allTextContents()).toEqual(['2', '2', '1', '4']);
    await page.waitForSelector(`${sliced} div.roc canvas`);
    expect(await page.getAttribute(`${sliced} div.roc [role="img"]`, 'aria-label')).toBe('ROC curve of sliced, slice south: 2 points');
    await page.locator(sliced).screenshot({ path: join(SCREENSHOTS, 'sliced-classification-metrics.png') });
    const frame = page.locator('[data-artifact="page"] iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await page.frameLocator('[data-artifact="page"] iframe').locator('#rows').textContent()).toBe('12 rows');
    expect(await page.title()).not.toBe('escaped');
    await page.screenshot({ path: join(SCREENSHOTS, 'run-page.png'), fullPage: true });
    await page.locator('[data-artifact="classification"]').screenshot({ path: join(SCREENSHOTS, 'classification-metrics.png') });
  });

  it('shows a failed run: the failed task in the graph, and its error', async () => {
    const result = await runUiFixture(runsRoot, 'failed', irFile, { parameters: { fail: true, rows: 4 } });
    expect(result.state).toBe('FAILED');
    await page.goto(runUrl('failed'));
    await page.waitForSelector('#run-state .state-FAILED');
    expect(await nodeState('evaluate')).toBe('FAILED');
    await page.click('.node[data-task="evaluate"]');
    await page.waitForSelector('#task-error');
    expect(await page.textContent('#task-error')).toContain('the model diverged');
    await page.screenshot({ path: join(SCREENSHOTS, 'failed-run.png'), fullPage: true });
  });

  it('lists the runs and opens a task from the keyboard', async () => {
    await page.goto(view.url);
    await page.waitForSelector('table.runs');
    expect((await page.locator('table.runs tbody tr').count())).toBe(2);
    await page.goto(runUrl('live'));
    await page.waitForSelector('.node[data-task="evaluate"]');
    await page.focus('.node[data-task="evaluate"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#task-name:text("evaluate")');
    expect(page.url()).toContain('/evaluate');
  });

  it('opens the static report of a run from disk, with no server: graph, metrics, HTML report', async () => {
    const { store, secrets } = runViewSources({ workspaceRoot: join(scratch, 'workspace') });
    const { file } = await writeStaticReport({ store, secrets, pipeline: 'ui-fixture', run: 'live', folder: join(scratch, 'report') });
    const requests: string[] = [];
    const offline = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    offline.on('request', (request) => requests.push(request.url()));
    try {
      await offline.goto(`file://${file}`);
      await offline.waitForSelector('#run-state .state-SUCCEEDED');
      for (const task of UI_FIXTURE_TASKS) expect(await offline.getAttribute(`.node[data-task="${task}"]`, 'data-state')).toBe('SUCCEEDED');
      await offline.click('.node[data-task="evaluate"]');
      await offline.waitForSelector('[data-artifact="metrics"] tr[data-metric="accuracy"]');
      expect(await offline.textContent('[data-artifact="metrics"] tr[data-metric="accuracy"] td:nth-child(2)')).toBe('0.875');
      expect(await offline.frameLocator('[data-artifact="page"] iframe').locator('#rows').textContent()).toBe('12 rows');
      await offline.click('.node[data-task="make-data"]');
      await offline.waitForSelector('table.log tbody tr');
      expect(await offline.locator('table.log tbody tr td:nth-child(3)').allTextContents()).toContain('making the dataset');
      expect(await offline.content()).not.toContain(TOKEN);
      expect(requests.filter((url) => !url.startsWith('file://') && !url.startsWith('about:'))).toEqual([]);
      await offline.screenshot({ path: join(SCREENSHOTS, 'static-report.png'), fullPage: true });
    } finally {
      await offline.close();
    }
  });

  it('compares two runs side by side, their different parameters and metrics highlighted', async () => {
    const second = await runUiFixture(runsRoot, 'second', irFile, { parameters: { rows: 7 } });
    expect(second.state).toBe('SUCCEEDED');
    await page.goto(view.url);
    await page.waitForSelector('table.runs');
    await page.check('input.pick[value="ui-fixture/live"]');
    await page.check('input.pick[value="ui-fixture/second"]');
    await page.click('#compare');
    await page.waitForSelector('table.compare-parameter');
    const differs = async (row: string) => page.getAttribute(`tr[data-row="${row}"]`, 'data-differs');
    expect(await differs('rows')).toBe('true');
    expect(await differs('pause')).toBe('true');
    expect(await differs('fail')).toBe('false');
    // the runs list is newest first, so the columns are second, live
    expect(await page.locator('table.compare-parameter thead th').allTextContents()).toEqual(['Name', 'ui-fixture second', 'ui-fixture live']);
    expect(await page.locator('tr.differs[data-row="rows"] td').allTextContents()).toEqual(['7', '12']);
    expect(await differs('evaluate · metrics · rows')).toBe('true');
    expect(await differs('evaluate · metrics · accuracy')).toBe('false');
    expect(await page.locator('tr[data-row="evaluate · metrics · accuracy"] td').allTextContents()).toEqual(['0.875', '0.875']);
    // ClassificationMetrics: accuracy and ROC AUC rows, the matrices side by side; the north slice counts the run's rows
    expect(await differs('evaluate · classification · accuracy')).toBe('false');
    expect(await differs('evaluate · sliced · north · accuracy')).toBe('true');
    expect(await page.locator('tr[data-row="evaluate · sliced · north · accuracy"] td').allTextContents()).toEqual(['0.8333', '0.8889']);
    const north = '[data-classification="evaluate · sliced · north"]';
    expect(await page.locator(`${north} figure`).count()).toBe(2);
    expect(await page.locator(`${north} figure[data-run="second"] table.matrix tbody td`).allTextContents()).toEqual(['3', '1', '0', '2']);
    expect(await page.locator(`${north} figure[data-run="live"] table.matrix tbody td`).allTextContents()).toEqual(['6', '1', '0', '2']);
    expect(await page.getAttribute(north, 'class')).toContain('differs');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-runs.png'), fullPage: true });
  });

  it('passes axe-core on the runs list and on a task page (labels, contrast, roles)', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // the page's CSP allows only its own scripts: axe goes in through a context that bypasses it
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1500, height: 1100 } });
    const checked = await context.newPage();
    try {
      const pages: [string, string][] = [
        [view.url, 'table.runs'],
        [runUrl('live', 'make-data'), '#task-name'],
        [runUrl('live', 'evaluate'), 'div.roc canvas'],
        [`${view.url}#/compare/ui-fixture%2Flive,ui-fixture%2Fsecond`, 'table.compare-metric'],
      ];
      for (const [url, ready] of pages) {
        await checked.goto(url);
        await checked.waitForSelector(ready);
        await checked.addScriptTag({ content: axeSource });
        const violations = await checked.evaluate(
          'axe.run(document).then((results) => results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))',
        );
        expect({ url, violations }).toEqual({ url, violations: [] });
      }
    } finally {
      await context.close();
    }
  });
}
