/**
 * Where hop-by-hop headers are removed. RFC 9110 §7.6.1: a proxy removes
 * Connection, every field Connection names, and the fields that only make sense
 * on one connection, before forwarding, in both directions.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Lower-case names that never cross the proxy (RFC 9110 §7.6.1, RFC 9112 §7.6; Proxy-* are hop-scoped). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Never removed because Connection lists them: Content-Length frames the body, and a
 * client that lists it in Connection would make the forwarded body unframed
 * (the "hop-by-hop abuse" class of request-smuggling attacks).
 */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length']);

type Headers = IncomingHttpHeaders | Record<string, string | string[] | number | undefined>;

/**
 * Deletes, in place, the hop-by-hop fields and every name listed in `Connection`
 * (any case, any count; Node joins repeated Connection lines with ", ").
 * Returns the same object for chaining.
 */
export function stripHopByHop<T extends Headers>(headers: T): T {
  const connection = headers.connection;
  if (connection !== undefined) {
    const listed = Array.isArray(connection) ? connection.join(',') : String(connection);
    for (const name of listed.split(',')) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed !== '' && !FRAMING_HEADERS.has(trimmed)) Reflect.deleteProperty(headers, trimmed);
    }
  }
  for (const name of HOP_BY_HOP_HEADERS) {
    if (headers[name] !== undefined) Reflect.deleteProperty(headers, name);
  }
  return headers;
}
