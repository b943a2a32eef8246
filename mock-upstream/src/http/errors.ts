/**
 * The mock's own error codes, in one table (like proxy/src/http/errors.ts): every
 * answer the mock makes about its API, rather than a recorded request, is
 * `{"error":{"code","message"}}` with the status and default message below.
 * Clients and tests match on `code`; the message may add specifics (a field path).
 */
import type { ServerResponse } from 'node:http';

export const MOCK_ERRORS = {
  BAD_QUERY: { status: 400, message: 'a query parameter is unknown, repeated or invalid' },
  STUB_INVALID: { status: 400, message: 'the stub does not match the stub schema' },
  FAULT_HEADER_INVALID: { status: 400, message: 'a fault-injection header is malformed' },
  HOST_NOT_ALLOWED: { status: 403, message: 'this Host is not in MOCK_ALLOWED_HOSTS' },
  CROSS_SITE_REFUSED: { status: 403, message: 'the /__mock API answers its own origin only (Origin, Sec-Fetch-Site)' },
  NOT_FOUND: { status: 404, message: 'no such mock endpoint or entry' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'this method is not allowed here' },
  WAIT_TIMEOUT: { status: 408, message: 'not enough matching requests arrived before timeoutMs' },
  BODY_TRUNCATED: { status: 409, message: 'the body was larger than MOCK_BODY_LIMIT, so it was not kept' },
  TOO_MANY_STUBS: { status: 409, message: 'MOCK_MAX_STUBS stubs are defined; delete some (DELETE /__mock/stubs) first' },
  STUB_TOO_LARGE: { status: 413, message: 'the stub definition is larger than MOCK_MAX_STUB_BYTES' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send the body as Content-Type: application/json' },
  INTERNAL: { status: 500, message: 'the mock upstream failed to handle this request' },
  PAGE_UNAVAILABLE: { status: 503, message: 'the inspection page files (mock-upstream/web) were not found' },
  SHUTTING_DOWN: { status: 503, message: 'the mock upstream is shutting down' },
} as const satisfies Record<string, { status: number; message: string }>;

export type MockErrorCode = keyof typeof MOCK_ERRORS;

/** The codes in table order; contracts/openapi.yaml's MockErrorCode enum is generated from this list (issue 14). */
export const MOCK_ERROR_CODES = Object.freeze(Object.keys(MOCK_ERRORS) as MockErrorCode[]);

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Headers on every JSON answer. `nosniff` (issue 16, Medium 5): an entry echoes
 * whatever a client sent, so a browser must never sniff a JSON answer into HTML.
 */
export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': JSON_TYPE,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/** The error envelope for `code`, with the table's message unless a more specific one is given. */
export function errorBody(code: MockErrorCode, message?: string): { error: { code: MockErrorCode; message: string } } {
  return { error: { code, message: message ?? MOCK_ERRORS[code].message } };
}

/** Sends the error envelope with the code's status; `extra` adds fields beside `error` (e.g. the entry). */
export function sendError(res: ServerResponse, code: MockErrorCode, message?: string, extra: object = {}, headers: Record<string, string> = {}): void {
  sendJson(res, MOCK_ERRORS[code].status, { ...errorBody(code, message), ...extra }, headers);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { ...headers, ...JSON_HEADERS, 'content-length': body.length });
  res.end(body);
}
