import type { KfpStatus } from './kfp-api-types';
import { redactKnownSecrets } from '../../secrets/index';

/**
 * node's error codes that only come before a connection exists (refused, no
 * such host, DNS down, an untrusted certificate in the TLS handshake): the
 * request never left.
 */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH']);
const TLS_CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/;

export function neverSentCode(code: string | undefined): boolean {
  return !!code && (NEVER_SENT_CODES.has(code) || TLS_CERTIFICATE_CODE.test(code));
}

/** What went wrong on one call, said so a user knows what to check. */
export class KfpApiError extends Error {
  constructor(
    message: string,
    readonly details: {
      method: string;
      path: string;
      /** HTTP status; undefined when no answer came (timeout, connection). */
      status?: number;
      /** The server's own message, from the google.rpc.Status body. */
      serverMessage?: string;
      kind: 'http' | 'timeout' | 'connection';
      /** node's error code of a connection fault: ECONNREFUSED, ECONNRESET, ... */
      code?: string;
      /**
       * false: the request certainly never reached the server (no connection
       * was made: refused, DNS, TLS handshake, or the deadline passed while
       * connecting). Undefined where it may have.
       */
      requestSent?: false;
      /**
       * The answer had a KFP error body (google.rpc.Status, or the upload
       * handlers' error_message): the API server itself answered, not a
       * proxy in front of it.
       */
      kfpErrorBody?: boolean;
      /**
       * The API server refused the request as it stands, whatever its status
       * says (a 5xx naming a ResourceNotFoundError or InvalidInputError): sending it again
       * cannot change the answer, so it is not retried.
       */
      refused?: boolean;
      /** A 2xx whose body is not the KFP API's (a login page, not JSON, a field of the wrong type, endless pages). */
      notKfpAnswer?: boolean;
      /** The answer was larger than any KFP API answer, and was not read to its end. */
      tooLarge?: boolean;
    },
  ) {
    // Where a server's words become our message: a body that echoes the request headers must not carry the token or cookies on.
    super(redactKnownSecrets(message));
    if (details.serverMessage !== undefined) details.serverMessage = redactKnownSecrets(details.serverMessage);
    this.name = 'KfpApiError';
  }

  /** 5xx, timeouts and connection faults may pass; 4xx answers will not. */
  get retryable(): boolean {
    const { kind, status, refused } = this.details;
    if (refused) return false;
    return kind !== 'http' || status === undefined || status >= 500 || status === 429;
  }

  /** The request never reached the server: sending it again cannot make a second of anything. */
  get neverSent(): boolean {
    return this.details.requestSent === false;
  }

  /**
   * The request may have reached the server and no answer from the API
   * server says what became of it: a timeout or a connection reset or
   * hang-up after sending, a gateway's 502 or 504, or a 5xx from a proxy
   * (no KFP error body). The server may have applied it, or may still apply
   * it after we stopped waiting, so only its state tells, and only later.
   * Not so for an answer of the API server itself (a lookup right after it
   * is conclusive) nor for a request that never left.
   */
  get outcomeUnknown(): boolean {
    const { kind, status, kfpErrorBody } = this.details;
    if (kind !== 'http') return !this.neverSent;
    if (status === undefined || status < 500) return false;
    return status === 502 || status === 504 || !kfpErrorBody;
  }
}

/**
 * The server's message from an error body: googleRpcStatus `message`,
 * grpc-gateway's `error`, the upload handlers' `error_message`, or the
 * text itself. Never the upload handlers' `error_details`: a Go stack trace
 * of the server's own code, nothing a user can act on.
 */
export function serverMessage(body: unknown, text: string): string | undefined {
  if (body && typeof body === 'object') {
    const status = body as KfpStatus;
    const message = status.message || status.error || status.error_message;
    if (message) return message;
    if (status.error_details) return undefined;
  }
  // A proxy's error page: its title says what it is; its markup says nothing.
  const page = htmlPage(text, undefined);
  if (page) return `an HTML page${page.title ? ` ("${page.title}")` : ''}${page.login ? ', a login page' : ''}`;
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 500) : undefined;
}

/** A KFP error answer: google.rpc.Status (code, message; grpc-gateway v1 adds error) or the upload handlers' {error_message, error_details}. */
export function isKfpErrorBody(body: unknown): boolean {
  return !!body && typeof body === 'object' && ['code', 'message', 'error', 'error_message'].some((key) => key in body);
}

