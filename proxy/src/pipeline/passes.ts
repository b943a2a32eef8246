/**
 * The forwarding pipeline: the order of the work is written down once, here, as
 * lists of small named passes (like httpxy's `webIncomingMiddleware` and
 * mock-upstream/src/verify.ts). Adding a pass is one line in one list.
 *
 * - The request passes run in order as the request arrives; a pass that answered the
 *   client returns true and the rest are skipped.
 * - The upstream-request passes run when http-proxy-middleware has made the upstream
 *   ClientRequest, before its head is written.
 * - The upstream's answer is relayed by response-relay.ts; its failures become
 *   502/504 in upstream-failure.ts.
 *
 * Each pass is built once per forwarder from the options it needs (`createX(options)`), so
 * the per-request Exchange carries per-request state only and no pass reads the whole config.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import { sendError } from '../http/errors.js';
import { allowedMethods } from '../http/max-forwards.js';
import type { Signer } from '../keys/signer.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import type { RequestCounter } from '../observe/request-counter.js';
import { createRequestCounter } from '../observe/request-counter.js';
import type { StatusCounter } from '../observe/status.js';
import { createAddToken } from './add-token.js';
import type { Authenticator } from '../auth/authenticator.js';
import { createPeerTrust } from '../auth/trusted-peers.js';
import { createAuthenticate, createTakeIdentityHeader } from './authenticate.js';
import { createLimitChunkedBody, createRefuseDeclaredBodyTooLarge } from './body-size.js';
import type { Timers } from '../observe/clock.js';
import { monotonicNow, systemTimers } from '../observe/clock.js';
import { createCountRequest } from './count-request.js';
import type { RequestPass, UpstreamRequestPass } from './exchange.js';
import { Exchange, attachExchange, exchangeOf } from './exchange.js';
import { refuseDuplicateHost, requireHost } from './host-checks.js';
import type { HttpProxyBridge, UpstreamEvents } from './http-proxy-bridge.js';
import { createHttpProxyBridge } from './http-proxy-bridge.js';
import { createAnswerMaxForwardsZero, createRefuseLoop, createRefuseTrace } from './loop-and-trace.js';
import { setOutcome } from './outcome.js';
import { refuseUnframeableBody, refuseUnframedBody } from './request-framing.js';
import type { ListenerIdentity } from './resolve-target.js';
import { reverseTarget } from './resolve-target.js';
import { createResolveUpstream } from './resolve-upstream.js';
import type { ResponseRelay } from './response-relay.js';
import { createResponseRelay, relayInterimResponses } from './response-relay.js';
import { closeUpgradeConnection } from './upgrade.js';
import { createUploadAdmission } from './upload-admission.js';
import { createEnforceUploadRate } from './upload-rate.js';
import { answerUpstreamFailure } from './upstream-failure.js';
import { neverReuseClosedConnection } from './upstream-connection.js';
import { createUpstreamHeaders } from './upstream-headers.js';
import type { UpstreamTimeout } from './upstream-timeout.js';
import { createUpstreamTimeout } from './upstream-timeout.js';

export type { RequestPass, UpstreamRequestPass } from './exchange.js';

export interface ForwarderDeps {
  readonly config: ProxyConfig;
  readonly sign: Signer;
  readonly metrics: ProxyMetrics;
  readonly status: StatusCounter;
  readonly logger: Logger;
  /** Where the server listens (for loop detection); undefined before listen. */
  readonly listener: () => ListenerIdentity | undefined;
  /** True while draining: responses close their connection. */
  readonly isClosing: () => boolean;
  /** Called after each forwarded response closes. */
  readonly onRequestDone: () => void;
  /** Monotonic milliseconds: durations, upstream latency, the upload-rate deadline. Default performance.now. */
  readonly now?: () => number;
  /** The upstream timeout's and the upload rate's timers. Default Node's setTimeout/clearTimeout. */
  readonly timers?: Timers;
  /** PROXY_AUTH's methods (issue #24); undefined without PROXY_AUTH: nobody is authenticated. */
  readonly authenticator?: Authenticator;
}

