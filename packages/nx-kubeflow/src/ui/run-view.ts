/**
 * The run view as one call: the runs folder of a workspace, the secrets to
 * mask (from its pipelines', components' and packages' local settings), a
 * server on 127.0.0.1. The `ui` executor is a thin shell over this.
 */
import type { Server } from 'node:http';
import { registerServingView } from './serving-views';
import { join } from 'node:path';
import { LOCAL_VERSIONS_DIR, RUNS_DIR, RunStore } from './run-store';
import { localSettingsFiles, servedSecrets, type ServedSecrets } from './served-secrets';
import { createUiServer, listenUi } from './ui-server';

export interface RunViewOptions {
  workspaceRoot: string;
  /** Pipelines to list; all under dist/runs when absent. */
  pipelines?: string[];
  /** A fixed port (in use: an error); else the first free from 4300. */
  port?: number;
  /** Folders whose settings.local.toml and .secrets.* values are masked (workspace-relative); default pipelines, components, packages. */
  settingsFolders?: string[];
  /** The runs folder, when not <workspace>/dist/runs. */
  runsDir?: string;
}

export interface RunView {
  url: string;
  port: number;
  server: Server;
  secrets: ServedSecrets;
  close(): Promise<void>;
}

/** The store and the mask a view of the workspace uses, for a server or a static report. */
export function runViewSources(options: Pick<RunViewOptions, 'workspaceRoot' | 'settingsFolders' | 'runsDir'>): { store: RunStore; secrets: ServedSecrets } {
  const root = options.workspaceRoot;
  return {
    store: new RunStore(options.runsDir ?? join(root, RUNS_DIR), join(root, LOCAL_VERSIONS_DIR)),
    secrets: servedSecrets(localSettingsFiles((options.settingsFolders ?? ['pipelines', 'components', 'packages']).map((folder) => join(root, folder)))),
  };
}

export async function startRunView(options: RunViewOptions): Promise<RunView> {
  const { store, secrets } = runViewSources(options);
  const server = createUiServer({ store, secrets, ...(options.pipelines ? { pipelines: options.pipelines } : {}) });
  const { url, port } = await listenUi(server, options.port);
  // so that `deploy --run` on this machine can print the run's page (serving-views.ts)
  const unregister = registerServingView(options.workspaceRoot, { url, ...(options.pipelines ? { pipelines: options.pipelines } : {}) });
  return {
    url,
    port,
    server,
    secrets,
    close: () =>
      new Promise<void>((resolve) => {
        unregister();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
