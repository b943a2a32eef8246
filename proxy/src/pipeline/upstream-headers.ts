/**
 * The upstream request's header section, built once per request: the client's end-to-end
 * fields (hop-by-hop.ts drops the rest, and the client's own token), then what the proxy
 * adds: Max-Forwards, X-Forwarded-*, Forwarded and Via. The token comes next, in
 * add-token.ts. Stripping comes first, so a client can neither forge nor remove the
 * proxy's fields (RFC 9110 §7.6.1).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestPass } from './exchange.js';
import { endToEndCopy } from '../http/hop-by-hop.js';
import { withLookAlikes } from '../http/look-alike-headers.js';
import { maxForwards } from '../http/max-forwards.js';
import { appendVia, createApplyForwardedHeaders, createViaEntries } from '../http/via-forwarded.js';

/**
 * The request fields never copied besides the hop-by-hop ones: the client's token (any
 * case, any count: Node lower-cases and joins them) and Expect (Node already answered
 * 100 Continue or 417 before the pipeline ran).
 */
function droppedRequestFields(tokenHeader: string): ReadonlySet<string> {
  // Look-alikes (`x_my_jwt`, `Content_Length`) too: CGI-style upstreams read them as the real ones (issue #16).
  return withLookAlikes([tokenHeader, 'expect'], tokenHeader);
}

export interface UpstreamHeadersOptions {
  /** The token's header: the client's copies are never forwarded. */
  readonly tokenHeader: string;
  /** PROXY_NAME, our Via pseudonym. */
  readonly proxyName: string;
  /** TRUST_FORWARDED: extend the client's X-Forwarded-For/Forwarded instead of replacing them. */
  readonly trustForwarded: boolean;
  /** 'https' when the proxy's own port speaks TLS (issue #24), else 'http': X-Forwarded-Proto and Forwarded proto=. */
  readonly proto: 'http' | 'https';
}

/** Request pass: replaces req.headers with the upstream's copy (http-proxy-middleware sends req.headers). */
export function createUpstreamHeaders(options: UpstreamHeadersOptions): RequestPass {
  const { proxyName, trustForwarded } = options;
  const dropped = droppedRequestFields(options.tokenHeader);
  // Built once per pass: the Via entries per HTTP version, the last client's Forwarded element (issue #22).
  const viaEntry = createViaEntries(proxyName);
  const applyForwardedHeaders = createApplyForwardedHeaders(options.proto, trustForwarded);
  return (exchange) => {
    const { req } = exchange;
    const headers = req.headers;
    const resolved = exchange.resolved;
    /* c8 ignore next */ if (resolved === undefined) return false;
    // Copying beats deleting from Node's object, which would turn it into a slow dictionary.
    const forwarded = endToEndCopy(headers, dropped) as IncomingHttpHeaders;
    const hops = maxForwards(req.method as string, headers['max-forwards']);
    if (hops.action === 'decrement') forwarded['max-forwards'] = hops.value;
    // llhttp only accepts a chunked-last Transfer-Encoding without Content-Length, so a
    // removed TE means a chunked body: keep it framed as chunked (never unframed bytes).
    if (headers['transfer-encoding'] !== undefined && forwarded['content-length'] === undefined) {
      forwarded['transfer-encoding'] = 'chunked';
    }
    // Absolute-form: the client's Host is ignored (RFC 9112 §3.2.2), so the host the client
    // asked for is the target's; echoing the ignored one would forge X-Forwarded-Host.
    applyForwardedHeaders(forwarded, req.socket.remoteAddress, resolved.mode === 'forward' ? resolved.target.host : headers.host);
    forwarded.via = appendVia(headers.via, viaEntry(req.httpVersion));
    req.headers = forwarded;
    return false;
  };
}
