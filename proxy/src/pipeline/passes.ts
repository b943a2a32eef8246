/**
 * The forwarding pipeline: the order of the work is written down once, here, as
 * lists of small named passes (like httpxy's `webIncomingMiddleware` and
 * mock-upstream/src/verify.ts). Adding a pass is one line in one list.
 *
 * - REQUEST_PASSES run in order as the request arrives; a pass that answered the
 *   client returns true and the rest are skipped.
 * - UPSTREAM_REQUEST_PASSES run when http-proxy-middleware has made the upstream
 *   ClientRequest, before its head is written.
 * - The upstream's answer is relayed by response-relay.ts; its failures become
 *   502/504 in upstream-failure.ts.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import { sendError } from '../http/errors.js';
import type { PipelineContext } from './exchange.js';
import { Exchange, attachExchange, exchangeOf } from './exchange.js';
import type { ListenerIdentity } from './resolve-target.js';
import { reverseTarget } from './resolve-target.js';
import {
  answerMaxForwardsZero,
  limitChunkedBody,
  refuseDeclaredBodyTooLarge,
  refuseDuplicateHost,
  refuseLoop,
  refuseTrace,
  requireHost,
  resolveUpstream,
} from './request-checks.js';
import { createHttpProxyBridge } from './http-proxy-bridge.js';
import { closeUpgradeConnection } from './upgrade.js';
import { refuseUnframeableBody, refuseUnframedBody } from './request-framing.js';
import { enforceUploadRate } from './upload-rate.js';
import { allowedMethods } from '../http/max-forwards.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import { createRequestCounter } from '../observe/request-counter.js';
import { countRequest } from './count-request.js';
import { setOutcome } from './outcome.js';
import { relayInterimResponses, relayResponseHead } from './response-relay.js';
import type { StatusCounter } from '../observe/status.js';
import type { Signer } from '../keys/signer.js';
import { answerUpstreamFailure } from './upstream-failure.js';
import { buildUpstreamHeaders, droppedRequestFields } from './upstream-headers.js';
import { armUpstreamTimeout, watchUpstreamRequest } from './upstream-timeout.js';

/** A request pass: true when it answered the client (the pipeline stops there). */
export type RequestPass = (exchange: Exchange) => boolean;
/** An upstream-request pass: the ClientRequest exists, its head is not written yet. */
export type UpstreamRequestPass = (exchange: Exchange, proxyReq: ClientRequest) => void;

export const REQUEST_PASSES: readonly RequestPass[] = [
  countRequest, //               count-request.ts: counted and logged when the response closes
  refuseDuplicateHost, //        400 DUPLICATE_HOST
  requireHost, //                400 BAD_REQUEST (HTTP/1.1 without Host)
  refuseUnframeableBody, //      request-framing.ts: 501/400 for codings but chunked, HTTP/1.0 + TE
  closeUpgradeConnection, //     pipelining.ts: an Upgrade is answered, then its connection closes
  resolveUpstream, //            reverse or forward target; 400/403/508
  refuseLoop, //                 508 LOOP_DETECTED (Via names us)
  refuseTrace, //                405 TRACE_NOT_ALLOWED
  answerMaxForwardsZero, //      200 from the proxy for TRACE/OPTIONS with Max-Forwards: 0
  refuseDeclaredBodyTooLarge, // 413 PAYLOAD_TOO_LARGE
  buildUpstreamHeaders, //       upstream-headers.ts: hop-by-hop out, X-Forwarded/Via and the token in
  armUpstreamTimeout, //         upstream-timeout.ts: 504 UPSTREAM_TIMEOUT
  enforceUploadRate, //          upload-rate.ts: 408 BODY_TOO_SLOW below MIN_BODY_RATE_BPS
  sendUpstream, //               http-proxy-bridge.ts: http-proxy-middleware streams it
];

export const UPSTREAM_REQUEST_PASSES: readonly UpstreamRequestPass[] = [
  adoptUpstreamRequest, //       abandon it if the client was already answered
  refuseUnframedBody, //         request-framing.ts: no body byte goes out unframed
  watchUpstreamRequest, //       upstream-timeout.ts
  relayInterimResponses, //      response-relay.ts: 102/103
  limitChunkedBody, //           guards.ts: 413 for a chunked body past MAX_BODY_BYTES
];

function sendUpstream(exchange: Exchange): boolean {
  exchange.ctx.sendUpstream(exchange);
  return false;
}

function adoptUpstreamRequest(exchange: Exchange, proxyReq: ClientRequest): void {
  exchange.proxyReq = proxyReq;
  // Answered while it waited for a socket (e.g. our timeout): it must not go out.
  if (exchange.res.writableEnded || exchange.res.destroyed) proxyReq.destroy();
}

/** Runs the request passes in order until one answers. */
export function runRequestPasses(exchange: Exchange, passes: readonly RequestPass[] = REQUEST_PASSES): void {
  for (const pass of passes) {
    if (pass(exchange)) return;
  }
}

export interface ForwarderDeps {
  readonly config: ProxyConfig;
  readonly sign: Signer;
  readonly metrics: ProxyMetrics;
  readonly status: StatusCounter;
  readonly logger: Logger;
  readonly listener: () => ListenerIdentity | undefined;
  readonly isClosing: () => boolean;
  readonly onRequestDone: () => void;
}

export interface Forwarder {
  /** The pipeline entry: (req, res) straight from the http.Server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Closes pooled upstream connections. */
  readonly destroy: () => void;
}

export function createForwarder(deps: ForwarderDeps): Forwarder {
  const bridge = createHttpProxyBridge({
    request: (req, proxyReq) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined) return;
      for (const pass of UPSTREAM_REQUEST_PASSES) pass(exchange, proxyReq);
    },
    response: (req, proxyRes, res) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined) proxyRes.destroy();
      else relayResponseHead(exchange, proxyRes, res);
    },
    error: (req, err) => {
      const exchange = exchangeOf(req);
      if (exchange !== undefined) answerUpstreamFailure(exchange, err);
    },
    internal: (req, res, err) => {
      const exchange = exchangeOf(req);
      if (exchange !== undefined && setOutcome(exchange, 'INTERNAL_ERROR') !== 'INTERNAL_ERROR') return;
      deps.logger.error({ msg: 'forwarding failed', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'INTERNAL_ERROR');
    },
  }, { maxSockets: deps.config.limits.upstreamMaxSockets });
  const ctx: PipelineContext = {
    ...deps,
    counter: createRequestCounter(deps.metrics, deps.status),
    reverse: reverseTarget(deps.config.upstream),
    allow: allowedMethods(deps.config.allowTrace),
    dropped: droppedRequestFields(deps.config.token.header),
    sendUpstream: (exchange) => {
      const resolved = exchange.resolved;
      /* c8 ignore next */ if (resolved === undefined) return;
      bridge.send(exchange.req, exchange.res, { target: resolved.target, path: resolved.path });
    },
  };
  return {
    handle(req, res) {
      const exchange = new Exchange(performance.now(), req, res, ctx);
      attachExchange(req, exchange);
      runRequestPasses(exchange);
    },
    destroy: () => bridge.destroy(),
  };
}
