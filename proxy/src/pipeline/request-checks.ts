/**
 * The request passes that may answer before anything is forwarded (pipeline.ts
 * runs them in order). Each returns true when it answered. What Node's parser
 * already refuses (smuggling framings, RFC 9112 §6.1/§6.3) never gets here: see
 * request-guard.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { ProxyErrorCode } from '../http/errors.js';
import { sendError } from '../http/errors.js';
import type { Exchange } from './exchange.js';
import { resolveTarget } from './resolve-target.js';
import { maxForwards, traceEcho } from '../http/max-forwards.js';
import { viaContains, viaEntry } from '../http/via-forwarded.js';
import { setOutcome } from './outcome.js';
import { declaredBodyTooLarge, hasDuplicateHost } from '../http/request-head.js';

/** Answers with a proxy error: the outcome is the code, and the table says the status. */
function refuse(exchange: Exchange, code: ProxyErrorCode, headers?: Record<string, string>): true {
  setOutcome(exchange, code);
  sendError(exchange.res, code, headers === undefined ? undefined : { headers });
  return true;
}

/** RFC 9112 §3.2: two Host lines (Node keeps the first and drops the rest). */
export function refuseDuplicateHost(exchange: Exchange): boolean {
  return hasDuplicateHost(exchange.req.rawHeaders) && refuse(exchange, 'DUPLICATE_HOST');
}

/** RFC 9112 §3.2: an HTTP/1.1 request without Host (Node's own check is off so that this 400 carries our JSON body). */
export function requireHost(exchange: Exchange): boolean {
  const { req } = exchange;
  return req.headers.host === undefined && req.httpVersionMinor === 1 && refuse(exchange, 'BAD_REQUEST');
}

/** Reverse or forward mode, the exact request-target to send, or why not (forward-target.ts). */
export function resolveUpstream(exchange: Exchange): boolean {
  const { req, ctx } = exchange;
  const resolution = resolveTarget(
    req.url as string,
    req.method as string,
    ctx.reverse,
    ctx.config.upstream.pathPrefix,
    ctx.config.allowedHosts,
    ctx.listener(),
  );
  if ('error' in resolution) return refuse(exchange, resolution.error);
  exchange.resolved = resolution;
  return false;
}

/** RFC 9110 §7.6.3: a Via that already names us means the request came round again. */
export function refuseLoop(exchange: Exchange): boolean {
  return viaContains(exchange.req.headers.via, exchange.ctx.config.proxyName) && refuse(exchange, 'LOOP_DETECTED');
}

/** RFC 9110 §9.3.8: TRACE echoes credentials back; refused unless PROXY_ALLOW_TRACE. */
export function refuseTrace(exchange: Exchange): boolean {
  const { req, ctx } = exchange;
  return req.method === 'TRACE' && !ctx.config.allowTrace && refuse(exchange, 'TRACE_NOT_ALLOWED', { allow: ctx.allow });
}

/** RFC 9110 §7.6.2: TRACE/OPTIONS with `Max-Forwards: 0` are answered here, not forwarded. */
export function answerMaxForwardsZero(exchange: Exchange): boolean {
  const { req } = exchange;
  const method = req.method as string;
  if (maxForwards(method, req.headers['max-forwards']).action !== 'answer') return false;
  answerHere(exchange, req, method);
  return true;
}

function answerHere(exchange: Exchange, req: IncomingMessage, method: string): void {
  const { res, ctx } = exchange;
  const via = viaEntry(req.httpVersion, ctx.config.proxyName);
  if (method === 'OPTIONS') {
    res.writeHead(200, { allow: ctx.allow, 'content-length': 0, via });
    res.end();
    return;
  }
  const body = traceEcho(method, req.url as string, req.httpVersion, req.rawHeaders, ctx.config.token.header);
  res.writeHead(200, { 'content-type': 'message/http', 'content-length': Buffer.byteLength(body, 'latin1'), via });
  res.end(body, 'latin1');
}

/** A declared Content-Length over MAX_BODY_BYTES: 413 before a byte is forwarded. */
export function refuseDeclaredBodyTooLarge(exchange: Exchange): boolean {
  const { req, ctx } = exchange;
  if (declaredBodyTooLarge(req.headers, ctx.config.maxBodyBytes)) return refuse(exchange, 'PAYLOAD_TOO_LARGE');
  // A chunked body has no declared length: it is counted as it streams (limitChunkedBody).
  exchange.limitBody = ctx.config.maxBodyBytes !== undefined && req.headers['transfer-encoding'] !== undefined;
  return false;
}

/**
 * Upstream-request pass: a chunked body that grows past MAX_BODY_BYTES is cut, so the
 * upstream never sees it complete, and the client gets 413 (or an abort once a response began).
 */
export function limitChunkedBody(exchange: Exchange): void {
  if (!exchange.limitBody) return;
  const limit = exchange.ctx.config.maxBodyBytes as number;
  const { req } = exchange;
  const onData = (chunk: Buffer): void => {
    exchange.bodyBytes += chunk.length;
    if (exchange.bodyBytes <= limit) return;
    req.off('data', onData);
    setOutcome(exchange, 'PAYLOAD_TOO_LARGE');
    exchange.proxyReq?.destroy();
    req.unpipe();
    if (exchange.res.headersSent) exchange.res.destroy();
    else sendError(exchange.res, 'PAYLOAD_TOO_LARGE');
  };
  req.on('data', onData);
}
