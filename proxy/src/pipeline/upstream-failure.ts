/**
 * Where an upstream failure becomes 502 or 504. The error's code goes through the
 * one table in errors.ts (`statusForUpstreamError`); the first outcome wins
 * (outcome.ts), so our own timeout stays a 504 even though destroying the request
 * surfaces as a reset. A response already under way is aborted, never ended as if
 * complete. The upstream timer is stopped by the caller (upstream-timeout.ts owns it).
 */
import { sendError, statusForUpstreamError } from '../http/errors.js';
import type { ProxyErrorCode } from '../http/errors.js';
import type { Exchange } from './exchange.js';
import { setOutcome } from './outcome.js';

/** True when the client side is gone (http-proxy-middleware routes the client request's errors here too). */
function clientGone(exchange: Exchange): boolean {
  const { req } = exchange;
  return req.socket.destroyed || (req.destroyed && !req.complete);
}

export function answerUpstreamFailure(exchange: Exchange, err: unknown): void {
  const { res } = exchange;
  // The proxy already answered (a 413 mid-stream): the upstream abort that follows is expected.
  if (res.writableEnded || res.destroyed) return;
  if (clientGone(exchange)) {
    setOutcome(exchange, 'CLIENT_ABORTED');
    exchange.proxyReq?.destroy();
    return;
  }
  const code = setOutcome(exchange, statusForUpstreamError(err).code);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendError(res, code === 'CLIENT_ABORTED' ? 'UPSTREAM_ERROR' : (code as ProxyErrorCode));
}
