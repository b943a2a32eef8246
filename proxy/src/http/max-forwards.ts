/**
 * Max-Forwards on TRACE/OPTIONS (RFC 9110 §7.6.2), the `Allow` the proxy answers with, and the
 * echo of a TRACE answered here (§9.3.8).
 */
import type { HeaderValue } from './via-forwarded.js';
import { joined } from './via-forwarded.js';

export type MaxForwardsDecision =
  | { readonly action: 'forward' }
  | { readonly action: 'answer' }
  | { readonly action: 'decrement'; readonly value: string };

/**
 * RFC 9110 §7.6.2: on TRACE and OPTIONS, Max-Forwards 0 means this proxy is the
 * final recipient; n is forwarded as n-1. Other methods, or no/invalid value: forward unchanged.
 */
export function maxForwards(method: string, value: HeaderValue): MaxForwardsDecision {
  if ((method !== 'TRACE' && method !== 'OPTIONS') || value === undefined) return { action: 'forward' };
  const text = joined(value)?.trim() ?? '';
  if (!/^\d+$/.test(text)) return { action: 'forward' };
  const n = Number(text);
  if (n === 0) return { action: 'answer' };
  return { action: 'decrement', value: String(n - 1 > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n - 1) };
}

/** Methods the proxy itself answers for in `Allow` (OPTIONS with Max-Forwards: 0, 405s). */
export function allowedMethods(allowTrace: boolean): string {
  return allowTrace
    ? 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE'
    : 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
}

/** Fields never reflected by TRACE (RFC 9110 §9.3.8: credentials), nor our token. */
const TRACE_EXCLUDED = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** The request as received, as a message/http body for a TRACE answered here. */
export function traceEcho(
  method: string,
  url: string,
  httpVersion: string,
  rawHeaders: readonly string[],
  tokenHeader: string,
): string {
  let out = `${method} ${url} HTTP/${httpVersion}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (TRACE_EXCLUDED.has(lower) || lower === tokenHeader) continue;
    out += `${name}: ${rawHeaders[i + 1] as string}\r\n`;
  }
  return `${out}\r\n`;
}
