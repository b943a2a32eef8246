/**
 * The only file that knows http-proxy-middleware (4.x, on httpxy). It uses their
 * public API only: options (`target`, `router`, `agent`, `selfHandleResponse`, `changeOrigin`,
 * `ejectPlugins`, `plugins`) and the proxy server's `on` events (`proxyReq`,
 * `proxyRes`, `error`, `econnreset`). What the rest of the proxy needs from it is
 * the small `UpstreamEvents` interface below.
 *
 * Jobs with no public hook, each done on our side and pinned by a test that fails
 * if an upgrade changes what we rely on:
 * - The token (and every field the proxy adds) is set on `req.headers` before the
 *   middleware runs, not in 'proxyReq': httpxy skips 'proxyReq' for a request whose
 *   outgoing headers carry `Expect` (issue #2). We drop Expect, but the token must not
 *   depend on that event. Pinned by conformance/expect-100-continue-carries-token.test.ts.
 * - The request-target is sent byte for byte: httpxy builds the path from `req.url`
 *   (it would turn `*` into `/*`, and `toProxy` prefixes a `/`), so 'proxyReq' sets
 *   the ClientRequest's documented `path` to ours before the head is written.
 *   Pinned by http-proxy-bridge.test.ts and conformance/options-asterisk-form.test.ts.
 * - httpxy's `deleteLength` pass adds `Content-Length: 0` to a bodyless DELETE/OPTIONS
 *   (its passes are private: `_webPasses`); 'proxyReq' removes it again, so the upstream
 *   sees the client's fields. Pinned by http-proxy-bridge.test.ts.
 * Kept on purpose: httpxy sends `Connection: close` upstream for a request that carries
 * Transfer-Encoding (its request-smuggling hardening). Node would still return that socket to
 * the pool when the upstream's answer does not say close; upstream-connection.ts makes the
 * request's `shouldKeepAlive` follow what we sent (issue #21, item 5). Pinned by
 * http-proxy-bridge.test.ts and the upstream-connection tests.
 *
 * - The upstream timeout: httpxy's `proxyTimeout` is a socket idle timer whose expiry
 *   surfaces as a plain "socket hang up" reset (no code to tell it from a real reset),
 *   and cannot ask for the response head within the timeout. upstream-timeout.ts runs
 *   our one timer and destroys the ClientRequest with a ProxyError instead.
 *   Pinned by conformance/upstream-slow-headers-504.test.ts.
 */
import http from 'node:http';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Plugin, RequestHandler } from 'http-proxy-middleware';
import type { HttpProxyTarget } from './resolve-target.js';

/**
 * Pool sizes: enough for a busy single upstream; idle sockets close after 4 s,
 * under the 5 s keep-alive timeout of Node and many servers, so we never write
 * to a socket the upstream is closing (ECONNRESET on reuse).
 */
export const AGENT_OPTIONS: http.AgentOptions = Object.freeze({
  keepAlive: true,
  keepAliveMsecs: 1000,
  maxSockets: 1024,
  maxFreeSockets: 256,
  timeout: 4000,
  scheduling: 'lifo',
});

/** One request as the bridge sends it: req.headers are already the upstream's. */
export interface UpstreamRequest {
  readonly target: HttpProxyTarget;
  /** The request-target sent upstream, exactly. */
  readonly path: string;
}

export interface UpstreamEvents {
  /** The upstream ClientRequest exists; its head is not written yet. */
  readonly request: (req: IncomingMessage, proxyReq: ClientRequest) => void;
  /** The upstream response head arrived; the bridge relays nothing itself (selfHandleResponse). */
  readonly response: (req: IncomingMessage, proxyRes: IncomingMessage, res: ServerResponse) => void;
  /** The upstream request failed, or the client's request errored while being forwarded. */
  readonly error: (req: IncomingMessage, err: unknown) => void;
  /** The middleware itself gave up (a bug, never an upstream failure). */
  readonly internal: (req: IncomingMessage, res: ServerResponse, err: unknown) => void;
}

