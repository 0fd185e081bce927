/**
 * Test-only: the KFP test server as a process, for trying the backend by
 * hand or from a script:
 *   node -r @swc-node/register packages/nx-kubeflow/src/backends/kfp-rest/testing/kfp-test-server.cli.ts --port 8888
 * Prints the base URL on its first line; stops on SIGINT/SIGTERM.
 */
import { startKfpTestServer } from './kfp-test-server';

async function main(): Promise<void> {
  const portFlag = process.argv.indexOf('--port');
  const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0;
  const tokenFlag = process.argv.indexOf('--require-token');
  const server = await startKfpTestServer({ port });
  if (tokenFlag >= 0) server.faults.requireBearer(process.argv[tokenFlag + 1]);
  process.stdout.write(`${server.url}\n`);
  server.state.runPlan = () => 'SUCCEEDED';
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
