/**
 * Test-only: the upstream swagger between a client and the KFP test server.
 * Two Prism proxies (@stoplight/prism-cli, `prism proxy <spec> <upstream>
 * --errors`), one per upstream swagger file, because the multipart upload
 * endpoints live in their own file; a small router in front sends
 * /apis/v2beta1/pipelines/upload* to the second and everything else to the
 * first. A request (or an answer of the test server) that violates the spec
 * gets Prism's application/problem+json error, which is recorded here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  problem: unknown;
}

export interface ContractProxy {
  url: string;
  violations: ContractViolation[];
  close(): Promise<void>;
}

export const SWAGGER_FILES = ['swagger/kfp_api_single_file.swagger.json', 'swagger/pipeline.upload.swagger.json'];

/** Why the contract suite cannot run here, or undefined when it can. */
export function contractUnavailable(sharedKfp: string): string | undefined {
  const missing = SWAGGER_FILES.map((file) => join(sharedKfp, file)).filter((file) => !existsSync(file));
  if (missing.length) return `the upstream swagger is absent (${missing.join(', ')})`;
  try {
    require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    return '@stoplight/prism-cli is not installed (npm ci installs it: it is a devDependency)';
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startPrism(spec: string, upstream: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const cli = join(require.resolve('@stoplight/prism-cli/package.json'), '..', 'dist/index.js');
  const child = spawn(process.execPath, [cli, 'proxy', spec, upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${output.slice(-2000)}`)));
  });
  child.removeAllListeners('exit');
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function startContractProxy(upstreamUrl: string, sharedKfp: string): Promise<ContractProxy> {
  const [api, upload] = await Promise.all(SWAGGER_FILES.map((file) => startPrism(join(sharedKfp, file), upstreamUrl)));
  const violations: ContractViolation[] = [];

  const router = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://router').pathname;
    const target = new URL(req.url ?? '/', /^\/apis\/v2beta1\/pipelines\/upload(_version)?$/.test(path) ? upload.url : api.url);
    const forward = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        if (/problem\+json/.test(String(answer.headers['content-type']))) {
          let problem: unknown = body.toString();
          try {
            problem = JSON.parse(body.toString());
          } catch {
            // kept as text
          }
          violations.push({ method: req.method ?? '?', path, status: answer.statusCode ?? 0, problem });
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`contract proxy: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', () => resolve()));
  const { port } = router.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    violations,
    close: async () => {
      router.closeAllConnections();
      await new Promise<void>((resolve) => router.close(() => resolve()));
      await Promise.all(
        [api.child, upload.child].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
