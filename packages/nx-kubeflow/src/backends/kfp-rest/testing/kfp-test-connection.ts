import type { KfpConnection } from '../kfp-connection';

/** Test-only: a connection to a test server, with small timeouts. */
export function testConnection(url: string, overrides: Partial<KfpConnection> = {}): KfpConnection {
  return { baseUrl: url, namespace: 'team-a', userIdHeader: 'kubeflow-userid', insecureSkipTlsVerify: false, timeoutMs: 5000, retries: 3, ...overrides };
}

/** Test-only: an IR the test server accepts, with root tasks a and b. */
export function testIr(marker: string): string {
  return `# PIPELINE DEFINITION
# Name: training
components: {}
deploymentSpec: {executors: {}}
pipelineInfo: {name: training, description: ${marker}}
root:
  dag:
    tasks:
      data-loader: {taskInfo: {name: data-loader}}
      trainer: {taskInfo: {name: trainer}}
schemaVersion: 2.1.0
sdkVersion: kfp-2.14.3
`;
}
