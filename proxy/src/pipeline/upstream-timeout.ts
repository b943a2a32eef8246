/**
 * UPSTREAM_TIMEOUT_MS, enforced by one timer per request (socket timers cost two
 * re-arms per request). While the request is still being sent, and while the
 * response body flows, it waits as long as bytes move (an idle timeout); once the
 * request is sent, the whole response head must arrive within the timeout, however
 * slowly it trickles in (a trickled head keeps a socket busy). It fails the
 * request with a ProxyError whose code, UPSTREAM_TIMEOUT, the status table maps to 504.
 */
import type { ClientRequest } from 'node:http';
import { ProxyError } from '../http/errors.js';
import type { Exchange } from './exchange.js';
import { setOutcome } from './outcome.js';
import { answerUpstreamFailure } from './upstream-failure.js';

function socketProgress(clientReq: ClientRequest | undefined): number {
  const socket = clientReq?.socket;
  return socket === null || socket === undefined ? 0 : socket.bytesRead + socket.bytesWritten;
}

function onWatchdog(exchange: Exchange): void {
  if (exchange.watchdog === undefined) return;
  const clientReq = exchange.proxyReq;
  const waitingForHead = exchange.upstreamAt < 0 && clientReq?.writableFinished === true;
  const progress = socketProgress(clientReq);
  if (!waitingForHead && clientReq !== undefined && progress !== exchange.progress) {
    exchange.progress = progress;
    exchange.watchdog.refresh();
    return;
  }
  exchange.clearWatchdog();
  const err = new ProxyError('UPSTREAM_TIMEOUT');
  setOutcome(exchange, 'UPSTREAM_TIMEOUT');
  // Destroying the request reports `err` through http-proxy-middleware's error event;
  // before the request exists (queued for a socket) we answer directly.
  if (clientReq === undefined) answerUpstreamFailure(exchange, err);
  else clientReq.destroy(err);
}

/** The pass: arms the timer as the request is handed to http-proxy-middleware. */
export function armUpstreamTimeout(exchange: Exchange): boolean {
  exchange.watchdog = setTimeout(onWatchdog, exchange.ctx.config.upstreamTimeoutMs, exchange);
  return false;
}

/** Upstream-request pass: once the request is fully sent, the upstream has the whole timeout to start its answer. */
export function watchUpstreamRequest(exchange: Exchange, proxyReq: ClientRequest): void {
  proxyReq.once('finish', () => {
    if (exchange.watchdog !== undefined && exchange.upstreamAt < 0) exchange.watchdog.refresh();
  });
}

/** The head is here: from now on the watchdog only asks that the body keeps moving. */
export function upstreamHeadArrived(exchange: Exchange): void {
  if (exchange.watchdog === undefined) return;
  exchange.progress = socketProgress(exchange.proxyReq);
  exchange.watchdog.refresh();
}