export interface HttpProxyBridge {
  readonly send: (req: IncomingMessage, res: ServerResponse, upstream: UpstreamRequest) => void;
  /** Closes pooled upstream connections. */
  readonly destroy: () => void;
}

interface Pending extends UpstreamRequest {
  /** Whether our headers carried Content-Length (httpxy may add one). */
  readonly hadLength: boolean;
}

/**
 * The request's Pending, on the request itself under a symbol: a WeakMap entry per request
 * costs a hash insert and an ephemeron the GC must trace (issue #22).
 */
const kPending = Symbol('jwt-proxy.upstream-request');
interface WithPending {
  [kPending]?: Pending;
}

function pendingOf(req: IncomingMessage): Pending | undefined {
  return (req as WithPending)[kPending];
}

export interface BridgeOptions {
  /** UPSTREAM_MAX_SOCKETS, so the pool one origin may hold is a setting (issue #16). */
  readonly maxSockets?: number;
  /**
   * Origins known up front (UPSTREAM_URL): each gets a middleware with a fixed `target`, so
   * its requests skip the `router` call and its await (issue #22). Other targets (forward
   * mode) go through the router.
   */
  readonly fixedTargets?: readonly HttpProxyTarget[];
}

function sameOrigin(a: HttpProxyTarget, b: HttpProxyTarget): boolean {
  return a === b || (a.protocol === b.protocol && a.host === b.host && a.port === b.port && a.hostname === b.hostname && a.path === b.path);
}

export function createHttpProxyBridge(events: UpstreamEvents, pool: BridgeOptions = {}): HttpProxyBridge {
  function onProxyReq(proxyReq: ClientRequest, req: IncomingMessage): void {
    const sent = pendingOf(req);
    /* c8 ignore next */ if (sent === undefined) return;
    if (proxyReq.path !== sent.path) proxyReq.path = sent.path;
    if (!sent.hadLength && proxyReq.getHeader('content-length') !== undefined) proxyReq.removeHeader('content-length');
    events.request(req, proxyReq);
  }

  const plugin: Plugin = (proxyServer) => {
    proxyServer.on('proxyReq', onProxyReq);
    proxyServer.on('proxyRes', (proxyRes, req, res) => events.response(req, proxyRes, res));
    proxyServer.on('error', (err, req) => {
      if (req !== undefined) events.error(req, err);
    });
    // The client's socket is gone and the upstream reset: reported like any error.
    proxyServer.on('econnreset', (err, req) => events.error(req, err));
  };

  function middlewareFor(agent: http.Agent, target?: HttpProxyTarget): RequestHandler {
    return createProxyMiddleware({
      ...(target === undefined ? { router: (req: IncomingMessage) => (pendingOf(req) as Pending).target } : { target }),
      pathFilter: always,
      changeOrigin: true,
      xfwd: false,
      selfHandleResponse: true,
      ejectPlugins: true,
      plugins: [plugin],
      agent,
    });
  }

  const agentOptions = { ...AGENT_OPTIONS, maxSockets: pool.maxSockets ?? AGENT_OPTIONS.maxSockets };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const agentFor = (target: HttpProxyTarget): http.Agent => (target.protocol === 'https:' ? httpsAgent : httpAgent);
  const httpMiddleware = middlewareFor(httpAgent);
  const httpsMiddleware = middlewareFor(httpsAgent);
  const fixed = (pool.fixedTargets ?? []).map((target) => ({ target, middleware: middlewareFor(agentFor(target), target) }));

  function middlewareOf(target: HttpProxyTarget): RequestHandler {
    for (const entry of fixed) if (sameOrigin(entry.target, target)) return entry.middleware;
    return target.protocol === 'https:' ? httpsMiddleware : httpMiddleware;
  }

  return {
    send(req, res, upstream) {
      (req as WithPending)[kPending] = { target: upstream.target, path: upstream.path, hadLength: req.headers['content-length'] !== undefined };
      const middleware = middlewareOf(upstream.target);
      // `next` runs only when the middleware did not forward: with or without an error, a bug.
      void middleware(req, res, (err?: unknown) => events.internal(req, res, err));
    },
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function always(): boolean {
  return true;
}
