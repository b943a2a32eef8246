/**
 * createApp builds the proxy and never listens (main.ts does). The server's
 * 'request' listener dispatches once: origin-form GET/HEAD of /status, /healthz
 * and /metrics go to the Express app (own-endpoints.ts); everything else goes
 * straight to the forwarding pipeline (pipeline.ts), not through Express's router
 * (issue #7: the router and its per-request work cost a third of the throughput).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ProxyConfig } from './config/config.js';
import { limitConnections } from './server/connection-limits.js';
import type { ServerConnectionLimits } from './server/connection-limits.js';
import { sendError } from './http/errors.js';
import type { ListenerIdentity } from './pipeline/resolve-target.js';
import { localAddresses } from './pipeline/resolve-target.js';
import { PARSER_HEADER_LINES, tooManyHeaderLines } from './http/header-count.js';
import { allowedMethods } from './http/max-forwards.js';
import type { ProxyMetrics } from './observe/metrics.js';
import { createMetrics, setSigningKey } from './observe/metrics.js';
import { logRequest, logWhenClosed } from './observe/request-log.js';
import { createOwnEndpoints, isOwnEndpoint } from './server/own-endpoints.js';
import { trackResponse } from './server/pipelining.js';
import type { StatusSources } from './server/own-endpoints.js';
import type { Forwarder } from './pipeline/passes.js';
import { createForwarder } from './pipeline/passes.js';
import type { Timers } from './pipeline/clock.js';
import { declaredBodyTooLarge } from './http/request-head.js';
import { handleClientError, refuseConnect } from './server/client-errors.js';
import { StatusCounter } from './observe/status.js';
import { KeyRing } from './keys/key-ring.js';
import { createKeyReloader } from './keys/key-reload.js';
import type { KeyReloader } from './keys/key-reload.js';
import { createSigner } from './keys/signer.js';


export interface AppDeps {
  readonly config: ProxyConfig;
  /** Epoch milliseconds (token iat, startedAt, uptime). */
  readonly now: () => number;
  /** Token nonce: crypto.randomUUID in production, a counter in tests. */
  readonly randomId: () => string;
  readonly logger: Logger;
  /** Cluster workers pass sources that ask the primary; default: this process. */
  readonly sources?: StatusSources;
  /** prom-client's process metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** The forwarder's monotonic clock (durations, the upload-rate deadline); default performance.now. */
  readonly monotonicNow?: () => number;
  /** The forwarder's timers (upstream timeout, upload rate); default Node's setTimeout/clearTimeout. */
  readonly timers?: Timers;
}

export interface ProxyApp {
  readonly server: http.Server;
  readonly status: StatusCounter;
  readonly metrics: ProxyMetrics;
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then cuts the rest. */
  readonly close: (graceMs: number) => Promise<void>;
  /** Re-reads JWT_KEYS_FILE (SIGHUP); a bad file keeps the old keys (issue #12). */
  readonly reloadKeys: KeyReloader;
}

function createServer(config: ProxyConfig): http.Server {
  const server = http.createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // How often Node checks headersTimeout/requestTimeout (default 30 s: too coarse for slowloris).
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    // Checked in the pipeline instead, so the 400 carries our JSON error body.
    requireHostHeader: false,
  });
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Issue #16: over MAX_HEADER_LINES is 431 whatever the runtime's parser does (header-count.ts).
  server.maxHeadersCount = PARSER_HEADER_LINES;
  return server;
}

/** Where the server listens, for loop detection; undefined before 'listening'. */
function trackListener(server: http.Server): () => ListenerIdentity | undefined {
  let listener: ListenerIdentity | undefined;
  server.on('listening', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      listener = { port: address.port, addresses: localAddresses(address.address) };
    }
  });
  return () => listener;
}

