import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test-only: a server in front of which deploy must stay safe, answering
 * each request with one of the faults and hostile answers the outside pass
 * met (issue 12): an error that echoes the request's credentials, a 401
 * quoting the token, endless pages, a huge body, a login page with 200,
 * bytes that are not JSON, a list field of the wrong type. Anything it does
 * not script answers as a minimal KFP server would for a pipeline that
 * exists with no versions.
 */
export type HostileBehaviour =
  | 'echo-headers-500'
  | 'token-in-401'
  | 'endless-pages'
  | 'endless-fresh-pages'
  | 'huge-body'
  | 'login-page'
  | 'random-bytes'
  | 'list-of-wrong-type'
  | 'html-502';

export interface HostileKfpServer {
  url: string;
  /** Every request, as `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

const API = '/apis/v2beta1';

export async function startHostileKfpServer(behaviour: HostileBehaviour, options: { hugeBytes?: number } = {}): Promise<HostileKfpServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => answer(behaviour, req, res, options.hugeBytes ?? 80 * 1024 * 1024, requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(behaviour: HostileBehaviour, req: http.IncomingMessage, res: http.ServerResponse, hugeBytes: number, requests: string[]): void {
  const path = (req.url ?? '').split('?')[0];
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const healthz = path === `${API}/healthz`;
  switch (behaviour) {
    case 'echo-headers-500':
      // A proxy that "helpfully" repeats what it received.
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`upstream error; request headers were: Authorization: ${req.headers.authorization ?? ''}; Cookie: ${req.headers.cookie ?? ''}`);
      return;
    case 'token-in-401':
      return json(401, { code: 16, message: `token ${String(req.headers.authorization ?? '').replace(/^Bearer /, '')} is not valid for this cluster` });
    case 'login-page':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in to Kubeflow</title></head><body><form method="post" action="/dex/auth"><input type="password" name="password"></form></body></html>');
      return;
    case 'html-502':
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
      return;
    case 'random-bytes':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0x13, 0x37]));
      return;
    case 'huge-body':
      if (healthz) return streamHuge(res, hugeBytes);
      break;
    case 'endless-pages':
      if (/\/versions$/.test(path) || path === `${API}/experiments` || path === `${API}/recurringruns`) {
        return json(200, { next_page_token: 'again' });
      }
      break;
    case 'endless-fresh-pages':
      // A new token every time: only a page limit or a deadline stops it.
      if (/\/versions$/.test(path)) return json(200, { pipeline_versions: [], next_page_token: `page-${requests.length}` });
      break;
    case 'list-of-wrong-type':
      if (/\/versions$/.test(path)) return json(200, { pipeline_versions: 'none yet', total_size: 0 });
      break;
  }
  if (healthz) return json(200, { multi_user: false });
  if (path.startsWith(`${API}/pipelines/names/`)) return json(200, { pipeline_id: 'p-1', name: decodeURIComponent(path.split('/').pop() ?? ''), display_name: 'p' });
  if (/\/versions$/.test(path)) return json(200, {});
  return json(404, { code: 5, message: 'Not Found' });
}

/** A JSON body far larger than any KFP answer, written as fast as the client reads it, with no Content-Length. */
function streamHuge(res: http.ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  let sent = 0;
  res.write('{"padding":"');
  const more = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end('"}');
  };
  res.on('close', () => (sent = bytes + 1));
  more();
}