/** What the request passes are built from: the deps with their defaults, and what is built once per forwarder. */
export interface PassOptions extends ForwarderDeps {
  readonly now: () => number;
  readonly timers: Timers;
  readonly counter: RequestCounter;
  readonly upstreamTimeout: UpstreamTimeout;
  readonly bridge: HttpProxyBridge;
}

/** The request passes, in order. */
export function createRequestPasses(options: PassOptions): readonly RequestPass[] {
  const { config, upstreamTimeout } = options;
  const { proxyName, allowTrace, trustForwarded, signedMethods } = config;
  const tokenHeader = config.token.header;
  // The `Allow` value for TRACE/OPTIONS answers and 405s.
  const allow = allowedMethods(config.allowTrace);
  const token = { header: tokenHeader, signedMethods, sign: options.sign, tokensSigned: options.metrics.tokensSigned };
  const send = createSendUpstream(options.bridge);
  const auth = createAuthPasses(options, (exchange) => runRequestPasses(exchange, afterAuth));
  const passes = Object.freeze([
    createCountRequest(options), //                        count-request.ts: counted and logged when the response closes
    ...auth.first, //                                      authenticate.ts: PROXY_IDENTITY_HEADER out (kept from trusted peers)
    refuseDuplicateHost, //                                host-checks.ts: 400 DUPLICATE_HOST
    requireHost, //                                        host-checks.ts: 400 BAD_REQUEST (HTTP/1.1 without Host)
    refuseUnframeableBody, //                              request-framing.ts: 501/400 for codings but chunked, HTTP/1.0 + TE
    closeUpgradeConnection, //                             upgrade.ts: an Upgrade is answered, then its connection closes
    createResolveUpstream(config, options.listener), //    resolve-upstream.ts: reverse or forward target; 400/403/508
    ...auth.check, //                                      authenticate.ts: PROXY_AUTH; 401/407/403/429/503, never signed
    createRefuseLoop(config), //                           loop-and-trace.ts: 508 LOOP_DETECTED (Via names us)
    createRefuseTrace({ allowTrace, allow }), //           loop-and-trace.ts: 405 TRACE_NOT_ALLOWED
    createAnswerMaxForwardsZero({ proxyName, allow, tokenHeader }), // loop-and-trace.ts: 200 for TRACE/OPTIONS, Max-Forwards: 0
    createRefuseDeclaredBodyTooLarge(config), //           body-size.ts: 413 PAYLOAD_TOO_LARGE
    createUpstreamHeaders({ tokenHeader, proxyName, trustForwarded, proto: config.tls === undefined ? 'http' : 'https' }), // upstream-headers.ts: hop-by-hop out, X-Forwarded/Via in
    createAddToken(token), //                              add-token.ts: the token, for JWT_METHODS
    upstreamTimeout.arm, //                                upstream-timeout.ts: 504 UPSTREAM_TIMEOUT
    createEnforceUploadRate(config.limits, options), //    upload-rate.ts: 408 BODY_TOO_SLOW below MIN_BODY_RATE_BPS
    createUploadAdmission(config.limits, send).admit, //   upload-admission.ts: an unfinished body waits for its share of the pool
    send, //                                               http-proxy-bridge.ts: http-proxy-middleware streams it
  ]);
  const afterAuth = auth.check.length === 0 ? [] : passes.slice(passes.indexOf(auth.check[0] as RequestPass) + 1);
  return passes;
}

/** The authentication passes, empty without PROXY_AUTH (the pass list is then as before issue #24). */
function createAuthPasses(
  options: PassOptions,
  resume: (exchange: Exchange) => void,
): { readonly first: readonly RequestPass[]; readonly check: readonly RequestPass[] } {
  const { authenticator } = options;
  const auth = options.config.auth;
  if (authenticator === undefined || auth === undefined) return { first: [], check: [] };
  const header = auth.identityHeader;
  const first = header === undefined ? [] : [createTakeIdentityHeader(header, createPeerTrust(auth.trustedPeers))];
  return { first, check: [createAuthenticate({ authenticator, resume })] };
}