/** The server-level listeners besides 'request': 100-continue, other expectations, CONNECT, parse errors. */
function listenForEdgeCases(
  server: http.Server,
  deps: {
    config: ProxyConfig;
    logger: Logger;
    forwarder: Forwarder;
    caps: ServerConnectionLimits;
    dispatch: (req: IncomingMessage, res: ServerResponse) => void;
  },
): void {
  const { config, logger, forwarder, caps, dispatch } = deps;
  // With a listener Node no longer sends `100 Continue` itself: a body over
  // MAX_BODY_BYTES is refused before the client uploads it (RFC 9110 §10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!isOwnEndpoint(req.method, req.url) && declaredBodyTooLarge(req.headers, config.maxBodyBytes)) {
      forwarder.handle(req, res);
      return;
    }
    res.writeContinue();
    dispatch(req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    if (!caps.isRefused(req.socket)) sendError(res, 'EXPECTATION_FAILED');
  });
  const allow = allowedMethods(config.allowTrace);
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    if (caps.isRefused(req.socket)) return;
    logRequest(logger, { method: req.method, url: req.url, status: 405, code: 'CONNECT_NOT_SUPPORTED' });
    refuseConnect(socket, allow);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const code = handleClientError(err, socket);
    logger.debug({ msg: 'client error', code: code ?? err.code });
  });
}

/** The server's one 'request' listener: refusals that precede everything, the own endpoints, or the pipeline. */
function createDispatch(deps: {
  logger: Logger;
  caps: ServerConnectionLimits;
  forwarder: Forwarder;
  own: Express;
  isClosing: () => boolean;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, caps, forwarder, own } = deps;
  return (req, res) => {
    // A connection over a cap is being answered 503 already; its requests are never read further.
    if (caps.isRefused(req.socket)) return;
    trackResponse(req, res);
    if (tooManyHeaderLines(req.rawHeaders)) {
      logRequest(logger, { method: req.method, url: req.url, status: 431, code: 'HEADERS_TOO_LARGE' });
      sendError(res, 'HEADERS_TOO_LARGE');
      return;
    }
    // llhttp accepts `HTTP/2.0` in a request line; that is neither HTTP/2 nor HTTP/1.x,
    // and forwarding it would claim `Via: 2.0` (RFC 9112 §2.3, RFC 9110 §15.6.6).
    if (req.httpVersionMajor !== 1) {
      logRequest(logger, { method: req.method, url: req.url, status: 505, code: 'HTTP_VERSION_NOT_SUPPORTED' });
      sendError(res, 'HTTP_VERSION_NOT_SUPPORTED');
      return;
    }
    if (isOwnEndpoint(req.method, req.url) && (req.headers.host !== undefined || req.httpVersionMinor === 0)) {
      if (deps.isClosing()) res.setHeader('connection', 'close');
      logWhenClosed(logger, req, res);
      own(req as Request, res as Response);
      return;
    }
    forwarder.handle(req, res);
  };
}

export function createApp(deps: AppDeps): ProxyApp {
  const { config, now, randomId, logger } = deps;
  const status = new StatusCounter(now);
  const metrics = createMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const ring = new KeyRing(config.keys);
  setSigningKey(metrics, ring.current.kid, ring.current.alg);
  const sources: StatusSources = deps.sources ?? {
    status: async (local) => local,
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  };
  const server = createServer(config);
  let closing = false;
  const closeIdle = (): void => server.closeIdleConnections();
  const forwarder = createForwarder({
    config,
    sign: createSigner({ keys: ring, user: config.user, profile: config.profile, now, randomId }),
    metrics,
    status,
    logger,
    listener: trackListener(server),
    isClosing: () => closing,
    onRequestDone: () => {
      if (closing) setImmediate(closeIdle);
    },
    now: deps.monotonicNow,
    timers: deps.timers,
  });
  const caps = limitConnections(server, config.limits, (reason) => metrics.connectionsRefused.labels({ reason }).inc());
  const dispatch = createDispatch({
    logger,
    caps,
    forwarder,
    own: createOwnEndpoints({ status, sources, logger, ring }),
    isClosing: () => closing,
  });
  server.on('request', dispatch);
  listenForEdgeCases(server, { config, logger, forwarder, caps, dispatch });

  async function close(graceMs: number): Promise<void> {
    closing = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
    forwarder.destroy();
  }

  return { server, status, metrics, close, reloadKeys: createKeyReloader(ring, metrics, logger) };
}
