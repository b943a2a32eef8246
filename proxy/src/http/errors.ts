/**
 * Errors with codes. Every response the proxy writes itself carries
 * `{"error":{"code","message"}}`; clients and tests match on `code`, never on
 * the message. Upstream failures map to a status through one pure function
 * (fastify-reply-from's error map): timeout 504, everything else 502.
 */
import { STATUS_CODES, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The one error table: code → status, the fixed client-facing message (never the upstream's
 * text, a stack or an address) and whether the connection closes after the answer. A code
 * closes when the request's body may be unread or its framing cannot be trusted (RFC 9112
 * §9.6, §11.2): reading on would parse body bytes as the next request.
 */
export const PROXY_ERRORS = {
  UPSTREAM_TIMEOUT: { status: 504, close: false, message: 'the upstream did not answer in time' },
  UPSTREAM_UNREACHABLE: { status: 502, close: false, message: 'the upstream refused or could not be reached' },
  UPSTREAM_RESET: { status: 502, close: false, message: 'the upstream closed the connection' },
  UPSTREAM_DNS: { status: 502, close: false, message: 'the upstream host name could not be resolved' },
  UPSTREAM_BAD_RESPONSE: { status: 502, close: false, message: 'the upstream sent an invalid HTTP response' },
  UPSTREAM_TLS: { status: 502, close: false, message: 'the TLS connection to the upstream failed' },
  UPSTREAM_ERROR: { status: 502, close: false, message: 'the request could not be forwarded to the upstream' },
  BAD_REQUEST: { status: 400, close: true, message: 'the request is malformed' },
  BAD_REQUEST_TARGET: { status: 400, close: true, message: 'the request target must be origin-form (/path) or an absolute http(s) URL' },
  UNSUPPORTED_SCHEME: { status: 400, close: true, message: 'only http:// and https:// targets can be forwarded' },
  DUPLICATE_HOST: { status: 400, close: true, message: 'the request carries more than one Host header (RFC 9112 §3.2)' },
  FORWARD_HOST_FORBIDDEN: { status: 403, close: false, message: 'forwarding to this host is not allowed (PROXY_ALLOWED_HOSTS)' },
  CONNECT_NOT_SUPPORTED: { status: 405, close: true, message: 'CONNECT is not supported: the proxy signs each request, and a TLS tunnel cannot be signed' },
  TRACE_NOT_ALLOWED: { status: 405, close: false, message: 'TRACE is disabled (PROXY_ALLOW_TRACE)' },
  REQUEST_TIMEOUT: { status: 408, close: true, message: 'the request did not arrive in time' },
  PAYLOAD_TOO_LARGE: { status: 413, close: true, message: 'the request body exceeds MAX_BODY_BYTES' },
  EXPECTATION_FAILED: { status: 417, close: true, message: 'only the 100-continue expectation is supported' },
  HEADERS_TOO_LARGE: { status: 431, close: true, message: 'the request header section is too large' },
  LOOP_DETECTED: { status: 508, close: false, message: 'the request would loop through this proxy' },
  HTTP_VERSION_NOT_SUPPORTED: { status: 505, close: true, message: 'only HTTP/1.0 and HTTP/1.1 requests are supported' },
  INTERNAL_ERROR: { status: 500, close: false, message: 'internal proxy error' },
  CLUSTER_UNAVAILABLE: { status: 503, close: false, message: 'the cluster primary did not answer' },
  JWKS_NOT_CONFIGURED: { status: 404, close: false, message: 'no asymmetric signing key is configured, so there is no public key to publish (JWT_KEYS_FILE)' },
  TOO_MANY_CONNECTIONS: { status: 503, close: true, message: 'too many connections (MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT); retry later' },
  BAD_FRAMING: { status: 400, close: true, message: 'the request body framing is invalid (RFC 9112 §6.1)' },
  TRANSFER_CODING_NOT_IMPLEMENTED: { status: 501, close: true, message: 'only the chunked transfer coding is supported' },
  BODY_TOO_SLOW: { status: 408, close: true, message: 'the request body arrived slower than MIN_BODY_RATE_BPS' },
  // Issue #24 (PROXY_AUTH). They keep the connection, like FORWARD_HOST_FORBIDDEN: Node reads and
  // drops an unread body, and a client answers a challenge on the same connection (RFC 9110 §11.6).
  AUTH_REQUIRED: { status: 401, close: false, message: 'authentication is required (PROXY_AUTH)' },
  PROXY_AUTH_REQUIRED: { status: 407, close: false, message: 'proxy authentication is required (PROXY_AUTH)' },
  AUTH_RATE_LIMITED: { status: 429, close: false, message: 'too many failed authentications from this address; retry after Retry-After seconds' },
  AUTH_BUSY: { status: 503, close: false, message: 'too many password checks are waiting; retry later' },
  IDENTITY_INVALID: { status: 403, close: false, message: 'the authenticated name cannot be signed: empty, over 256 bytes or with a control character' },
} as const satisfies Readonly<Record<string, ProxyErrorEntry>>;

