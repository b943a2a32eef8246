/**
 * The framing invariant (issue #16, Critical): the proxy never sends a body
 * upstream without framing. A request with a body goes upstream with
 * Content-Length or chunked; a request without one carries no body bytes.
 *
 * Two checks, one before and one while forwarding:
 * - `framingRefusal`: Transfer-Encoding codings the proxy cannot frame again
 *   (transfer-coding.ts) are refused before anything is forwarded;
 * - `guardUnframedBody`: if the upstream headers carry neither Content-Length nor
 *   Transfer-Encoding and the client's parser still delivers body bytes (Node 20
 *   did so for a length hidden past 1,000 header lines), the upstream request is
 *   cut before those bytes are written, whatever the runtime does.
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ProxyErrorCode } from '../http/errors.js';
import { sendError } from '../http/errors.js';
import type { Exchange } from './exchange.js';
import { setOutcome } from './outcome.js';
import { transferCodingVerdict } from '../http/transfer-coding.js';

/** The code to refuse the request with, or undefined when its framing can be forwarded. */
export function framingRefusal(req: IncomingMessage): ProxyErrorCode | undefined {
  const value = req.headers['transfer-encoding'];
  const verdict = transferCodingVerdict(value, req.httpVersionMinor);
  return 'refuse' in verdict ? verdict.refuse : undefined;
}

/** True when `headers` (what goes upstream) frame a body. */
export function framesBody(headers: IncomingHttpHeaders): boolean {
  return headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
}

/**
 * Calls `onUnframed` (once) if a body byte arrives for a request whose upstream headers
 * frame no body. Must be attached before the body is piped upstream: listeners run in
 * order, so `onUnframed` can destroy the upstream request before the pipe writes to it.
 */
export function guardUnframedBody(req: IncomingMessage, upstreamHeaders: IncomingHttpHeaders, onUnframed: () => void): void {
  if (framesBody(upstreamHeaders)) return;
  const onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    req.off('data', onData);
    onUnframed();
  };
  req.on('data', onData);
  req.once('end', () => req.off('data', onData));
}

/** Request pass: 501/400 for a Transfer-Encoding the proxy cannot frame again; the connection closes. */
export function refuseUnframeableBody(exchange: Exchange): boolean {
  const code = framingRefusal(exchange.req);
  if (code === undefined) return false;
  setOutcome(exchange, code);
  sendError(exchange.res, code);
  return true;
}

/**
 * Upstream-request pass (runs before http-proxy-middleware pipes the body): a body byte for a
 * request whose upstream headers frame none cuts the upstream request before it is written.
 */
export function refuseUnframedBody(exchange: Exchange, proxyReq: ClientRequest): void {
  guardUnframedBody(exchange.req, exchange.req.headers, () => {
    setOutcome(exchange, 'BAD_FRAMING');
    proxyReq.destroy();
    exchange.req.unpipe();
    if (exchange.res.headersSent) exchange.res.destroy();
    else sendError(exchange.res, 'BAD_FRAMING');
  });
}
