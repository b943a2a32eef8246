/**
 * The intermediary's protocol duties (issue #6), as pure functions over header
 * objects: Via (RFC 9110 §7.6.3), loop detection (§7.6), X-Forwarded-* and
 * Forwarded (RFC 7239). Max-Forwards and TRACE are in max-forwards.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isHttpToken } from '../../../contracts/src/index.js';

export type HeaderValue = string | string[] | number | undefined;

/** A field's value as one comma-joined string (RFC 9110 §5.3). */
export function joined(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** `1.1 jwt-proxy`: the protocol version as received, then our pseudonym. */
export function viaEntry(httpVersion: string, pseudonym: string): string {
  return `${httpVersion} ${pseudonym}`;
}

/**
 * Our Via entries, one per HTTP version, built once per pass (issue #22): Node only parses
 * HTTP/1.0 and 1.1 (505 answers the rest), so the two strings are made up front.
 */
export function createViaEntries(pseudonym: string): (httpVersion: string) => string {
  const v11 = viaEntry('1.1', pseudonym);
  const v10 = viaEntry('1.0', pseudonym);
  return (httpVersion) => (httpVersion === '1.1' ? v11 : httpVersion === '1.0' ? v10 : viaEntry(httpVersion, pseudonym));
}

/** Appends our Via entry, keeping earlier ones in order. */
export function appendVia(existing: HeaderValue, entry: string): string {
  const previous = joined(existing);
  return previous === undefined || previous.trim() === '' ? entry : `${previous}, ${entry}`;
}

/** True when a Via value already lists `pseudonym` as a received-by: the request went round once. */
export function viaContains(existing: HeaderValue, pseudonym: string): boolean {
  const value = joined(existing);
  if (value === undefined) return false;
  const wanted = pseudonym.toLowerCase();
  // Comments may contain commas; drop them before splitting the list.
  for (const element of value.replace(/\([^)]*\)/g, '').split(',')) {
    const receivedBy = element.trim().split(/\s+/)[1];
    if (receivedBy !== undefined && receivedBy.toLowerCase() === wanted) return true;
  }
  return false;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) is written as the IPv4 address. */
export function normaliseAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** RFC 7239 §6: IPv6 node names are bracketed and, containing ':', quoted. */
export function forwardedNode(address: string): string {
  return address.includes(':') ? `"[${address}]"` : address;
}

/** A Forwarded parameter value: a token as is, anything else as a quoted-string. */
export function forwardedValue(value: string): string {
  return isHttpToken(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export interface ForwardedContext {
  /** The client's address as the socket reports it. */
  readonly clientAddress: string | undefined;
  /** 'http', or 'https' when the proxy's own port speaks TLS (issue #24). */
  readonly proto: string;
  /** The Host the client sent, if any. */
  readonly host: string | undefined;
  /** PROXY_TRUST_FORWARDED: keep and extend incoming values instead of replacing them. */
  readonly trust: boolean;
}

/**
 * Sets X-Forwarded-For/-Proto/-Host and Forwarded in place. Trusted: the client's
 * lists are extended and its proto/host kept; untrusted (default): replaced, so a
 * client cannot forge where a request came from.
 */
export function applyForwardedHeaders(headers: IncomingHttpHeaders, context: ForwardedContext): void {
  setForwardedHeaders(headers, context, forwardedParts(context.clientAddress, context.host, context.proto));
}

/** The X-Forwarded-For address and our Forwarded element (RFC 7239 §4) for one client and Host. */
interface ForwardedParts {
  readonly address: string;
  readonly element: string;
}

function forwardedParts(clientAddress: string | undefined, host: string | undefined, proto: string): ForwardedParts {
  const address = normaliseAddress(clientAddress);
  let element = `for=${forwardedNode(address)}`;
  if (host !== undefined) element += `;host=${forwardedValue(host)}`;
  element += `;proto=${proto}`;
  return { address, element };
}

/**
 * applyForwardedHeaders for one pass, remembering the last client address and Host: a
 * keep-alive client sends request after request from the same address to the same Host, so
 * the Forwarded element and the normalised address are built once per run of them (issue #22).
 */
export function createApplyForwardedHeaders(proto: string, trust: boolean): (headers: IncomingHttpHeaders, clientAddress: string | undefined, host: string | undefined) => void {
  let lastAddress: string | undefined;
  let lastHost: string | undefined;
  let parts = forwardedParts(undefined, undefined, proto);
  return (headers, clientAddress, host) => {
    if (clientAddress !== lastAddress || host !== lastHost) {
      parts = forwardedParts(clientAddress, host, proto);
      lastAddress = clientAddress;
      lastHost = host;
    }
    setForwardedHeaders(headers, { proto, trust, host }, parts);
  };
}

function setForwardedHeaders(
  headers: IncomingHttpHeaders,
  context: Omit<ForwardedContext, 'clientAddress'>,
  { address, element }: ForwardedParts,
): void {
  const trust = context.trust;
  const xff = trust ? joined(headers['x-forwarded-for']) : undefined;
  headers['x-forwarded-for'] = xff === undefined || xff.trim() === '' ? address : `${xff}, ${address}`;
  if (!trust || headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = context.proto;
  if (!trust || headers['x-forwarded-host'] === undefined) {
    if (context.host === undefined) delete headers['x-forwarded-host'];
    else headers['x-forwarded-host'] = context.host;
  }
  const forwarded = trust ? joined(headers.forwarded) : undefined;
  headers.forwarded = forwarded === undefined || forwarded.trim() === '' ? element : `${forwarded}, ${element}`;
}