/** The upstream-request passes, in order. */
export function createUpstreamRequestPasses(options: {
  readonly config: ProxyConfig;
  readonly upstreamTimeout: UpstreamTimeout;
}): readonly UpstreamRequestPass[] {
  return Object.freeze([
    adoptUpstreamRequest, //                               abandon it if the client was already answered
    refuseUnframedBody, //                                 request-framing.ts: no body byte goes out unframed
    neverReuseClosedConnection, //                         upstream-connection.ts: sent Connection: close → socket not pooled
    options.upstreamTimeout.watch, //                      upstream-timeout.ts: the whole timeout for the head once sent
    relayInterimResponses, //                              response-relay.ts: 102/103
    createLimitChunkedBody(options.config), //             body-size.ts: 413 for a chunked body past MAX_BODY_BYTES
  ]);
}

function createSendUpstream(bridge: HttpProxyBridge): RequestPass {
  return (exchange) => {
    const resolved = exchange.resolved;
    /* c8 ignore next */ if (resolved === undefined) return false;
    bridge.send(exchange.req, exchange.res, { target: resolved.target, path: resolved.path });
    return false;
  };
}

function adoptUpstreamRequest(exchange: Exchange, proxyReq: ClientRequest): void {
  exchange.proxyReq = proxyReq;
  // Answered while it waited for a socket (e.g. our timeout): it must not go out.
  if (exchange.res.writableEnded || exchange.res.destroyed) proxyReq.destroy();
}

/** Runs the request passes in order until one answers. */
export function runRequestPasses(exchange: Exchange, passes: readonly RequestPass[]): void {
  for (const pass of passes) {
    if (pass(exchange)) return;
  }
}

/** http-proxy-middleware's events, routed to the exchange they belong to. */
function bridgeEvents(options: {
  readonly upstreamRequestPasses: readonly UpstreamRequestPass[];
  readonly relay: ResponseRelay;
  readonly upstreamTimeout: UpstreamTimeout;
  readonly logger: Logger;
}): UpstreamEvents {
  const { upstreamRequestPasses, relay, upstreamTimeout, logger } = options;
  return {
    request: (req, proxyReq) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined) return;
      for (const pass of upstreamRequestPasses) pass(exchange, proxyReq);
    },
    response: (req, proxyRes, res) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined) proxyRes.destroy();
      else relay(exchange, proxyRes, res);
    },
    error: (req, err) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined) return;
      upstreamTimeout.stop(exchange);
      answerUpstreamFailure(exchange, err);
    },
    internal: (req, res, err) => {
      const exchange = exchangeOf(req);
      if (exchange !== undefined && setOutcome(exchange, 'INTERNAL_ERROR') !== 'INTERNAL_ERROR') return;
      logger.error({ msg: 'forwarding failed', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'INTERNAL_ERROR');
    },
  };
}

export interface Forwarder {
  /** The pipeline entry: (req, res) straight from the http.Server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Closes pooled upstream connections. */
  readonly destroy: () => void;
}

export function createForwarder(deps: ForwarderDeps): Forwarder {
  const { config, metrics, logger } = deps;
  const now = deps.now ?? monotonicNow;
  const timers = deps.timers ?? systemTimers;
  const upstreamTimeout = createUpstreamTimeout({ timeoutMs: config.upstreamTimeoutMs, timers });
  const upstreamRequestPasses = createUpstreamRequestPasses({ config, upstreamTimeout });
  const relay = createResponseRelay({
    proxyName: config.proxyName,
    isClosing: deps.isClosing,
    upstreamLatency: metrics.upstreamLatency,
    logger,
    now,
    upstreamTimeout,
  });
  const bridge = createHttpProxyBridge(bridgeEvents({ upstreamRequestPasses, relay, upstreamTimeout, logger }), {
    maxSockets: config.limits.upstreamMaxSockets,
    fixedTargets: [reverseTarget(config.upstream)],
  });
  const counter = createRequestCounter(metrics, deps.status);
  const requestPasses = createRequestPasses({ ...deps, now, timers, counter, upstreamTimeout, bridge });
  return {
    handle(req, res) {
      const exchange = new Exchange(now(), req, res);
      attachExchange(req, exchange);
      runRequestPasses(exchange, requestPasses);
    },
    destroy: () => bridge.destroy(),
  };
}
