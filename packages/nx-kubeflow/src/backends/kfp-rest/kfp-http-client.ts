import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { KfpConnection } from './kfp-connection';
import { hintFor, hostHint, htmlPage, isKfpErrorBody, isRefusal, isUnknownRoute, KfpApiError, neverSentCode, serverMessage } from './kfp-errors';
import { ANY_OBJECT, shapeProblems, type Shape } from './kfp-answer-shapes';
import { multipartBody, type MultipartFile } from './multipart-body';
import { knownSecrets, registerSecret } from '../../secrets/index';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface KfpRequest {
  method: HttpMethod;
  /** Below the base URL, e.g. /apis/v2beta1/pipelines. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  multipart?: MultipartFile[];
}

/**
 * The largest answer read: far above any v2beta1 answer (a page of 100
 * versions with their specs is a few MB), far below what would exhaust
 * memory or node's string limit (512 MB). Counted while the stream comes in.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface KfpAnswer {
  status: number;
  body: unknown;
  text: string;
  /** The Location header of a redirect (a login page, usually). */
  location?: string;
  contentType?: string;
  /** The body's length in bytes. */
  bytes?: number;
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
    private readonly maxResponseBytes = MAX_RESPONSE_BYTES,
  ) {
    // The credentials this process now holds: no message, log line or error may carry them, whoever repeats them (a server echoing headers).
    if (connection.token?.kind === 'env') registerSecret(connection.token.token);
    knownSecrets.addCookieHeader(connection.cookies);
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
        let received = 0;
        const tooLarge = (size: string) =>
          req.destroy(
            new KfpApiError(
              `${described} answered ${res.statusCode} with ${size}, more than the ${this.maxResponseBytes / 1024 / 1024} MiB any KFP API answer needs: ` +
                `stopped reading it. Check kfp.host (${this.connection.baseUrl}): it should be the KFP API, the part before /apis/v2beta1.`,
              { method: request.method, path: request.path, status: res.statusCode ?? 0, kind: 'http', tooLarge: true },
            ),
          );
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.maxResponseBytes) return tooLarge(`a body of ${declared} bytes (Content-Length)`);
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.maxResponseBytes) return tooLarge(`a body of more than ${this.maxResponseBytes} bytes`);
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          const contentType = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, body: parseJson(text, contentType), text, bytes: body.length, ...(contentType ? { contentType } : {}), ...redirect(res) });
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
  async call<T>(request: KfpRequest, options: { absentOn404?: boolean; shape?: Shape } = {}): Promise<T | undefined> {
    const answer = await this.send(request);
    if (answer.status >= 200 && answer.status < 300) return this.checkedBody<T>(request, answer, options.shape ?? ANY_OBJECT);
    const isKfpError = isKfpErrorBody(answer.body);
    // grpc-gateway's "Not Found" for a path no route serves is a wrong URL, not an absent resource.
    const unknownRoute = isUnknownRoute(answer.status, answer.body);
    if (answer.status === 404 && options.absentOn404 && isKfpError && !unknownRoute) return undefined;
    throw this.errorFor(request, answer, isKfpError, unknownRoute);
  }

  /**
   * A 2xx body as the KFP API writes it: a JSON object of the expected shape.
   * Anything else (a login page a proxy answers with 200, bytes that are not
   * JSON, a list field that is not a list) is refused here, naming what came,
   * rather than read as "absent" or failing later inside deploy.
   */
  private checkedBody<T>(request: KfpRequest, answer: KfpAnswer, shape: Shape): T {
    const described = `${request.method} ${request.path}`;
    const details = { method: request.method, path: request.path, status: answer.status, kind: 'http' as const, notKfpAnswer: true };
    // enable, disable and delete answer {} on the real server; an empty body there says as much.
    if (answer.body === undefined && !answer.text.trim() && request.method !== 'GET') return {} as T;
    if (answer.body === undefined || typeof answer.body !== 'object' || Array.isArray(answer.body)) {
      const page = htmlPage(answer.text, answer.contentType);
      if (page) {
        return fail(
          `${described} answered ${answer.status} with an HTML page${page.title ? ` ("${page.title}")` : ''}, not the KFP API's JSON: ` +
            `${page.login ? 'a login page' : 'probably a login page or a proxy'}, so the session cookies (KF_PIPELINES_COOKIES or kfp.cookies) ` +
            `are missing or expired, or kfp.host (${this.connection.baseUrl}) is the UI's address rather than the API's (the part before /apis/v2beta1).`,
        );
      }
      const what = answer.text.trim()
        ? `${answer.bytes ?? answer.text.length} bytes that are not a JSON object${answer.contentType ? ` (${answer.contentType})` : ''}`
        : 'an empty body';
      return fail(`${described} answered ${answer.status} with ${what}, not the KFP API's JSON. Check kfp.host (${this.connection.baseUrl}): it should be the KFP API, the part before /apis/v2beta1.`);
    }
    const problems = shapeProblems(answer.body, shape);
    if (problems.length) {
      return fail(
        `${described} answered ${answer.status}, but not as the KFP v2beta1 API answers: ${problems.join('; ')}. ` +
          `Check kfp.host (${this.connection.baseUrl}): it should be a KFP v2 API server, the part before /apis/v2beta1.`,
      );
    }
    return answer.body as T;
    function fail(message: string): never {
      throw new KfpApiError(message, details);
    }
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
    if (token?.kind === 'file') {
      const fromFile = this.readFile(token.path).trim();
      registerSecret(fromFile); // read on every call: a rotated token is registered as it arrives
      headers['authorization'] = `Bearer ${fromFile}`;
    }
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
