/**
 * The one request log line, written on every path: forwarded requests (pipeline/count-request.ts),
 * the own endpoints, 505 and CONNECT. Never the secret, never a token, never a query.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { OutcomeCode } from '../http/errors.js';

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
  /** `now()` at arrival (logRequest's clock); with it the line carries durationMs. */
  readonly startedAt?: number;
  readonly upstreamAt?: number;
  readonly jti?: string | undefined;
  /** The authenticated name (PROXY_AUTH, issue #24); never a password, a credential or a certificate. */
  readonly user?: string | undefined;
}

/**
 * A duration that pino writes as a JSON number, `"durationMs":12.345`, the same bytes as a plain
 * number, but through JSON.stringify (pino serialises any object value with it, and it honours
 * toJSON). A plain number would be concatenated into the line, and V8 allocates each
 * number-to-string result it caches directly in the old generation, where its number-string
 * cache lives: two new strings a request that only a full GC frees, 3-7 MB more peak RSS under
 * load at LOG_LEVEL=info (issue #22; docs/performance.md, "Numbers in the request line").
 */
export class JsonNumber {
  readonly #value: number;

  constructor(value: number) {
    this.#value = value;
  }

  toJSON(): number {
    return this.#value;
  }
}

function ms(from: number, to: number): JsonNumber {
  return new JsonNumber(Math.round((to - from) * 1000) / 1000);
}

/** Monotonic milliseconds; injected by the forwarder so its durations and its tests share one clock. */
export type MonotonicClock = () => number;

function defaultNow(): number {
  return performance.now();
}

/** The line's fields after `msg`; undefined ones are left out by pino. */
function fields(line: RequestLogLine, end: number): Record<string, unknown> {
  return {
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
    user: line.user,
  };
}

/**
 * The one request log line. Never the secret, never a token, never a query. `now` is the clock
 * `line.startedAt` was read from (default performance.now).
 */
export function logRequest(logger: Logger, line: RequestLogLine, now: MonotonicClock = defaultNow): void {
  logger.info({ msg: 'request', ...fields(line, now()) });
}

/** Writes the request line of every forwarded request (pipeline/count-request.ts). */
export type RequestLog = (line: RequestLogLine) => void;

/**
 * The request line for the hot path (issue #22): the fixed `msg` is bound once in a pino
 * child (serialised once, not per line), and below LOG_LEVEL=info no line object is built
 * at all. The same bytes as logRequest's line.
 */
export function createRequestLog(logger: Logger, now: MonotonicClock = defaultNow): RequestLog {
  const bound = logger.child({ msg: 'request' });
  return (line) => {
    if (!bound.isLevelEnabled('info')) return;
    bound.info(fields(line, now()));
  };
}

/**
 * Own endpoints' lines; GET /healthz is logged at debug: orchestrators probe it every few
 * seconds, and at the default LOG_LEVEL=info those lines would bury the traffic (issue #23).
 */
function ownEndpointLevel(url: string | undefined): 'info' | 'debug' {
  return pathOf(url) === '/healthz' ? 'debug' : 'info';
}

/**
 * Logs an own-endpoint request (Express) when its response closes; never counted. `user` gives
 * the name PROXY_AUTH authenticated, if any (issue #24).
 */
export function logWhenClosed(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  now: MonotonicClock = defaultNow,
  user: () => string | undefined = () => undefined,
): void {
  const startedAt = now();
  const level = ownEndpointLevel(req.url);
  res.once('close', () => {
    const line = {
      method: req.method,
      url: req.url,
      status: res.headersSent ? res.statusCode : 0,
      startedAt,
      code: res.writableFinished ? undefined : 'CLIENT_ABORTED',
      user: user(),
    } as const;
    logger[level]({ msg: 'request', ...fields(line, now()) });
  });
}
