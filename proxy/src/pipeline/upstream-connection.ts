/**
 * Issue #21 item 5: an upstream connection the proxy declared closed is never reused.
 * httpxy sends `Connection: close` upstream for a request with Transfer-Encoding (its
 * request-smuggling hardening, kept on purpose: http-proxy-bridge.ts). Node's ClientRequest
 * then still returns the socket to the agent's pool unless the *response* says close, so an
 * upstream answering with its own `Connection: x-some-field` and `Keep-Alive` got the next
 * request on a connection both sides had ended (RFC 9112 §9.6: after sending close, a client
 * MUST NOT send further requests on that connection) and answered 400, or reset it (502).
 */
import type { ClientRequest } from 'node:http';
import type { Exchange } from './exchange.js';

/** True when a Connection field value lists the `close` option (RFC 9110 §7.6.1: case-insensitive tokens). */
export function declaresClose(value: number | string | readonly string[] | undefined): boolean {
  if (value === undefined || typeof value === 'number') return false;
  const text = typeof value === 'string' ? value : value.join(',');
  return text.split(',').some((option) => option.trim().toLowerCase() === 'close');
}

/**
 * Upstream-request pass: a request whose head says `Connection: close` does not keep its
 * socket. `shouldKeepAlive = false` (OutgoingMessage's own flag) makes Node destroy the socket
 * when the response ends instead of handing it back to the agent.
 */
export function neverReuseClosedConnection(_exchange: Exchange, proxyReq: ClientRequest): void {
  if (declaresClose(proxyReq.getHeader('connection'))) proxyReq.shouldKeepAlive = false;
}
