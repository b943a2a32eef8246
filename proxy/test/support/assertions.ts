/** Assertions on what the proxy answered: its own error body, a refused-and-closed connection, list-valued fields. */
import assert from 'node:assert/strict';
import { header, type ParsedResponse, type RawExchange } from '../../../contracts/testing/raw-http.js';
import type { ProxyErrorCode } from '../../src/http/errors.js';
import { PROXY_ERROR_MESSAGES } from '../../src/http/errors.js';
import type { SimpleResponse } from './client.js';

/** The proxy's own error body: exactly `{"error":{"code","message"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * Asserts a proxy-generated error: the status, a JSON content type, and the whole body,
 * which is exactly `{"error": {"code": <code>, "message": <the code's fixed message>}}`.
 */
export function assertProxyError(
  status: number,
  contentType: string | undefined,
  body: Buffer | string,
  expectedStatus: number,
  code: ProxyErrorCode,
): ErrorBody {
  assert.equal(status, expectedStatus, `status (body: ${String(body).slice(0, 200)})`);
  assert.match(contentType ?? '', /^application\/json/, 'content-type');
  const parsed = JSON.parse(String(body)) as ErrorBody;
  assert.deepEqual(parsed, { error: { code, message: PROXY_ERROR_MESSAGES[code] } });
  return parsed;
}

/** assertProxyError on a raw exchange's parsed response. */
export function assertRawProxyError(exchange: RawExchange, expectedStatus: number, code: ProxyErrorCode): ParsedResponse {
  const response = exchange.response;
  assert.ok(response !== undefined, `expected a ${expectedStatus} response, got ${JSON.stringify(exchange.raw.toString('latin1'))}`);
  assertProxyError(response.status, header(response, 'content-type'), response.body, expectedStatus, code);
  return response;
}

/** assertProxyError on a SimpleResponse. */
export function assertSimpleProxyError(response: SimpleResponse, expectedStatus: number, code: ProxyErrorCode): ErrorBody {
  return assertProxyError(response.status, response.headers['content-type'], response.body, expectedStatus, code);
}

/** Splits a list-valued field (Via, X-Forwarded-For, Forwarded) into its members. */
export function listMembers(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}

/**
 * Asserts that the proxy refused a request it could not parse safely: the status and code
 * with the usual JSON body, then the connection closed (RFC 9112 §6.3: once framing cannot
 * be trusted, nothing more on this connection can be).
 */
export function assertRefusedAndClosed(exchange: RawExchange, status: number, code: ProxyErrorCode): void {
  const response = assertRawProxyError(exchange, status, code);
  assert.equal(header(response, 'connection')?.toLowerCase(), 'close');
  assert.equal(exchange.closedByPeer, true, 'the proxy closes the connection');
}
