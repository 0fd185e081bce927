/**
 * Issue 16's "done when", as a new user meets it: the real example pipeline
 * (training-pipeline: data-loader and trainer in their venvs, compiled by
 * compile's own code) run by the local runner, then its page in Debian's
 * chromium: the run graph with both tasks SUCCEEDED, the trainer's log
 * records, its Metrics values as the component wrote them, the confusion
 * matrix and ROC curve it wrote through component-runtime, its Markdown
 * report. The screenshot of the run page is the README's
 * (docs/run-view.png is copied from dist/test-results/ui/example-run-page.png).
 * Needs the package index the first time (the venvs) and chromium.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { compileExamplePipeline } from '../local-runner/__fixtures__/example-pipeline';
import { WORKSPACE_ROOT } from '../local-runner/__fixtures__/fixture-pipeline';
import { chromiumMissing, findChromium } from '../testing/chromium';
import { requireOrSkip } from '../testing/suite-requirements';
import { startRunView, type RunView } from './run-view';

jest.setTimeout(15 * 60_000);

const CHROMIUM = findChromium();
const SCREENSHOTS = join(WORKSPACE_ROOT, 'dist/test-results/ui');
const describeWithBrowser = requireOrSkip('the example run in the run view', 'browser', chromiumMissing(CHROMIUM)) ? describe : describe.skip;

describeWithBrowser('the example pipeline in the run view', () => {
  let scratch: string;
  let view: RunView | undefined;
  let browser: Browser | undefined;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'nx-kubeflow-example-view-'));
  });
  afterAll(async () => {
    await browser?.close();
    await view?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the run graph, the trainer log, its Metrics and its classification pictures', async () => {
    const runsRoot = join(scratch, 'dist/runs');
    const runId = '20261130-000000-exampl';
    const result = await compileExamplePipeline(scratch)({ runId, runDir: join(runsRoot, 'training-pipeline', runId), parameters: { rows: 60, epochs: 30 } });
    expect(result.error).toBeUndefined();
    expect(result.state).toBe('SUCCEEDED');
    const trainer = result.tasks.find((task) => task.name === 'trainer')!;

    view = await startRunView({ workspaceRoot: scratch, runsDir: runsRoot, pipelines: ['training-pipeline'], port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    await page.goto(`${view.url}#/run/training-pipeline/${runId}`);

    // the graph: both tasks, SUCCEEDED, with the edge between them
    await page.waitForSelector('.node[data-task="trainer"][data-state="SUCCEEDED"]', { timeout: 30_000 });
    expect(await page.getAttribute('.node[data-task="data-loader"]', 'data-state')).toBe('SUCCEEDED');
    expect(await page.locator('.edge').count()).toBeGreaterThanOrEqual(1);

    await page.click('.node[data-task="trainer"]');
    await page.waitForSelector('[data-artifact="metrics"] table.metrics');
    // Metrics: every value the trainer wrote (its executor output's metadata), as the page shows it
    const written = trainer.outputs.artifacts.metrics.metadata as Record<string, number>;
    expect(Object.keys(written).sort()).toEqual(['r2', 'rmse', 'train-rmse']);
    for (const [name, value] of Object.entries(written)) {
      expect(await page.textContent(`[data-artifact="metrics"] tr[data-metric="${name}"] td:nth-child(2)`)).toBe(String(value));
    }
    // ClassificationMetrics: the confusion matrix the trainer wrote, cell for cell, and the ROC curve drawn
    const classification = JSON.parse(readFileSync(trainer.outputs.artifacts.classification.path, 'utf8')) as { confusionMatrix: { rows: { row: number[] }[] } };
    expect(await page.locator('[data-artifact="classification"] table.matrix tbody td').allTextContents()).toEqual(
      classification.confusionMatrix.rows.flatMap((row) => row.row.map(String)),
    );
    await page.waitForSelector('[data-artifact="classification"] div.roc canvas');
    const inked = await page.evaluate(
      `(() => { const c = document.querySelector('[data-artifact="classification"] div.roc canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`,
    );
    expect(inked).toBeGreaterThan(500);
    // the Markdown report, rendered
    expect(await page.locator('[data-artifact="report"] .markdown').count()).toBe(1);
    // the trainer's JSON log lines as records
    const messages = await page.locator('table.log tbody tr td:nth-child(3)').allTextContents();
    const logged = readFileSync(trainer.logFile, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages.length).toBeGreaterThan(0);
    expect(logged).toEqual(expect.arrayContaining(messages));

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'example-run-page.png'), fullPage: true });
  });
});
