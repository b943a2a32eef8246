/**
 * The passes that keep a request from going round (RFC 9110 §7.6) and TRACE from echoing
 * credentials: a Via that names us, TRACE unless allowed, and TRACE/OPTIONS with
 * `Max-Forwards: 0`, which the proxy answers itself.
 */
import type { IncomingMessage } from 'node:http';
import { maxForwards, traceEcho } from '../http/max-forwards.js';
import { viaContains, viaEntry } from '../http/via-forwarded.js';
import type { Exchange, RequestPass } from './exchange.js';
import { refuse } from './outcome.js';

/** RFC 9110 §7.6.3: 508 LOOP_DETECTED for a Via that already names us (the request came round again). */
export function createRefuseLoop(options: { readonly proxyName: string }): RequestPass {
  const { proxyName } = options;
  return (exchange) => viaContains(exchange.req.headers.via, proxyName) && refuse(exchange, 'LOOP_DETECTED');
}

/**
 * RFC 9110 §9.3.8: 405 TRACE_NOT_ALLOWED, since TRACE echoes credentials back; forwarded only with
 * PROXY_ALLOW_TRACE. `allow` is the Allow value (max-forwards.ts's allowedMethods).
 */
export function createRefuseTrace(options: { readonly allowTrace: boolean; readonly allow: string }): RequestPass {
  const { allowTrace } = options;
  const headers = Object.freeze({ allow: options.allow });
  return (exchange) => exchange.req.method === 'TRACE' && !allowTrace && refuse(exchange, 'TRACE_NOT_ALLOWED', headers);
}

export interface MaxForwardsZeroOptions {
  readonly proxyName: string;
  readonly allow: string;
  /** The token's header, left out of a TRACE echo. */
  readonly tokenHeader: string;
}

/** RFC 9110 §7.6.2: TRACE/OPTIONS with `Max-Forwards: 0` are answered here (200), not forwarded. */
export function createAnswerMaxForwardsZero(options: MaxForwardsZeroOptions): RequestPass {
  return (exchange) => {
    const { req } = exchange;
    const method = req.method as string;
    if (maxForwards(method, req.headers['max-forwards']).action !== 'answer') return false;
    answerHere(exchange, req, method, options);
    return true;
  };
}

function answerHere(exchange: Exchange, req: IncomingMessage, method: string, options: MaxForwardsZeroOptions): void {
  const { res } = exchange;
  const via = viaEntry(req.httpVersion, options.proxyName);
  if (method === 'OPTIONS') {
    res.writeHead(200, { allow: options.allow, 'content-length': 0, via });
    res.end();
    return;
  }
  const body = traceEcho(method, req.url as string, req.httpVersion, req.rawHeaders, options.tokenHeader);
  res.writeHead(200, { 'content-type': 'message/http', 'content-length': Buffer.byteLength(body, 'latin1'), via });
  res.end(body, 'latin1');
}
