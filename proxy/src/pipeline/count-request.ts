/**
 * The first pass: a forwarded request is counted when it arrives, and finished, counted and
 * logged once when its response closes, whichever way it ends (observe/request-counter.ts,
 * observe/request-log.ts).
 */
import { logRequest } from '../observe/request-log.js';
import type { Exchange } from './exchange.js';
import { setOutcome } from './outcome.js';

/** The pass that counts a forwarded request; it is finished, counted and logged when its response closes. */
export function countRequest(exchange: Exchange): boolean {
  exchange.ctx.counter.started();
  exchange.res.once('close', () => finishExchange(exchange));
  return false;
}

function finishExchange(exchange: Exchange): void {
  const { req, res, ctx } = exchange;
  const finished = res.writableFinished;
  exchange.clearWatchdog();
  if (!finished) {
    const upstream = exchange.proxyReq;
    if (upstream !== undefined && !upstream.destroyed) upstream.destroy();
    setOutcome(exchange, 'CLIENT_ABORTED');
  }
  const statusCode = finished || res.headersSent ? res.statusCode : 0;
  ctx.counter.finished(req.method, statusCode);
  logRequest(ctx.logger, {
    method: req.method,
    url: req.url,
    status: statusCode,
    code: exchange.outcome,
    startedAt: exchange.startedAt,
    upstreamAt: exchange.upstreamAt,
    jti: exchange.jti,
  });
  ctx.onRequestDone();
}
