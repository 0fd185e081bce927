/**
 * The run view's HTTP server (node:http): the page (page/), the browser
 * libraries it uses (marked, DOMPurify, uPlot, from node_modules), and a JSON API
 * over the run folders (run-store.ts). Loopback only; requests naming
 * another host are refused (a web page elsewhere cannot reach it through DNS
 * rebinding). Every answer passes through the secret mask (served-secrets.ts);
 * files come only from inside a run's folder (run-files.ts).
 *
 *   GET /api/runs[?pipeline=a,b]                  pipelines and their runs, newest first
 *   GET /api/run?pipeline=&run=                   run.json and the laid-out graph of the IR it ran
 *   GET /api/task?pipeline=&run=&task=            one task: inputs, outputs, artifacts, command, env
 *   GET /api/log?pipeline=&run=&path=             a log of the run as records (task-log.ts)
 *   GET /api/compare?runs=<pipeline>/<run>,...    runs side by side: parameters and metrics, differences marked
 *   GET /api/file?pipeline=&run=&path=[&as=html]  a file of the run, as it is (HTML sandboxed by CSP)
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { createRunApi, HttpError } from './run-api';
import type { RunStore } from './run-store';
import type { ServedSecrets } from './served-secrets';
import { VENDOR_FILES } from './vendor-files';

export const LOOPBACK = '127.0.0.1';
export const DEFAULT_UI_PORT = 4300;

export interface UiServerOptions {
  store: RunStore;
  secrets: ServedSecrets;
  /** The pipelines the page lists (a project's ui target: its own); all under the runs folder when absent. */
  pipelines?: string[];
}

const PAGE_DIR = join(__dirname, 'page');
const PAGE_FILES: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: () => join(PAGE_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: () => join(PAGE_DIR, 'app.css'), type: 'text/css; charset=utf-8' },
  '/vendor/marked.js': { file: VENDOR_FILES.marked, type: 'text/javascript; charset=utf-8' },
  '/vendor/purify.js': { file: VENDOR_FILES.purify, type: 'text/javascript; charset=utf-8' },
  '/vendor/uplot.js': { file: VENDOR_FILES.uplot, type: 'text/javascript; charset=utf-8' },
  '/vendor/uplot.css': { file: VENDOR_FILES.uplotCss, type: 'text/css; charset=utf-8' },
};

const FILE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};
const TEXT_TYPE = /^(text\/|application\/json|image\/svg)/;

/** The page's own resources may come only from this server; artifacts' HTML is shown in a sandboxed frame. */
const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'";

export function createUiServer(options: UiServerOptions): Server {
  const { store, secrets } = options;
  const api = createRunApi({ store, ...(options.pipelines ? { pipelines: options.pipelines } : {}) });

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const host = request.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host)) throw new HttpError(403, `refused: host "${host}" is not this machine's loopback`);
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'only GET');
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${LOOPBACK}`);
    } catch {
      throw new HttpError(400, 'bad URL');
    }
    const page = PAGE_FILES[url.pathname];
    if (page) return send(response, 200, page.type, readFileSync(page.file()), url.pathname === '/' ? { 'Content-Security-Policy': PAGE_CSP } : {});
    if (url.pathname === '/api/file') {
      const file = api.file(url.searchParams);
      if (!statSync(file).isFile()) throw new HttpError(403, 'refused: not a file');
      // an HTML artifact's file has no extension (outputs/artifacts/<name>): the page says what it is
      const type = url.searchParams.get('as') === 'html' ? FILE_TYPES['.html'] : (FILE_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
      const bytes = readFileSync(file);
      // an artifact's HTML runs no script and reaches nothing, even opened on its own
      const headers = { 'Content-Security-Policy': 'sandbox; default-src \'none\'; img-src data:; style-src \'unsafe-inline\'' };
      return send(response, 200, type, TEXT_TYPE.test(type) ? secrets.redactText(bytes.toString('utf8')) : bytes, headers);
    }
    if (url.pathname.startsWith('/api/')) {
      const body = secrets.redactValue(await api.call(url.pathname, url.searchParams));
      return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(body));
    }
    throw new HttpError(404, `not found: ${url.pathname}`);
  };

  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = secrets.redactText(error instanceof Error ? error.message : String(error));
      if (!response.headersSent) send(response, status, 'application/json; charset=utf-8', JSON.stringify({ error: message }));
      else response.end();
    });
  });
}

export class PortInUse extends Error {}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUse(`port ${port} on ${LOOPBACK} is in use`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
}

/**
 * Listens on 127.0.0.1: on `port` when given (in use: an error saying so),
 * else on the first free one from DEFAULT_UI_PORT (ten tried). Returns the address.
 */
export async function listenUi(server: Server, port?: number): Promise<{ url: string; port: number }> {
  const candidates = port !== undefined ? [port] : Array.from({ length: 10 }, (_, i) => DEFAULT_UI_PORT + i);
  for (const candidate of candidates) {
    try {
      const bound = await listenOn(server, candidate);
      return { url: `http://${LOOPBACK}:${bound}/`, port: bound };
    } catch (error) {
      if (!(error instanceof PortInUse) || candidate === candidates[candidates.length - 1]) throw error;
    }
  }
  throw new PortInUse('no free port');
}
