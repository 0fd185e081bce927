import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { KfpConnection } from './kfp-connection';
import { hintFor, hostHint, isKfpErrorBody, isRefusal, isUnknownRoute, KfpApiError, neverSentCode, serverMessage } from './kfp-errors';
import { multipartBody, type MultipartFile } from './multipart-body';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface KfpRequest {
  method: HttpMethod;
  /** Below the base URL, e.g. /apis/v2beta1/pipelines. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  multipart?: MultipartFile[];
}

export interface KfpAnswer {
  status: number;
  body: unknown;
  text: string;
  /** The Location header of a redirect (a login page, usually). */
  location?: string;
}

/**
 * One HTTP call to the KFP API with node's own http/https (so the CA file
 * and the insecure opt-in are ours to set), the credentials of the
 * connection, and a timeout on every call. Answers of any status come back;
 * only a call that got no answer throws.
 */
export class KfpHttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly connection: KfpConnection,
    private readonly readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  ) {
    this.agent = connection.baseUrl.startsWith('https:')
      ? new https.Agent({
          keepAlive: true,
          ...(connection.caFile ? { ca: this.readFile(connection.caFile) } : {}),
          rejectUnauthorized: !connection.insecureSkipTlsVerify,
        })
      : new http.Agent({ keepAlive: true });
  }

  url(request: Pick<KfpRequest, 'path' | 'query'>): URL {
    const url = new URL(this.connection.baseUrl + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  async send(request: KfpRequest): Promise<KfpAnswer> {
    const url = this.url(request);
    const headers: Record<string, string> = { accept: 'application/json', ...this.credentialHeaders() };
    let payload: Buffer | undefined;
    if (request.multipart) {
      const form = multipartBody(request.multipart);
      payload = form.body;
      headers['content-type'] = form.contentType;
    } else if (request.json !== undefined) {
      payload = Buffer.from(JSON.stringify(request.json), 'utf8');
      headers['content-type'] = 'application/json';
    }
    if (payload) headers['content-length'] = String(payload.length);

    const transport = url.protocol === 'https:' ? https : http;
    const timeoutMs = this.connection.timeoutMs;
    const described = `${request.method} ${request.path}`;
    return new Promise<KfpAnswer>((resolve, reject) => {
      const req = transport.request(url, { method: request.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: parseJson(text, res.headers['content-type']), text, ...redirect(res) });
        });
        res.on('error', fail);
      });
      // Until the connection is made (TCP, and the TLS handshake on https) not a byte of the request has left.
      let connected = false;
      req.on('socket', (socket) => {
        if (req.reusedSocket) connected = true;
        else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
      });
      const sent = (code?: string) => connected && !neverSentCode(code);
      const notSent = (code?: string) => (sent(code) ? {} : { requestSent: false as const });
      // One deadline for the whole exchange (connect, send, answer), not per socket event.
      const timer = setTimeout(() => {
        const message = connected
          ? `${described}: no answer from ${this.connection.baseUrl} within ${timeoutMs / 1000}s (kfp.timeout_seconds).`
          : `${described}: no connection to ${url.origin} within ${timeoutMs / 1000}s (kfp.timeout_seconds), so nothing was sent. Check kfp.host.`;
        req.destroy(new KfpApiError(message, { method: request.method, path: request.path, kind: 'timeout', ...notSent() }));
      }, timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof KfpApiError) return fail(error);
        const code = error.code;
        const message = sent(code)
          ? `${described}: the connection to ${url.origin} closed without an answer (${code ?? error.message}); the request may have reached the server.`
          : `${described}: cannot reach ${url.origin}: ${code ?? error.message}${tlsHint(error)}. Check kfp.host.`;
        fail(new KfpApiError(message, { method: request.method, path: request.path, kind: 'connection', ...(code ? { code } : {}), ...notSent(code) }));
      });
      req.end(payload);
    });
  }

  /**
   * send, then turn anything but 2xx into a KfpApiError that carries the
   * server's message and what to check. `absentOn404`: a KFP "not found"
   * answer means absent (undefined), where a 404 without a KFP error body
   * means the base URL is wrong.
   */
  async call<T>(request: KfpRequest, options: { absentOn404?: boolean } = {}): Promise<T | undefined> {
    const answer = await this.send(request);
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    const isKfpError = isKfpErrorBody(answer.body);
    // grpc-gateway's "Not Found" for a path no route serves is a wrong URL, not an absent resource.
    const unknownRoute = isUnknownRoute(answer.status, answer.body);
    if (answer.status === 404 && options.absentOn404 && isKfpError && !unknownRoute) return undefined;
    throw this.errorFor(request, answer, isKfpError, unknownRoute);
  }

  private errorFor(request: KfpRequest, answer: KfpAnswer, isKfpError: boolean, unknownRoute: boolean): KfpApiError {
    const described = `${request.method} ${request.path}`;
    const details = { method: request.method, path: request.path, status: answer.status, kind: 'http' as const, kfpErrorBody: isKfpError };
    if (answer.status >= 300 && answer.status < 400) {
      return new KfpApiError(
        `${described} was redirected (${answer.status}) to ${answer.location ?? 'another page'}: a login page, so the session ` +
          'cookies (KF_PIPELINES_COOKIES) are missing or expired, or kfp.host is not the API URL.',
        details,
      );
    }
    const message = serverMessage(answer.body, answer.text);
    if (unknownRoute) {
      return new KfpApiError(`${described} answered 404 Not Found: no such route on ${this.connection.baseUrl}. ${hostHint(this.connection.baseUrl)}`, { ...details, serverMessage: message });
    }
    const refused = isKfpError && isRefusal(answer.status, message);
    const hint = hintFor(answer.status, { baseUrl: this.connection.baseUrl, namespace: this.connection.namespace, isKfpError, refused });
    return new KfpApiError(`${described} answered ${answer.status}${message ? `: ${message}` : ''}. ${hint}`, {
      ...details,
      serverMessage: message,
      ...(refused ? { refused: true } : {}),
    });
  }

  /** The token file is read on every call: projected service account tokens rotate. */
  private credentialHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const { token, cookies, userId, userIdHeader } = this.connection;
    if (token?.kind === 'env') headers['authorization'] = `Bearer ${token.token}`;
    if (token?.kind === 'file') headers['authorization'] = `Bearer ${this.readFile(token.path).trim()}`;
    if (cookies) headers['cookie'] = cookies;
    if (userId) headers[userIdHeader.toLowerCase()] = userId;
    return headers;
  }

  close(): void {
    this.agent.destroy();
  }
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!text || (contentType && !/json/.test(contentType) && !/^\s*[{[]/.test(text))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function redirect(res: http.IncomingMessage): { location?: string } {
  const location = res.headers.location;
  return location ? { location } : {};
}

function tlsHint(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return ' (the server certificate is not trusted: set kfp.ca_file to its CA, or kfp.insecure_skip_tls_verify = true for a test cluster)';
  }
  return '';
}
