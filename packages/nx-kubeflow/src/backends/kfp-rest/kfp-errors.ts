import type { KfpStatus } from './kfp-api-types';

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
      /** The answer had a KFP (google.rpc.Status) error body: the API server itself answered, not a proxy in front of it. */
      kfpErrorBody?: boolean;
    },
  ) {
    super(message);
    this.name = 'KfpApiError';
  }

  /** 5xx, timeouts and connection faults may pass; 4xx answers will not. */
  get retryable(): boolean {
    const { kind, status } = this.details;
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

/** The server's message from an error body: googleRpcStatus `message`, grpc-gateway's `error`, or the text itself. */
export function serverMessage(body: unknown, text: string): string | undefined {
  if (body && typeof body === 'object') {
    const status = body as KfpStatus;
    const message = status.message || status.error;
    if (message) return message;
  }
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 500) : undefined;
}

/** What to check for an HTTP error, by status. */
export function hintFor(status: number, context: { baseUrl: string; namespace: string; isKfpError: boolean }): string {
  const ns = context.namespace ? `namespace "${context.namespace}" (kfp.namespace)` : 'the default namespace (kfp.namespace is empty)';
  if (status === 401) {
    return 'Check the credentials: KF_PIPELINES_TOKEN, the token file (KF_PIPELINES_SA_TOKEN_PATH), the session cookies (KF_PIPELINES_COOKIES) or kfp.user_id, ' + `and that they may use ${ns}.`;
  }
  if (status === 403) {
    return `Check that the credentials (token, cookies or kfp.user_id) are allowed in ${ns}: a profile contributor, or a service account bound to it.`;
  }
  if (status === 404 && !context.isKfpError) {
    return `Check kfp.host: ${context.baseUrl} answered like no KFP API server (expected ${context.baseUrl}/apis/v2beta1/...).`;
  }
  if (status === 404) return `Check kfp.namespace (${ns}) and that the resource was not deleted on the server.`;
  if (status === 409) return 'Something of that name exists already on the server.';
  if (status >= 500) return 'The server failed; retried as far as safe. Check the KFP API server logs.';
  return 'The server rejected the request.';
}