export interface ProxyErrorEntry {
  readonly status: number;
  readonly close: boolean;
  readonly message: string;
}

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;

/** Codes that appear only in logs: nothing is sent (the client is gone). */
export type LogOnlyCode = 'CLIENT_ABORTED';
export type OutcomeCode = ProxyErrorCode | LogOnlyCode;

/** Views of the table by one column (tests, the OpenAPI generator). */
export const PROXY_ERROR_STATUS: Readonly<Record<ProxyErrorCode, number>> = column('status');
export const PROXY_ERROR_MESSAGES: Readonly<Record<ProxyErrorCode, string>> = column('message');

function column<K extends keyof ProxyErrorEntry>(key: K): Readonly<Record<ProxyErrorCode, ProxyErrorEntry[K]>> {
  const out: Partial<Record<ProxyErrorCode, ProxyErrorEntry[K]>> = {};
  for (const code of Object.keys(PROXY_ERRORS) as ProxyErrorCode[]) out[code] = (PROXY_ERRORS[code] as ProxyErrorEntry)[key];
  return Object.freeze(out as Record<ProxyErrorCode, ProxyErrorEntry[K]>);
}

export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly status: number;

  constructor(code: ProxyErrorCode, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? PROXY_ERRORS[code].message, { cause: options?.cause });
    this.name = 'ProxyError';
    this.code = code;
    this.status = PROXY_ERRORS[code].status;
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
  return { code, status: PROXY_ERRORS[code].status };
}

/** The JSON body of a proxy-generated error. */
export function errorBody(code: ProxyErrorCode, message: string = PROXY_ERRORS[code].message): string {
  return JSON.stringify({ error: { code, message } });
}

/** What may go with an error besides the table's columns. */
export interface ErrorOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly message?: string;
}

/**
 * The one writer of the proxy's own errors. On a response: unless it is already under way,
 * the status, the JSON body and `Connection: close` when the table says so. On a raw socket
 * (Node's parser failed, or the connection is refused before any request), a complete
 * HTTP/1.1 response is written and the socket ended: nothing can follow it.
 */
export function sendError(target: ServerResponse | Duplex, code: ProxyErrorCode, options?: ErrorOptions): void {
  if (target instanceof ServerResponse) {
    writeErrorResponse(target, code, options);
    return;
  }
  if (target.writable) target.end(rawErrorResponse(code, options));
}

function errorHeaders(code: ProxyErrorCode, body: string, close: boolean, extra: ErrorOptions['headers']): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    ...extra,
  };
  if (close) headers.connection = 'close';
  return headers;
}

function writeErrorResponse(res: ServerResponse, code: ProxyErrorCode, options: ErrorOptions | undefined): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = errorBody(code, options?.message);
  res.writeHead(PROXY_ERRORS[code].status, errorHeaders(code, body, PROXY_ERRORS[code].close, options?.headers));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** A complete raw HTTP/1.1 error response with a JSON body; it always closes the connection. */
export function rawErrorResponse(code: ProxyErrorCode, options?: ErrorOptions): string {
  const { status } = PROXY_ERRORS[code];
  const body = errorBody(code, options?.message);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(errorHeaders(code, body, true, options?.headers))) head += `${canonical(name)}: ${value}\r\n`;
  return `${head}\r\n${body}`;
}

/** `content-type` → `Content-Type`: how a raw head is conventionally written. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
