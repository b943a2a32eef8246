/**
 * UPSTREAM_TIMEOUT_MS, enforced by one timer per request (socket timers cost two
 * re-arms per request). While the request is still being sent, and while the
 * response body flows, it waits as long as bytes move (an idle timeout); once the
 * request is sent, the whole response head must arrive within the timeout, however
 * slowly it trickles in (a trickled head keeps a socket busy). It fails the
 * request with a ProxyError whose code, UPSTREAM_TIMEOUT, the status table maps to 504.
 *
 * The timer's whole life is here: armed by `arm`, re-armed by `watch` and `headArrived`,
 * stopped by `stop` (the response closed, the upstream answered in full, or failed).
 */
import type { ClientRequest } from 'node:http';
import { ProxyError } from '../http/errors.js';
import type { Timers } from '../observe/clock.js';
import type { Exchange, RequestPass, UpstreamRequestPass } from './exchange.js';
import { setOutcome } from './outcome.js';
import { answerUpstreamFailure } from './upstream-failure.js';

export interface UpstreamTimeoutOptions {
  /** UPSTREAM_TIMEOUT_MS. */
  readonly timeoutMs: number;
  readonly timers: Timers;
}

export interface UpstreamTimeout {
  /** Request pass: arms the timer as the request is handed to http-proxy-middleware. */
  readonly arm: RequestPass;
  /** Upstream-request pass: once the request is fully sent, the upstream has the whole timeout to start its answer. */
  readonly watch: UpstreamRequestPass;
  /** The head is here: from now on the timer only asks that the body keeps moving. */
  readonly headArrived: (exchange: Exchange) => void;
  /** The upstream exchange is over (or failed): no timer left running. */
  readonly stop: (exchange: Exchange) => void;
}

function socketProgress(clientReq: ClientRequest | undefined): number {
  const socket = clientReq?.socket;
  return socket === null || socket === undefined ? 0 : socket.bytesRead + socket.bytesWritten;
}

export function createUpstreamTimeout(options: UpstreamTimeoutOptions): UpstreamTimeout {
  const { timeoutMs, timers } = options;

  function stop(exchange: Exchange): void {
    if (exchange.watchdog !== undefined) {
      timers.clearTimeout(exchange.watchdog);
      exchange.watchdog = undefined;
    }
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
    stop(exchange);
    const err = new ProxyError('UPSTREAM_TIMEOUT');
    setOutcome(exchange, 'UPSTREAM_TIMEOUT');
    // Destroying the request reports `err` through http-proxy-middleware's error event;
    // before the request exists (queued for a socket) we answer directly.
    if (clientReq === undefined) answerUpstreamFailure(exchange, err);
    else clientReq.destroy(err);
  }

  return {
    arm(exchange) {
      // The exchange is the timer's argument: no closure per request.
      exchange.watchdog = timers.setTimeout(onWatchdog, timeoutMs, exchange);
      return false;
    },
    watch(exchange, proxyReq) {
      proxyReq.once('finish', () => {
        if (exchange.watchdog !== undefined && exchange.upstreamAt < 0) exchange.watchdog.refresh();
      });
    },
    headArrived(exchange) {
      if (exchange.watchdog === undefined) return;
      exchange.progress = socketProgress(exchange.proxyReq);
      exchange.watchdog.refresh();
    },
    stop,
  };
}
