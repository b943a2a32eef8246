/**
 * createApp builds the proxy and never listens (main.ts does). The server's
 * 'request' listener dispatches once: origin-form GET/HEAD of /status, /healthz
 * and /metrics go to the Express app; everything else goes straight to the
 * forwarding pipeline, not through Express's router (issue #7: the router and
 * its per-request work cost a third of the throughput).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ProxyConfig } from './config.js';
import { limitConnections } from './connection-limits.js';
import { sendError } from './errors.js';
import { createForwarder } from './forward.js';
import type { ListenerIdentity } from './forward-target.js';
import { localAddresses } from './forward-target.js';
import { PARSER_HEADER_LINES, tooManyHeaderLines } from './header-count.js';
import { allowedMethods } from './intermediary.js';
import type { ProxyMetrics } from './metrics.js';
import { createMetrics } from './metrics.js';
import { declaredBodyTooLarge, handleClientError, refuseConnect, refuseExpectation } from './request-guard.js';
import type { ClusterStatus, StatusSnapshot } from './status.js';
import { StatusCounter, statusHtml } from './status.js';
import { createSigner } from './token.js';
import { KeyRing } from './key-ring.js';
import { createKeyReloader } from './key-reload.js';
import type { KeyReloader } from './key-reload.js';
import { JWKS_PATH, createJwksResponder } from './jwks.js';
import { setSigningKey } from './metrics.js';

/** How /status and /metrics see the whole proxy: this process alone, or the cluster via the primary. */
export interface StatusSources {
  readonly status: (local: StatusSnapshot) => Promise<StatusSnapshot | ClusterStatus>;
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
}

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

const OWN_ENDPOINTS: ReadonlySet<string> = new Set(['/status', '/healthz', '/metrics', JWKS_PATH]);

/** True for origin-form GET/HEAD requests to the proxy's own endpoints. */
export function isOwnEndpoint(method: string | undefined, url: string | undefined): boolean {
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || url.charCodeAt(0) !== 47) return false;
  const q = url.indexOf('?');
  return OWN_ENDPOINTS.has(q === -1 ? url : url.slice(0, q));
}

export function createApp(deps: AppDeps): ProxyApp {
  const { config, now, randomId, logger } = deps;
  const status = new StatusCounter(now);
  const metrics = createMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const ring = new KeyRing(config.keys);
  setSigningKey(metrics, ring.current.kid, ring.current.alg);
  const sign = createSigner({ keys: ring, user: config.user, profile: config.profile, now, randomId });
  const sources: StatusSources = deps.sources ?? {
    status: async (local) => local,
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  };

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
  const caps = limitConnections(server, config.limits, (reason) => metrics.connectionsRefused.labels({ reason }).inc());

  let closing = false;
  let listener: ListenerIdentity | undefined;
  server.on('listening', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      listener = { port: address.port, addresses: localAddresses(address.address) };
    }
  });

  const forwarder = createForwarder({
    config,
    sign,
    metrics,
    status,
    logger,
    listener: () => listener,
    isClosing: () => closing,
    onRequestDone: () => {
      if (closing) setImmediate(closeIdle);
    },
  });
  function closeIdle(): void {
    server.closeIdleConnections();
  }

  const own = express();
  own.disable('x-powered-by');
  own.set('etag', false);
  own.get('/healthz', (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  own.get('/status', async (req: Request, res: Response) => {
    try {
      const body = await sources.status(status.snapshot());
      res.set('cache-control', 'no-store');
      if (req.accepts(['application/json', 'text/html']) === 'text/html') {
        res.type('html').send(statusHtml(body));
      } else {
        res.json(body);
      }
    } catch (err) {
      logger.warn({ msg: 'status unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });
  own.get('/metrics', async (_req: Request, res: Response) => {
    try {
      const { contentType, body } = await sources.metrics();
      res.set('cache-control', 'no-store').type(contentType).send(body);
    } catch (err) {
      logger.warn({ msg: 'metrics unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });

  const jwks = createJwksResponder(() => ring.keys);
  own.get(JWKS_PATH, (_req: Request, res: Response) => jwks(res));

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    // A connection over a cap is being answered 503 already; its requests are never read further.
    if (caps.isRefused(req.socket)) return;
    if (tooManyHeaderLines(req.rawHeaders)) {
      logger.info({ msg: 'request', method: req.method, status: 431, code: 'HEADERS_TOO_LARGE' });
      sendError(res, 'HEADERS_TOO_LARGE', { close: true });
      return;
    }
    // llhttp accepts `HTTP/2.0` in a request line; that is neither HTTP/2 nor HTTP/1.x,
    // and forwarding it would claim `Via: 2.0` (RFC 9112 §2.3, RFC 9110 §15.6.6).
    if (req.httpVersionMajor !== 1) {
      logger.info({ msg: 'request', method: req.method, url: req.url, status: 505, code: 'HTTP_VERSION_NOT_SUPPORTED' });
      sendError(res, 'HTTP_VERSION_NOT_SUPPORTED', { close: true });
      return;
    }
    if (isOwnEndpoint(req.method, req.url) && (req.headers.host !== undefined || req.httpVersionMinor === 0)) {
      if (closing) res.setHeader('connection', 'close');
      own(req as Request, res as Response);
      return;
    }
    forwarder.handle(req, res);
  }

  server.on('request', dispatch);
  // With a listener Node no longer sends `100 Continue` itself: a body over
  // MAX_BODY_BYTES is refused before the client uploads it (RFC 9110 §10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (caps.isRefused(req.socket) || tooManyHeaderLines(req.rawHeaders)) {
      dispatch(req, res);
      return;
    }
    if (!isOwnEndpoint(req.method, req.url) && declaredBodyTooLarge(req.headers, config.maxBodyBytes)) {
      forwarder.handle(req, res);
      return;
    }
    res.writeContinue();
    dispatch(req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    if (!caps.isRefused(req.socket)) refuseExpectation(res);
  });
  const allow = allowedMethods(config.allowTrace);
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    if (caps.isRefused(req.socket)) return;
    logger.info({ msg: 'request', method: req.method, url: req.url, status: 405, code: 'CONNECT_NOT_SUPPORTED' });
    refuseConnect(socket, allow);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const code = handleClientError(err, socket);
    logger.debug({ msg: 'client error', code: code ?? err.code });
  });

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
