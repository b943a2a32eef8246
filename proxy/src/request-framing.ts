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
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ProxyErrorCode } from './errors.js';
import { transferCodingVerdict } from './transfer-coding.js';

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
