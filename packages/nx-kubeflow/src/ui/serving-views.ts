import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The run views serving on this machine, so that `deploy --run` can print
 * the address of the run's page: each `nx run <p>:ui` leaves a note
 * `dist/kfp-local/ui-servers/<pid>.json` ({url, pipelines}) while it serves
 * and removes it when it stops. Outside dist/runs, whose folders are the
 * pipelines the view lists. A note whose process is gone (killed, crashed)
 * is stale: readers skip and remove it.
 */
export const SERVING_VIEWS_DIR = 'dist/kfp-local/ui-servers';

export interface ServingView {
  url: string;
  /** The pipelines it shows; absent: every pipeline (`--all`). */
  pipelines?: string[];
  pid: number;
}

/** Notes this process as serving `url`; returns what removes the note (also run on exit). */
export function registerServingView(workspaceRoot: string, view: Omit<ServingView, 'pid'>): () => void {
  const folder = join(workspaceRoot, SERVING_VIEWS_DIR);
  const note = join(folder, `${process.pid}.json`);
  mkdirSync(folder, { recursive: true });
  const partial = `${note}.${Date.now()}.tmp`;
  writeFileSync(partial, `${JSON.stringify({ ...view, pid: process.pid })}\n`);
  renameSync(partial, note);
  const remove = () => {
    process.off('exit', remove);
    rmSync(note, { force: true });
  };
  process.on('exit', remove);
  return remove;
}

/** The address of a run's page on a view serving `pipeline` on this machine, if one is. */
export function runPageUrl(workspaceRoot: string, pipeline: string, runId: string): string | undefined {
  const view = servingViews(workspaceRoot).find((candidate) => !candidate.pipelines || candidate.pipelines.includes(pipeline));
  return view ? `${view.url.replace(/\/?$/, '/')}#/run/${encodeURIComponent(pipeline)}/${encodeURIComponent(runId)}` : undefined;
}

/** Every live view's note; stale notes are removed. */
export function servingViews(workspaceRoot: string): ServingView[] {
  const folder = join(workspaceRoot, SERVING_VIEWS_DIR);
  let entries: string[];
  try {
    entries = readdirSync(folder).filter((entry) => /^\d+\.json$/.test(entry));
  } catch {
    return [];
  }
  const views: ServingView[] = [];
  for (const entry of entries) {
    const file = join(folder, entry);
    let view: ServingView;
    try {
      view = JSON.parse(readFileSync(file, 'utf8')) as ServingView;
    } catch {
      continue; // being written, or not ours: leave it
    }
    if (typeof view.url !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(view.url) || !Number.isInteger(view.pid)) continue;
    if (!isAlive(view.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    views.push(view);
  }
  return views;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
