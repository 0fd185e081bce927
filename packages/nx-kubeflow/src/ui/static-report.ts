/**
 * `--static <folder>`: one run's view as a single HTML file that opens from
 * disk with no server (a CI artifact, a pull-request attachment). The same
 * page (page/), its scripts and styles inlined, with every answer the page
 * would ask the server for (the run, each task, each task's last log, each
 * HTML artifact's text) embedded as JSON, masked as the server masks it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArtifactView } from './artifact-preview';
import { createRunApi } from './run-api';
import type { RunStore } from './run-store';
import type { ServedSecrets } from './served-secrets';
import { VENDOR_FILES } from './vendor-files';
import type { TaskDetails } from './task-details';

const PAGE_DIR = join(__dirname, 'page');

export interface StaticReportOptions {
  store: RunStore;
  secrets: ServedSecrets;
  pipeline: string;
  /** The run; default the pipeline's newest. */
  run?: string;
  /** The folder to write <pipeline>-<run>.html into. */
  folder: string;
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A script's text safe inside <script>: a library's own "</script" must not end the element. */
function inlineScript(text: string): string {
  return text.replace(/<\/script/gi, '<\\/script');
}

export async function writeStaticReport(options: StaticReportOptions): Promise<{ file: string; run: string }> {
  const { store, secrets, pipeline } = options;
  const api = createRunApi({ store, pipelines: [pipeline] });
  const run = options.run ?? store.runs([pipeline])[0]?.runId;
  if (!run) throw new Error(`no runs of pipeline "${pipeline}" under ${store.runsRoot}: run it first (nx run ${pipeline}:run)`);
  const query = (extra: Record<string, string> = {}) => new URLSearchParams({ pipeline, run, ...extra });
  const runsAnswer = (await api.call('/api/runs', query())) as { pipelines: string[]; runs: { runId: string }[] };
  const data: { runs: unknown; run: unknown; tasks: Record<string, unknown>; logs: Record<string, unknown>; html: Record<string, string> } = {
    runs: { pipelines: [pipeline], runs: runsAnswer.runs.filter((summary) => summary.runId === run) },
    run: await api.call('/api/run', query()),
    tasks: {},
    logs: {},
    html: {},
  };
  const record = (data.run as { record: { tasks: { name: string }[] } }).record;
  for (const task of record.tasks) {
    let details: TaskDetails;
    try {
      details = (await api.call('/api/task', query({ task: task.name }))) as TaskDetails;
    } catch {
      continue; // a task the IR does not know: the page says so when asked
    }
    data.tasks[task.name] = details;
    const log = details.logs[0].path;
    try {
      data.logs[log] = await api.call('/api/log', query({ path: log }));
    } catch {
      data.logs[log] = { records: [], skippedBytes: 0 };
    }
    for (const artifact of details.artifacts as ArtifactView[]) {
      if (artifact.preview.kind !== 'html' || !artifact.exists) continue;
      data.html[artifact.relativePath] = readFileSync(api.file(query({ path: artifact.relativePath })), 'utf8');
    }
  }
  const masked = secrets.redactValue(data);
  const read = (file: string) => readFileSync(file, 'utf8');
  const html = read(join(PAGE_DIR, 'index.html'))
    .replace('<link rel="stylesheet" href="app.css">', () => `<style>\n${read(join(PAGE_DIR, 'app.css'))}\n</style>`)
    .replace('<script src="vendor/marked.js" defer></script>', () => `<script>${inlineScript(read(VENDOR_FILES.marked()))}</script>`)
    .replace('<script src="vendor/purify.js" defer></script>', () => `<script>${inlineScript(read(VENDOR_FILES.purify()))}</script>`)
    .replace('<script src="vendor/uplot.js" defer></script>', () => `<script>${inlineScript(read(VENDOR_FILES.uplot()))}</script>`)
    .replace('<link rel="stylesheet" href="vendor/uplot.css">', () => `<style>\n${read(VENDOR_FILES.uplotCss())}\n</style>`)
    .replace(
      '<script src="app.js" defer></script>',
      () => `<script>window.RUN_REPORT = ${scriptJson(masked)};</script>\n<script>${inlineScript(read(join(PAGE_DIR, 'app.js')))}</script>`,
    )
    .replace('<title>Runs · nx-kubeflow</title>', () => `<title>${pipeline} · run ${run} · nx-kubeflow</title>`);
  const file = join(options.folder, `${pipeline}-${run}.html`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return { file, run };
}
