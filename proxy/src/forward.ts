/**
 * The forwarding pipeline. The order of the passes is written down once, in
 * `handle`:
 *
 *   1. count the request (answered when its response closes, whatever happens);
 *   2. guards: duplicate Host, request-target, Via loop, TRACE, Max-Forwards, body size;
 *   3. headers, in place on req.headers: drop Expect (answered here), strip
 *      hop-by-hop, strip the client's token, re-frame a chunked body, then add
 *      X-Forwarded-*, Forwarded, Via and our one token;
 *   4. http-proxy-middleware streams the request and response.
 *
 * Headers are set on req.headers BEFORE the middleware runs: http-proxy skips
 * its `proxyReq` event for requests with `Expect` (issue #2), so anything set
 * only there can be silently lost. The upstream ClientRequest is adopted
 * synchronously from the agent (see `adoptUpstreamRequest`) to fix its path,
 * arm the upstream timeout and abort it when the client goes away.
 */
import http from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { RequestHandler } from 'http-proxy-middleware';
import type { ProxyConfig } from './config.js';
import type { ProxyErrorCode } from './errors.js';
import { sendError, statusForUpstreamError } from './errors.js';
import type { HttpProxyTarget, ListenerIdentity } from './forward-target.js';
import { resolveTarget, reverseTarget } from './forward-target.js';
import { endToEndCopy, stripHopByHop } from './hop-by-hop.js';
import {
  allowedMethods,
  appendVia,
  applyForwardedHeaders,
  maxForwards,
  traceEcho,
  viaContains,
  viaEntry,
} from './intermediary.js';
import type { ProxyMetrics } from './metrics.js';
import { methodLabel } from './metrics.js';
import { declaredBodyTooLarge, hasDuplicateHost } from './request-guard.js';
import type { StatusCounter } from './status.js';
import type { Signer } from './token.js';

/** Codes that appear only in logs: nothing is sent (the client is gone). */
export type LogOnlyCode = 'CLIENT_ABORTED';

/** Per-request state, one object per forwarded request. */
class RequestState {
  readonly startedAt: number;
  readonly res: ServerResponse;
  upstreamAt = -1;
  code: ProxyErrorCode | LogOnlyCode | undefined = undefined;
  target: HttpProxyTarget | undefined = undefined;
  path = '';
  proxyReq: ClientRequest | undefined = undefined;
  /** The one upstream timer: see `onWatchdog`. */
  watchdog: NodeJS.Timeout | undefined = undefined;
  /** Upstream socket bytes (read + written) at the watchdog's last look. */
  progress = 0;
  timedOut = false;
  /** The proxy already answered (e.g. 413 mid-stream): upstream errors that follow are expected. */
  answered = false;
  bodyBytes = 0;
  limitBody = false;

  constructor(startedAt: number, res: ServerResponse) {
    this.startedAt = startedAt;
    this.res = res;
  }
}

const kState = Symbol('jwt-proxy.state');
interface WithState {
  [kState]?: RequestState;
}

function stateOf(target: object): RequestState | undefined {
  return (target as WithState)[kState];
}

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
  /** Called after each forwarded response closes (the app closes idle connections while draining). */
  readonly onRequestDone: () => void;
}

export interface Forwarder {
  /** The pipeline entry: (req, res) straight from the http.Server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Closes pooled upstream connections. */
  readonly destroy: () => void;
}

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

type AddRequest = (req: ClientRequest, options: unknown) => void;

/**
 * The incoming request whose upstream ClientRequest is being constructed right now.
 * http-proxy emits 'start', builds the options and calls http.request, whose
 * constructor calls agent.addRequest, all in one synchronous run: between the
 * 'start' event and addRequest no other request can interleave.
 */
let constructing: IncomingMessage | undefined;

