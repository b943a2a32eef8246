/**
 * The Host checks (RFC 9112 §3.2), before the target is resolved. What Node's parser already
 * refuses (smuggling framings, RFC 9112 §6.1/§6.3) never gets here.
 */
import type { Exchange } from './exchange.js';
import { refuse } from './outcome.js';
import { hasDuplicateHost } from '../http/request-head.js';

/** Request pass: 400 DUPLICATE_HOST for two Host lines (Node keeps the first and drops the rest). */
export function refuseDuplicateHost(exchange: Exchange): boolean {
  return hasDuplicateHost(exchange.req.rawHeaders) && refuse(exchange, 'DUPLICATE_HOST');
}

/** Request pass: 400 for an HTTP/1.1 request without Host (Node's own check is off so that this 400 carries our JSON body). */
export function requireHost(exchange: Exchange): boolean {
  const { req } = exchange;
  return req.headers.host === undefined && req.httpVersionMinor === 1 && refuse(exchange, 'BAD_REQUEST');
}
