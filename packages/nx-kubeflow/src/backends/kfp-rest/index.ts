export { KfpRestBackend, DRY_RUN_ID, type KfpRestBackendOptions } from './kfp-rest-backend';
export { kfpConnectionFrom, describeAuth, IN_CLUSTER_TOKEN_PATH, type KfpConnection, type KfpConnectionResult, type TokenSource } from './kfp-connection';
export { KfpApiError } from './kfp-errors';
export { scheduleProblems } from './kfp-schedule';
