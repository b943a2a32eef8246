/**
 * The first pass: a forwarded request is counted when it arrives, and finished, counted and
 * logged once when its response closes, whichever way it ends (observe/request-counter.ts,
 * observe/request-log.ts).
 */
import type { Logger } from 'pino';
import type { RequestCounter } from '../observe/request-counter.js';
import { createRequestLog } from '../observe/request-log.js';
import type { ServerResponse } from 'node:http';
import type { Exchange, RequestPass } from './exchange.js';
import { exchangeOf } from './exchange.js';
import { setOutcome } from './outcome.js';
import type { UpstreamTimeout } from './upstream-timeout.js';

export interface CountRequestOptions {
  readonly counter: RequestCounter;
  readonly logger: Logger;
  /** The forwarder's monotonic clock: the log line's durationMs ends here. */
  readonly now: () => number;
  /** Whatever the way the response ends, the upstream timer stops with it. */
  readonly upstreamTimeout: Pick<UpstreamTimeout, 'stop'>;
  /** Called after each forwarded response closes. */
  readonly onRequestDone: () => void;
}

/** Request pass: counts a forwarded request; it is finished, counted and logged when its response closes. */
export function createCountRequest(options: CountRequestOptions): RequestPass {
  const { counter, now, upstreamTimeout, onRequestDone } = options;
  const logRequest = createRequestLog(options.logger, now);

  function finishExchange(exchange: Exchange): void {
    const { req, res } = exchange;
    const finished = res.writableFinished;
    upstreamTimeout.stop(exchange);
    if (!finished) {
      const upstream = exchange.proxyReq;
      if (upstream !== undefined && !upstream.destroyed) upstream.destroy();
      setOutcome(exchange, 'CLIENT_ABORTED');
    }
    const statusCode = finished || res.headersSent ? res.statusCode : 0;
    counter.finished(req.method, statusCode, exchange.upstreamAt < 0 ? -1 : exchange.upstreamAt - exchange.startedAt);
    logRequest({
      method: req.method,
      url: req.url,
      status: statusCode,
      code: exchange.outcome,
      startedAt: exchange.startedAt,
      upstreamAt: exchange.upstreamAt,
      jti: exchange.jti,
      user: exchange.user,
    });
    onRequestDone();
  }

  // One listener function for every response, not a closure and a once-wrapper per request
  // (issue #22): 'close' is emitted once, and the exchange hangs off the request.
  function onClose(this: ServerResponse): void {
    const exchange = exchangeOf(this.req);
    /* c8 ignore next */ if (exchange === undefined) return;
    finishExchange(exchange);
  }

  return (exchange) => {
    counter.started();
    exchange.res.on('close', onClose);
    return false;
  };
}
