/**
 * The run view's JSON API as plain calls (path and query in, a value out),
 * for the server (ui-server.ts) and the static report (static-report.ts)
 * alike. Values come unmasked: each caller passes them through the secret
 * mask before they leave the process.
 */
import { isSecretKey } from '../settings/redact-secrets';
import { layoutRunGraph, runGraph, type LaidOutRunGraph } from './run-graph';
import { compareRuns } from './run-comparison';
import { RunFileRefused, runFile } from './run-files';
import type { RunStore } from './run-store';
import { readTaskLog } from './task-log';
import { taskDetails } from './task-details';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RunApi {
  /** /api/runs, /api/run, /api/task, /api/log. */
  call(path: string, query: URLSearchParams): Promise<unknown>;
  /** The real path of a file inside the run the query names (/api/file), or a 403. */
  file(query: URLSearchParams): string;
}

export function createRunApi(options: { store: RunStore; pipelines?: string[] }): RunApi {
  const { store } = options;
  const layouts = new Map<string, Promise<LaidOutRunGraph>>();

  const runOf = (query: URLSearchParams) => {
    const pipeline = query.get('pipeline') ?? '';
    const run = query.get('run') ?? '';
    if (options.pipelines && !options.pipelines.includes(pipeline)) throw new HttpError(404, `pipeline "${pipeline}" is not shown by this view`);
    const dir = store.runDir(pipeline, run);
    const record = store.record(pipeline, run);
    if (!dir || !record) throw new HttpError(404, `no run "${run}" of pipeline "${pipeline}" under ${store.runsRoot}`);
    if ('unreadable' in record) throw new HttpError(500, record.unreadable);
    return { pipeline, run, dir, record };
  };

  // The layout depends on the IR alone (states only colour it): one per IR text, shared by every run of that version
  // and kept while a run changes state, so following a large run live does not lay it out again each second.
  const graphOf = (pipeline: string, run: string, dir: string, record: ReturnType<typeof runOf>['record']) => {
    const ir = store.ir(pipeline, run);
    if (!ir) return { graphError: `the IR this run executed is not in ${dir} (pipeline.yaml), nor among the published versions` };
    if ('unreadable' in ir) return { graphError: ir.unreadable };
    const graph = runGraph(ir.ir, record);
    let layout = layouts.get(ir.contentHash);
    if (!layout) {
      layout = layoutRunGraph(graph);
      layouts.set(ir.contentHash, layout);
      // a failed layout is not kept: the next request tries again
      layout.catch(() => layouts.delete(ir.contentHash));
    }
    return { graph: layout.then(({ width, height, boxes, paths }): LaidOutRunGraph => ({ ...graph, width, height, boxes, paths })) };
  };

  const call = async (path: string, query: URLSearchParams): Promise<unknown> => {
    if (path === '/api/runs') {
      const asked = query.get('pipeline')?.split(',').filter(Boolean);
      const shown = options.pipelines ?? store.pipelines();
      const pipelines = asked ? asked.filter((name) => shown.includes(name)) : shown;
      return { pipelines, runs: store.runs(pipelines) };
    }
    if (path === '/api/compare') {
      // runs=<pipeline>/<run>,<pipeline>/<run>,...
      const runs = (query.get('runs') ?? '').split(',').filter(Boolean).map((entry) => {
        const [pipeline = '', run = ''] = entry.split('/');
        const { record } = runOf(new URLSearchParams({ pipeline, run }));
        const ir = store.ir(pipeline, run);
        return { record, ...(ir && !('unreadable' in ir) ? { ir: ir.ir } : {}) };
      });
      if (runs.length < 2) throw new HttpError(400, 'name two runs or more to compare: runs=<pipeline>/<run>,<pipeline>/<run>');
      return compareRuns(runs);
    }
    const { pipeline, run, dir, record } = runOf(query);
    if (path === '/api/run') {
      const { graph, graphError } = graphOf(pipeline, run, dir, record);
      return { record, ...(graph ? { graph: await graph } : { graphError }) };
    }
    if (path === '/api/task') {
      const ir = store.ir(pipeline, run);
      if (!ir || 'unreadable' in ir) throw new HttpError(404, 'the IR this run executed is not available');
      const task = query.get('task') ?? '';
      const details = await taskDetails(ir.ir, record, dir, task);
      if (!details) throw new HttpError(404, `no task "${task}" in run ${run}`);
      return { ...details, env: details.env.map(({ name, value }) => ({ name, value: isSecretKey(name) ? '***' : value })) };
    }
    if (path === '/api/log') return readTaskLog(fileIn(dir, query.get('path') ?? ''));
    throw new HttpError(404, `no such API: ${path}`);
  };

  const fileIn = (dir: string, requested: string): string => {
    try {
      return runFile(dir, requested);
    } catch (error) {
      if (error instanceof RunFileRefused) throw new HttpError(403, `refused: ${error.message}`);
      throw error;
    }
  };

  return {
    call,
    file: (query) => {
      const { dir } = runOf(query);
      return fileIn(dir, query.get('path') ?? '');
    },
  };
}