export function createForwarder(deps: ForwarderDeps): Forwarder {
  const { config, sign, metrics, status, logger } = deps;
  const tokenHeader = config.token.header;
  const proxyName = config.proxyName;
  const maxBodyBytes = config.maxBodyBytes;
  const upstreamTimeoutMs = config.upstreamTimeoutMs;
  const reverse = reverseTarget(config.upstream);
  const allow = allowedMethods(config.allowTrace);
  const dropped: ReadonlySet<string> = new Set([tokenHeader, 'expect']);

  // prom-client hashes the label object on every inc(); the children are cached instead.
  const counters = new Map<string, { inc(): void }>();
  function requestCounter(method: string | undefined, statusCode: number): { inc(): void } {
    const label = methodLabel(method);
    const key = `${label} ${statusCode}`;
    let child = counters.get(key);
    if (child === undefined) {
      child = metrics.requests.labels({ method: label, status: statusCode });
      counters.set(key, child);
    }
    return child;
  }

  const httpAgent = new http.Agent(AGENT_OPTIONS);
  const httpsAgent = new https.Agent(AGENT_OPTIONS);
  for (const agent of [httpAgent, httpsAgent]) {
    const original = (agent as unknown as { addRequest: AddRequest }).addRequest;
    (agent as unknown as { addRequest: AddRequest }).addRequest = function addRequest(clientReq, options) {
      adoptUpstreamRequest(clientReq);
      original.call(this, clientReq, options);
    };
  }

  function adoptUpstreamRequest(clientReq: ClientRequest): void {
    const incoming = constructing;
    constructing = undefined;
    if (incoming === undefined) return;
    const state = stateOf(incoming);
    if (state === undefined) return;
    // http-proxy joins paths with url.parse and collapses '//' (and rewrites 'http:/');
    // the request line must carry the client's bytes unchanged (issue #2).
    clientReq.path = state.path;
    state.proxyReq = clientReq;
    (clientReq as WithState)[kState] = state;
    // One timer per request, no socket timers (each costs two re-arms per request): see onWatchdog.
    state.watchdog = setTimeout(onWatchdog, upstreamTimeoutMs, clientReq);
    clientReq.on('finish', onRequestSent);
    clientReq.on('information', onInformation);
    if (state.limitBody) incoming.on('data', onBodyData);
  }

  /** The request is fully sent: the upstream now has UPSTREAM_TIMEOUT_MS to start its answer. */
  function onRequestSent(this: ClientRequest): void {
    const state = stateOf(this);
    if (state?.watchdog !== undefined && state.upstreamAt < 0) state.watchdog.refresh();
  }

  function socketProgress(clientReq: ClientRequest): number {
    const socket = clientReq.socket;
    return socket === null ? 0 : socket.bytesRead + socket.bytesWritten;
  }

  /**
   * UPSTREAM_TIMEOUT_MS, enforced by one timer: while the request is still being sent,
   * and while the response body flows, it waits as long as bytes move (an idle timeout);
   * once the request is sent, the whole response head must arrive within the timeout,
   * however slowly it trickles in (a trickled head keeps a socket busy).
   */
  function onWatchdog(clientReq: ClientRequest): void {
    const state = stateOf(clientReq);
    if (state === undefined || state.watchdog === undefined) return;
    const waitingForHead = state.upstreamAt < 0 && clientReq.writableFinished;
    const progress = socketProgress(clientReq);
    if (!waitingForHead && progress !== state.progress) {
      state.progress = progress;
      state.watchdog.refresh();
      return;
    }
    state.timedOut = true;
    clearWatchdog(state);
    clientReq.destroy(Object.assign(new Error('upstream timeout'), { code: 'UPSTREAM_TIMEOUT' }));
  }

  function clearWatchdog(state: RequestState): void {
    if (state.watchdog !== undefined) {
      clearTimeout(state.watchdog);
      state.watchdog = undefined;
    }
  }

  /**
   * RFC 9110 §15.2: 1xx responses the proxy did not ask for are relayed (102 Processing,
   * 103 Early Hints), never to an HTTP/1.0 client, which cannot parse them (§15.2: MUST NOT).
   * 100 Continue is not: the proxy answered the client's expectation itself.
   */
  function onInformation(this: ClientRequest, info: { statusCode: number; headers: IncomingHttpHeaders }): void {
    const state = stateOf(this);
    if (state === undefined || state.res.headersSent || state.res.destroyed) return;
    if (state.res.req.httpVersion === '1.0') return;
    if (info.statusCode === 102) {
      state.res.writeProcessing();
    } else if (info.statusCode === 103) {
      try {
        state.res.writeEarlyHints(stripHopByHop({ ...info.headers }) as Record<string, string | string[]>);
      } catch {
        // A Link value Node refuses to write is dropped, like any malformed hint.
      }
    }
  }

  function onBodyData(this: IncomingMessage, chunk: Buffer): void {
    const state = stateOf(this);
    if (state === undefined || state.answered || maxBodyBytes === undefined) return;
    state.bodyBytes += chunk.length;
    if (state.bodyBytes <= maxBodyBytes) return;
    // A chunked body grew past MAX_BODY_BYTES: the upstream must never see it complete.
    state.answered = true;
    state.code = 'PAYLOAD_TOO_LARGE';
    state.proxyReq?.destroy();
    this.unpipe();
    if (state.res.headersSent) state.res.destroy();
    else sendError(state.res, 'PAYLOAD_TOO_LARGE', { close: true });
  }

  const plugin = (proxyServer: unknown): void => {
    const server = proxyServer as {
      webPasses: Array<{ name: string }>;
      on(event: string, listener: (...args: never[]) => void): void;
    };
    // deleteLength would send `Content-Length: 0` for a DELETE/OPTIONS with a chunked body
    // and then the body bytes unframed (smuggling); timeout/XHeaders are ours.
    server.webPasses = server.webPasses.filter(
      (pass) => pass.name !== 'deleteLength' && pass.name !== 'timeout' && pass.name !== 'XHeaders',
    );
    server.on('start', onStart);
    server.on('proxyRes', onProxyRes);
    server.on('error', onProxyError);
    server.on('econnreset', onProxyError);
  };

  function onStart(req: IncomingMessage): void {
    constructing = req;
  }

  function onProxyRes(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    const state = stateOf(req);
    if (state !== undefined) {
      // The head is here: from now on the watchdog only asks that the body keeps moving.
      if (state.watchdog !== undefined && state.proxyReq !== undefined) {
        state.progress = socketProgress(state.proxyReq);
        state.watchdog.refresh();
      }
      (proxyRes as WithState)[kState] = state;
      state.upstreamAt = performance.now();
      metrics.upstreamLatency.observe((state.upstreamAt - state.startedAt) / 1000);
    }
    proxyRes.once('close', onProxyResClose);
    if (res.headersSent || res.destroyed) {
      proxyRes.destroy();
      return;
    }
    // selfHandleResponse: one writeHead with a fresh end-to-end copy instead of
    // http-proxy's setHeader per field (issue #7). Connection is ours: keep-alive as Node
    // decided for this client (without Node's extra Keep-Alive hint), close while draining.
    const headers = endToEndCopy(proxyRes.headers);
    headers.via = appendVia(proxyRes.headers.via, viaEntry(proxyRes.httpVersion, proxyName));
    headers.connection = res.shouldKeepAlive && !deps.isClosing() ? 'keep-alive' : 'close';
    try {
      res.writeHead(proxyRes.statusCode as number, proxyRes.statusMessage || undefined, headers);
    } catch (err) {
      // A status or field Node refuses to write (e.g. status 042): the response is invalid.
      if (state !== undefined && state.code === undefined) state.code = 'UPSTREAM_BAD_RESPONSE';
      logger.debug({ msg: 'unwritable upstream response', err: err instanceof Error ? err.message : String(err) });
      proxyRes.destroy();
      sendError(res, 'UPSTREAM_BAD_RESPONSE');
      return;
    }
    proxyRes.pipe(res);
  }

  function onProxyResClose(this: IncomingMessage): void {
    // The upstream exchange is over: its socket may already serve another request, so
    // the watchdog must never touch it again.
    const done = stateOf(this);
    if (done !== undefined) clearWatchdog(done);
    if (this.complete) return;
    // The upstream body was cut short: the client must see an aborted response, never a
    // cleanly ended one (pipe() would leave it open forever).
    const state = stateOf(this);
    /* c8 ignore next */ if (state === undefined) return;
    if (state.code === undefined) state.code = state.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_RESET';
    if (!state.res.writableEnded) state.res.destroy();
  }

  function onProxyError(err: Error, req: IncomingMessage): void {
    const state = stateOf(req);
    if (state === undefined) return;
    clearWatchdog(state);
    if (state.answered) return;
    if (req.socket.destroyed || (req.destroyed && !req.complete)) {
      // The client went away (http-proxy routes the client request's errors here too).
      if (state.code === undefined) state.code = 'CLIENT_ABORTED';
      state.proxyReq?.destroy();
      return;
    }
    const { code } = statusForUpstreamError(err, { timedOut: state.timedOut });
    if (state.code === undefined) state.code = code;
    const response = state.res;
    if (response.writableEnded || response.destroyed) return;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    sendError(response, code);
  }

  function onResponseClose(this: ServerResponse): void {
    const req = this.req;
    const state = stateOf(req);
    /* c8 ignore next */ if (state === undefined) return;
    const finished = this.writableFinished;
    clearWatchdog(state);
    if (!finished) {
      const upstream = state.proxyReq;
      if (upstream !== undefined && !upstream.destroyed) upstream.destroy();
      if (state.code === undefined) state.code = 'CLIENT_ABORTED';
    }
    status.finished();
    const statusCode = finished || this.headersSent ? this.statusCode : 0;
    requestCounter(req.method, statusCode).inc();
    const end = performance.now();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    logger.info({
      msg: 'request',
      method: req.method,
      url: q === -1 ? url : url.slice(0, q),
      status: statusCode,
      durationMs: Math.round((end - state.startedAt) * 1000) / 1000,
      upstreamMs: state.upstreamAt < 0 ? undefined : Math.round((state.upstreamAt - state.startedAt) * 1000) / 1000,
      code: state.code,
    });
    deps.onRequestDone();
  }

  const common = {
    target: reverse as unknown as string,
    router: routeOf,
    pathFilter: always,
    changeOrigin: true,
    xfwd: false,
    toProxy: true,
    prependPath: false,
    selfHandleResponse: true,
    ejectPlugins: true,
    plugins: [plugin],
  };
  const httpMiddleware: RequestHandler = createProxyMiddleware({ ...common, agent: httpAgent });
  const httpsMiddleware: RequestHandler = createProxyMiddleware({ ...common, agent: httpsAgent });

  function refuse(state: RequestState, res: ServerResponse, code: ProxyErrorCode, close: boolean, headers?: Record<string, string>): void {
    state.code = code;
    sendError(res, code, { close, ...(headers === undefined ? {} : { headers }) });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const state = new RequestState(performance.now(), res);
    (req as WithState)[kState] = state;
    status.started();
    res.on('close', onResponseClose);

    const headers = req.headers;
    const method = req.method as string;
    if (hasDuplicateHost(req.rawHeaders)) return refuse(state, res, 'DUPLICATE_HOST', true);
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused (Node's own check is off
    // so that this answer carries our JSON body).
    if (headers.host === undefined && req.httpVersionMinor === 1) return refuse(state, res, 'BAD_REQUEST', true);
    const resolution = resolveTarget(
      req.url as string,
      method,
      reverse,
      config.upstream.pathPrefix,
      config.allowedHosts,
      deps.listener(),
    );
    if ('error' in resolution) return refuse(state, res, resolution.error, resolution.error !== 'FORWARD_HOST_FORBIDDEN');
    if (viaContains(headers.via, proxyName)) return refuse(state, res, 'LOOP_DETECTED', false);
    if (method === 'TRACE' && !config.allowTrace) return refuse(state, res, 'TRACE_NOT_ALLOWED', false, { allow });
    const hops = maxForwards(method, headers['max-forwards']);
    if (hops.action === 'answer') return answerHere(req, res, method);
    if (declaredBodyTooLarge(headers, maxBodyBytes)) return refuse(state, res, 'PAYLOAD_TOO_LARGE', true);

    const chunked = headers['transfer-encoding'] !== undefined;
    // Absolute-form: the client's Host is ignored (RFC 9112 §3.2.2), so the host the client
    // asked for is the target's; echoing the ignored one would forge X-Forwarded-Host.
    const clientHost = resolution.mode === 'forward' ? resolution.target.host : headers.host;
    // A fresh copy without hop-by-hop fields, the names Connection lists, the client's token
    // (any case, any count: Node lower-cases and joins them) and Expect (Node already
    // answered 100 Continue or 417 before this ran). Copying beats deleting from Node's
    // object, which would turn it into a slow dictionary for every later reader.
    const forwarded = endToEndCopy(headers, dropped) as IncomingHttpHeaders;
    if (hops.action === 'decrement') forwarded['max-forwards'] = hops.value;
    // llhttp only accepts a chunked-last Transfer-Encoding without Content-Length, so a
    // removed TE means a chunked body: keep it framed as chunked (never unframed bytes).
    if (chunked && forwarded['content-length'] === undefined) forwarded['transfer-encoding'] = 'chunked';
    applyForwardedHeaders(forwarded, {
      clientAddress: req.socket.remoteAddress,
      proto: 'http',
      host: clientHost,
      trust: config.trustForwarded,
    });
    forwarded.via = appendVia(headers.via, viaEntry(req.httpVersion, proxyName));
    if (config.signedMethods.has(method)) {
      forwarded[tokenHeader] = sign().token;
      metrics.tokensSigned.inc();
    }
    // http-proxy builds the upstream request from req.headers.
    req.headers = forwarded;

    state.target = resolution.target;
    state.path = resolution.path;
    state.limitBody = maxBodyBytes !== undefined && chunked;
    const middleware = resolution.target.protocol === 'https:' ? httpsMiddleware : httpMiddleware;
    void middleware(req, res, (err?: unknown) => onMiddlewareError(err, req, res));
  }

  function onMiddlewareError(err: unknown, req: IncomingMessage, res: ServerResponse): void {
    /* c8 ignore next 3 */
    const state = stateOf(req);
    if (state !== undefined && state.code === undefined) state.code = 'INTERNAL_ERROR';
    logger.error({ msg: 'forwarding failed', err: err instanceof Error ? err.message : String(err) });
    sendError(res, 'INTERNAL_ERROR');
  }

  function answerHere(req: IncomingMessage, res: ServerResponse, method: string): void {
    if (method === 'OPTIONS') {
      res.writeHead(200, { allow, 'content-length': 0, via: viaEntry(req.httpVersion, proxyName) });
      res.end();
      return;
    }
    const body = traceEcho(method, req.url as string, req.httpVersion, req.rawHeaders, tokenHeader);
    res.writeHead(200, {
      'content-type': 'message/http',
      'content-length': Buffer.byteLength(body, 'latin1'),
      via: viaEntry(req.httpVersion, proxyName),
    });
    res.end(body, 'latin1');
  }

  return {
    handle,
    destroy: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** HPM's router: the target resolved in `handle` (typed as http-proxy's url-like target). */
function routeOf(req: IncomingMessage): string {
  return (stateOf(req) as RequestState).target as unknown as string;
}

function always(): boolean {
  return true;
}
