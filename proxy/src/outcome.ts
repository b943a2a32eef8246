/**
 * Where a request is counted and logged. One outcome per request: when several
 * events fail the same request (our timer, then the reset it causes; a 413, then
 * the upstream abort it causes), `setOutcome` keeps the first reason. One
 * function, `logRequest`, writes the request log line on every path: forwarded,
 * the own endpoints, 505 and CONNECT.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ProxyErrorCode } from './errors.js';
import type { Exchange } from './exchange.js';
import type { ProxyMetrics } from './metrics.js';
import { methodLabel } from './metrics.js';
import type { StatusCounter } from './status.js';

/** Codes that appear only in logs: nothing is sent (the client is gone). */
export type LogOnlyCode = 'CLIENT_ABORTED';
export type OutcomeCode = ProxyErrorCode | LogOnlyCode;

/** The first code wins; returns the code that stands. */
export function setOutcome(exchange: { outcome: OutcomeCode | undefined }, code: OutcomeCode): OutcomeCode {
  if (exchange.outcome === undefined) exchange.outcome = code;
  return exchange.outcome;
}

/** The request path without its query: the README promises a query never reaches the logs. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export interface RequestLogLine {
  readonly method: string | undefined;
  /** The raw request-target; logged without its query. */
  readonly url: string | undefined;
  readonly status: number;
  readonly code?: OutcomeCode | undefined;
  /** performance.now() at arrival; with it the line carries durationMs. */
  readonly startedAt?: number;
  readonly upstreamAt?: number;
  readonly jti?: string | undefined;
}

function ms(from: number, to: number): number {
  return Math.round((to - from) * 1000) / 1000;
}

/** The one request log line. Never the secret, never a token, never a query. */
export function logRequest(logger: Logger, line: RequestLogLine): void {
  const end = performance.now();
  logger.info({
    msg: 'request',
    method: line.method,
    url: pathOf(line.url),
    status: line.status,
    durationMs: line.startedAt === undefined ? undefined : ms(line.startedAt, end),
    upstreamMs:
      line.startedAt === undefined || line.upstreamAt === undefined || line.upstreamAt < 0
        ? undefined
        : ms(line.startedAt, line.upstreamAt),
    code: line.code,
    jti: line.jti,
  });
}

/** Logs an own-endpoint request (Express) when its response closes; never counted. */
export function logWhenClosed(logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const startedAt = performance.now();
  res.once('close', () => {
    logRequest(logger, {
      method: req.method,
      url: req.url,
      status: res.headersSent ? res.statusCode : 0,
      startedAt,
      code: res.writableFinished ? undefined : 'CLIENT_ABORTED',
    });
  });
}

/** Forwarded requests: /status's counters and the Prometheus request counter. */
export interface RequestCounter {
  readonly started: () => void;
  readonly finished: (method: string | undefined, statusCode: number) => void;
}

export function createRequestCounter(metrics: ProxyMetrics, status: StatusCounter): RequestCounter {
  // prom-client hashes the label object on every inc(); the children are cached instead.
  const children = new Map<string, { inc(): void }>();
  return {
    started: () => status.started(),
    finished: (method, statusCode) => {
      status.finished();
      const label = methodLabel(method);
      const key = `${label} ${statusCode}`;
      let child = children.get(key);
      if (child === undefined) {
        child = metrics.requests.labels({ method: label, status: statusCode });
        children.set(key, child);
      }
      child.inc();
    },
  };
}

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
