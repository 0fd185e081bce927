export { startRunView, runViewSources, type RunView, type RunViewOptions } from './run-view';
export { createUiServer, listenUi, DEFAULT_UI_PORT, LOOPBACK } from './ui-server';
export { RunStore, RUNS_DIR } from './run-store';
export { servedSecrets, localSettingsFiles } from './served-secrets';
export { writeStaticReport } from './static-report';
