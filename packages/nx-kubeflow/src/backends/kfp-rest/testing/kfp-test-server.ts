/**
 * Test-only: a stateful KFP API server (v2beta1) on 127.0.0.1 with an
 * ephemeral port, for the backend's behaviour specs and the e2e suite:
 *
 *   const server = await startKfpTestServer();
 *   // kfp.host = server.url
 *   server.faults.failNext({ method: 'POST', path: '/apis/v2beta1/pipelines/upload_version', status: 500 });
 *   expect(server.state.versionsOf('training-pipeline')).toHaveLength(1);
 *   await server.close();
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { KfpTestFaults } from './kfp-test-faults';
import { rpcError, type ApiAnswer } from './kfp-test-answers';
import { KfpTestState, type UploadedFile } from './kfp-test-state';
import { parseMultipart } from './multipart-parse';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, where there was one. */
  body?: unknown;
  files?: UploadedFile[];
  /** What the server answered (0: no answer, the connection was dropped). */
  status: number;
}

export interface KfpTestServer {
  /** The base URL, e.g. http://127.0.0.1:43817: what kfp.host would be. */
  url: string;
  state: KfpTestState;
  faults: KfpTestFaults;
  /** Every request in arrival order. */
  requests: RecordedRequest[];
  /** Requests that change something: POST, PUT, PATCH, DELETE. */
  writes(): RecordedRequest[];
  /**
   * Resolves once every delayed request (faults.delayNext) has been applied
   * and answered, the answer lost where the client had given up: what a
   * late write did is in `state` from then on.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface KfpTestServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  host?: string;
  /** PEM key and certificate: serve https, for the TLS options (CA file, insecure). */
  tls?: { key: string; cert: string };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function startKfpTestServer(options: KfpTestServerOptions = {}): Promise<KfpTestServer> {
  const state = new KfpTestState();
  const faults = new KfpTestFaults();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  /** Delayed requests not yet done, each with what ends its wait in settled(). */
  const delayed = new Map<NodeJS.Timeout, { done: Promise<void>; finish: () => void }>();

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://test');
      const method = req.method ?? 'GET';
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, status: 0 };
      requests.push(record);

      const answer = (reply: ApiAnswer) => {
        record.status = reply.status;
        if (reply.body === undefined) {
          // Like Go's mux for an unknown route: plain text, no KFP error body.
          res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`${reply.status} page not found\n`);
        } else {
          res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
          res.end(JSON.stringify(reply.body));
        }
      };
      const later = (ms: number, action: () => void) => {
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        const timer = setTimeout(() => {
          delayed.delete(timer);
          try {
            action();
          } finally {
            finish();
          }
        }, ms);
        delayed.set(timer, { done, finish });
      };

      let body: unknown;
      let files: UploadedFile[] | undefined;
      if (/^multipart\//i.test(contentType)) {
        files = parseMultipart(contentType, raw);
        if (!files) return answer(rpcError(400, 3, 'malformed multipart/form-data body'));
        record.files = files;
      } else if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
          record.body = body;
        } catch {
          return answer(rpcError(400, 3, 'the body is not JSON'));
        }
      }

      const unauthorized = authProblem(req.headers, faults);
      if (unauthorized) return answer(rpcError(401, 16, unauthorized));

      const apply = () => state.handle({ method, path: url.pathname, query: url.searchParams, body, files });
      const fault = faults.take(method, url.pathname);
      if (!fault) return answer(apply());
      if (fault.kind === 'drop') {
        if (fault.afterApplying) apply();
        return req.socket.destroy();
      }
      if (fault.kind === 'fail') {
        if (fault.afterApplying) apply();
        return answer({ status: fault.status, body: fault.body });
      }
      if (fault.afterApplying) {
        const reply = apply();
        return later(fault.ms, () => answer(reply));
      }
      later(fault.ms, () => answer(apply()));
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${address.address}:${address.port}`,
    state,
    faults,
    requests,
    writes: () => requests.filter((request) => WRITES.has(request.method)),
    settled: async () => {
      // Again while some are left: one delayed request may come in while others wait.
      while (delayed.size) await Promise.all([...delayed.values()].map((entry) => entry.done));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [timer, entry] of delayed) {
          clearTimeout(timer);
          entry.finish();
        }
        delayed.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function authProblem(headers: http.IncomingHttpHeaders, faults: KfpTestFaults): string | undefined {
  if (faults.bearerToken !== undefined && headers['authorization'] !== `Bearer ${faults.bearerToken}`) {
    return headers['authorization'] ? 'Unauthenticated: the bearer token is not valid' : 'Unauthenticated: request header "Authorization" is missing';
  }
  for (const [name, value] of Object.entries(faults.requiredHeaders)) {
    if (headers[name] !== value) return `Unauthenticated: header "${name}" is missing or wrong`;
  }
  return undefined;
}
