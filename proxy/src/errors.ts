/**
 * Errors with codes. Every response the proxy writes itself carries
 * `{"error":{"code","message"}}`; clients and tests match on `code`, never on
 * the message. Upstream failures map to a status through one pure function
 * (fastify-reply-from's error map): timeout 504, everything else 502.
 */
import type { ServerResponse } from 'node:http';

export const PROXY_ERROR_STATUS = {
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_RESET: 502,
  UPSTREAM_DNS: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_TLS: 502,
  UPSTREAM_ERROR: 502,
  BAD_REQUEST: 400,
  BAD_REQUEST_TARGET: 400,
  UNSUPPORTED_SCHEME: 400,
  DUPLICATE_HOST: 400,
  FORWARD_HOST_FORBIDDEN: 403,
  CONNECT_NOT_SUPPORTED: 405,
  TRACE_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  EXPECTATION_FAILED: 417,
  HEADERS_TOO_LARGE: 431,
  LOOP_DETECTED: 508,
  HTTP_VERSION_NOT_SUPPORTED: 505,
  INTERNAL_ERROR: 500,
  CLUSTER_UNAVAILABLE: 503,
  JWKS_NOT_CONFIGURED: 404,
  TOO_MANY_CONNECTIONS: 503,
  BAD_FRAMING: 400,
  TRANSFER_CODING_NOT_IMPLEMENTED: 501,
  BODY_TOO_SLOW: 408,
} as const;

export type ProxyErrorCode = keyof typeof PROXY_ERROR_STATUS;

/** Short, fixed client-facing messages: never the upstream's text, a stack or an address. */
export const PROXY_ERROR_MESSAGES: Readonly<Record<ProxyErrorCode, string>> = Object.freeze({
  UPSTREAM_TIMEOUT: 'the upstream did not answer in time',
  UPSTREAM_UNREACHABLE: 'the upstream refused or could not be reached',
  UPSTREAM_RESET: 'the upstream closed the connection',
  UPSTREAM_DNS: 'the upstream host name could not be resolved',
  UPSTREAM_BAD_RESPONSE: 'the upstream sent an invalid HTTP response',
  UPSTREAM_TLS: 'the TLS connection to the upstream failed',
  UPSTREAM_ERROR: 'the request could not be forwarded to the upstream',
  BAD_REQUEST: 'the request is malformed',
  BAD_REQUEST_TARGET: 'the request target must be origin-form (/path) or an absolute http(s) URL',
  UNSUPPORTED_SCHEME: 'only http:// and https:// targets can be forwarded',
  DUPLICATE_HOST: 'the request carries more than one Host header (RFC 9112 §3.2)',
  FORWARD_HOST_FORBIDDEN: 'forwarding to this host is not allowed (PROXY_ALLOWED_HOSTS)',
  CONNECT_NOT_SUPPORTED: 'CONNECT is not supported: the proxy signs each request, and a TLS tunnel cannot be signed',
  TRACE_NOT_ALLOWED: 'TRACE is disabled (PROXY_ALLOW_TRACE)',
  REQUEST_TIMEOUT: 'the request did not arrive in time',
  PAYLOAD_TOO_LARGE: 'the request body exceeds MAX_BODY_BYTES',
  EXPECTATION_FAILED: 'only the 100-continue expectation is supported',
  HEADERS_TOO_LARGE: 'the request header section is too large',
  LOOP_DETECTED: 'the request would loop through this proxy',
  HTTP_VERSION_NOT_SUPPORTED: 'only HTTP/1.0 and HTTP/1.1 requests are supported',
  INTERNAL_ERROR: 'internal proxy error',
  CLUSTER_UNAVAILABLE: 'the cluster primary did not answer',
  JWKS_NOT_CONFIGURED: 'no asymmetric signing key is configured, so there is no public key to publish (JWT_KEYS_FILE)',
  TOO_MANY_CONNECTIONS: 'too many connections (MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT); retry later',
  BAD_FRAMING: 'the request body framing is invalid (RFC 9112 §6.1)',
  TRANSFER_CODING_NOT_IMPLEMENTED: 'only the chunked transfer coding is supported',
  BODY_TOO_SLOW: 'the request body arrived slower than MIN_BODY_RATE_BPS',
});

export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly status: number;

  constructor(code: ProxyErrorCode, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? PROXY_ERROR_MESSAGES[code], { cause: options?.cause });
    this.name = 'ProxyError';
    this.code = code;
    this.status = PROXY_ERROR_STATUS[code];
  }
}

export type UpstreamErrorCode = Extract<ProxyErrorCode, `UPSTREAM_${string}`>;

const NETWORK_CODES: Readonly<Record<string, UpstreamErrorCode>> = Object.freeze({
  ECONNREFUSED: 'UPSTREAM_UNREACHABLE',
  EHOSTUNREACH: 'UPSTREAM_UNREACHABLE',
  ENETUNREACH: 'UPSTREAM_UNREACHABLE',
  EHOSTDOWN: 'UPSTREAM_UNREACHABLE',
  EADDRNOTAVAIL: 'UPSTREAM_UNREACHABLE',
  ECONNRESET: 'UPSTREAM_RESET',
  EPIPE: 'UPSTREAM_RESET',
  ECONNABORTED: 'UPSTREAM_RESET',
  ERR_STREAM_PREMATURE_CLOSE: 'UPSTREAM_RESET',
  // OpenSSL handshake failures, e.g. a plain-HTTP upstream behind https:// ("wrong version number").
  EPROTO: 'UPSTREAM_TLS',
  ENOTFOUND: 'UPSTREAM_DNS',
  EAI_AGAIN: 'UPSTREAM_DNS',
  EAI_FAIL: 'UPSTREAM_DNS',
  EAI_NONAME: 'UPSTREAM_DNS',
  ETIMEDOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
});

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps an upstream failure to the proxy's code and HTTP status. Pure, table-tested.
 * Our own timeout is a ProxyError with code UPSTREAM_TIMEOUT (upstream-timeout.ts); the
 * reset that destroying the request causes afterwards loses to it (outcome.ts: first code wins).
 */
export function statusForUpstreamError(err: unknown): { readonly code: UpstreamErrorCode; readonly status: number } {
  let code: UpstreamErrorCode;
  const errCode = errorCodeOf(err);
  if (errCode === undefined) code = 'UPSTREAM_ERROR';
  else if (errCode.startsWith('HPE_')) code = 'UPSTREAM_BAD_RESPONSE';
  else if (
    errCode.startsWith('ERR_TLS_') ||
    errCode.startsWith('CERT_') ||
    errCode.startsWith('ERR_SSL_') ||
    errCode.includes('SELF_SIGNED') ||
    errCode === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    errCode === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  )
    code = 'UPSTREAM_TLS';
  else code = NETWORK_CODES[errCode] ?? 'UPSTREAM_ERROR';
  return { code, status: PROXY_ERROR_STATUS[code] };
}

/** The JSON body of a proxy-generated error. */
export function errorBody(code: ProxyErrorCode, message: string = PROXY_ERROR_MESSAGES[code]): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Writes a proxy-generated error unless the response is already under way.
 * `close` asks Node to close the connection after it (the request body may be unread).
 */
export function sendError(
  res: ServerResponse,
  code: ProxyErrorCode,
  options?: { readonly close?: boolean; readonly headers?: Readonly<Record<string, string>>; readonly message?: string },
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = errorBody(code, options?.message);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...options?.headers,
  };
  if (options?.close === true) headers.connection = 'close';
  res.writeHead(PROXY_ERROR_STATUS[code], headers);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