/**
 * grpc-gateway's answer for a path under /apis/ that no route serves:
 * 404 {"code": 5, "message": "Not Found"}. A KFP body, but not "no such
 * resource": the URL is wrong (kfp.host has a path too many or too few, or
 * the server has no v2beta1 API). A missing resource names what is missing.
 */
export function isUnknownRoute(status: number, body: unknown): boolean {
  if (status !== 404 || !body || typeof body !== 'object') return false;
  const message = (body as KfpStatus).message ?? (body as KfpStatus).error;
  return typeof message === 'string' && message.trim() === 'Not Found';
}

/**
 * Upstream's error kinds that say the request itself cannot succeed. The API
 * server wraps some of them in an internal error, so they come with a 500
 * (POST /runs of a deleted version: 500 {"code": 13, "message": "...
 * ResourceNotFoundError: ..."}); that 500 is an answer, not a fault.
 */
const REFUSAL_KINDS = /\b(ResourceNotFoundError|InvalidInputError)\b/;

export function isRefusal(status: number, message: string | undefined): boolean {
  return status >= 500 && !!message && REFUSAL_KINDS.test(message);
}

/** What to check for an HTTP error, by status. */
export function hintFor(status: number, context: { baseUrl: string; namespace: string; isKfpError: boolean; refused?: boolean }): string {
  const ns = context.namespace ? `namespace "${context.namespace}" (kfp.namespace)` : 'the default namespace (kfp.namespace is empty)';
  if (status === 401) {
    return 'Check the credentials: KF_PIPELINES_TOKEN, the token file (KF_PIPELINES_SA_TOKEN_PATH), the session cookies (KF_PIPELINES_COOKIES) or kfp.user_id, ' + `and that they may use ${ns}.`;
  }
  if (status === 403) {
    return `Check that the credentials (token, cookies or kfp.user_id) are allowed in ${ns}: a profile contributor, or a service account bound to it.`;
  }
  if (status === 404 && !context.isKfpError) return hostHint(context.baseUrl);
  if (status === 404) return `Check kfp.namespace (${ns}) and that the resource was not deleted on the server.`;
  if (status === 409) return 'Something of that name exists already on the server.';
  if (context.refused) {
    return 'The server refused the request as it stands (what the message names does not exist or is not valid), so it was not retried: ' +
      'check that the pipeline version and experiment still exist (deploying again publishes the version) and the namespace.';
  }
  if (status >= 500) return 'The server failed; retried as far as safe. Check the KFP API server logs.';
  return 'The server rejected the request.';
}

/** What to fix when kfp.host does not lead to the v2beta1 API; the likely value when it ends in the API path itself. */
export function hostHint(baseUrl: string): string {
  const apiPath = /\/apis(\/v\d\w*)?\/?$/.exec(baseUrl);
  const suggestion = apiPath ? ` It ends in ${apiPath[0]}, which the backend adds itself: try kfp.host = "${baseUrl.slice(0, apiPath.index)}".` : '';
  return (
    `Check kfp.host: no KFP v2 API answers at ${baseUrl}/apis/v2beta1/. kfp.host is the part before /apis/v2beta1, ` +
    `e.g. https://<kubeflow host>/pipeline or http://ml-pipeline.kubeflow:8888; a KFP 1.x server has no v2beta1 API.${suggestion}`
  );
}

/** An HTML answer, its title (cut short) and whether it looks like a sign-in form. */
export function htmlPage(text: string, contentType: string | undefined): { title?: string; login: boolean } | undefined {
  const head = text.slice(0, 64 * 1024);
  if (!/html/i.test(contentType ?? '') && !/^\s*(<!doctype html|<html|<head|<body)/i.test(head)) return undefined;
  const rawTitle = /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1];
  const title = rawTitle?.replace(/\s+/g, ' ').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').trim().slice(0, 80);
  const login = /log ?in|sign ?in|password|oauth|dex|keycloak|auth/i.test(`${title ?? ''} ${head.match(/<form[^>]*>/i)?.[0] ?? ''} ${head.match(/type=["']?password/i)?.[0] ?? ''}`);
  return { ...(title ? { title } : {}), login };
}
