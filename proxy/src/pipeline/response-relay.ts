/**
 * The upstream's answer, relayed: 1xx interim responses, then one writeHead with
 * a fresh end-to-end copy of the response fields (hop-by-hop.ts), our Via and our
 * Connection, then the body streamed. A body cut short aborts the client's
 * response, never ends it as if complete.
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { LatencyHistogram } from '../observe/tallies.js';
import { sendError } from '../http/errors.js';
import type { Exchange } from './exchange.js';
import { endToEndCopy, stripHopByHop } from '../http/hop-by-hop.js';
import { appendVia, createViaEntries } from '../http/via-forwarded.js';
import { setOutcome } from './outcome.js';
import type { UpstreamTimeout } from './upstream-timeout.js';

/**
 * Upstream-request pass. RFC 9110 §15.2: 1xx responses the proxy did not ask for are relayed
 * (102 Processing, 103 Early Hints), never to an HTTP/1.0 client, which cannot parse them
 * (§15.2: MUST NOT). 100 Continue is not: the proxy answered the client's expectation itself.
 */
export function relayInterimResponses(exchange: Exchange, proxyReq: ClientRequest): void {
  proxyReq.on('information', (info: { statusCode: number; headers: IncomingHttpHeaders }) => {
    const { res } = exchange;
    if (res.headersSent || res.destroyed || res.req.httpVersion === '1.0') return;
    if (info.statusCode === 102) {
      res.writeProcessing();
    } else if (info.statusCode === 103) {
      try {
        res.writeEarlyHints(stripHopByHop({ ...info.headers }) as Record<string, string | string[]>);
      } catch {
        // A Link value Node refuses to write is dropped, like any malformed hint.
      }
    }
  });
}

/** Bodyless by status (RFC 9110 §6.4.1) or by method: no framing needed to keep the connection. */
function bodyless(statusCode: number, method: string | undefined): boolean {
  return method === 'HEAD' || statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode < 200);
}

/**
 * Connection is ours: keep-alive as Node decided for this client, close while draining.
 * An HTTP/1.0 client cannot receive chunked framing, so a close-delimited upstream body
 * (no Content-Length) is close-delimited for it too: Node closes the connection after it,
 * and must say so (issue #10 item 8: `res.shouldKeepAlive` is read before Node decides).
 */
export function responseConnection(
  req: IncomingMessage,
  res: ServerResponse,
  proxyRes: IncomingMessage,
  isClosing: () => boolean,
): 'keep-alive' | 'close' {
  if (!res.shouldKeepAlive || isClosing()) return 'close';
  const framed =
    req.httpVersionMinor !== 0 ||
    proxyRes.headers['content-length'] !== undefined ||
    bodyless(proxyRes.statusCode as number, req.method);
  return framed ? 'keep-alive' : 'close';
}

export interface ResponseRelayOptions {
  /** PROXY_NAME, our Via pseudonym. */
  readonly proxyName: string;
  /** True while draining: responses close their connection. */
  readonly isClosing: () => boolean;
  /** jwt_proxy_upstream_latency_seconds. */
  readonly upstreamLatency: Pick<LatencyHistogram, 'observe'>;
  readonly logger: Logger;
  /** The forwarder's monotonic clock (Exchange.startedAt is read from it). */
  readonly now: () => number;
  readonly upstreamTimeout: Pick<UpstreamTimeout, 'headArrived' | 'stop'>;
}

/** The response pass, run on http-proxy-middleware's 'proxyRes' (selfHandleResponse). */
export type ResponseRelay = (exchange: Exchange, proxyRes: IncomingMessage, res: ServerResponse) => void;

export function createResponseRelay(options: ResponseRelayOptions): ResponseRelay {
  const { isClosing, upstreamLatency, logger, now, upstreamTimeout } = options;
  const viaEntry = createViaEntries(options.proxyName);

  function onUpstreamResponseClosed(exchange: Exchange, proxyRes: IncomingMessage): void {
    upstreamTimeout.stop(exchange);
    if (proxyRes.complete) return;
    // Cut short: the client must see an aborted response (pipe() would leave it open forever).
    setOutcome(exchange, 'UPSTREAM_RESET');
    if (!exchange.res.writableEnded) exchange.res.destroy();
  }

  return (exchange, proxyRes, res) => {
    upstreamTimeout.headArrived(exchange);
    exchange.upstreamAt = now();
    upstreamLatency.observe((exchange.upstreamAt - exchange.startedAt) / 1000);
    proxyRes.once('close', () => onUpstreamResponseClosed(exchange, proxyRes));
    if (res.headersSent || res.destroyed) {
      proxyRes.destroy();
      return;
    }
    // One writeHead with a fresh copy instead of a setHeader per field (issue #7); without
    // Node's extra Keep-Alive hint.
    const headers = endToEndCopy(proxyRes.headers);
    headers.via = appendVia(proxyRes.headers.via, viaEntry(proxyRes.httpVersion));
    headers.connection = responseConnection(exchange.req, res, proxyRes, isClosing);
    try {
      res.writeHead(proxyRes.statusCode as number, proxyRes.statusMessage || undefined, headers);
    } catch (err) {
      // A status or field Node refuses to write (e.g. status 042): the response is invalid.
      setOutcome(exchange, 'UPSTREAM_BAD_RESPONSE');
      logger.debug({ msg: 'unwritable upstream response', err: err instanceof Error ? err.message : String(err) });
      proxyRes.destroy();
      sendError(res, 'UPSTREAM_BAD_RESPONSE');
      return;
    }
    proxyRes.pipe(res);
  };
}
