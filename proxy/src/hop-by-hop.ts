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
const HOP_BY_HOP_LIST: readonly string[] = [...HOP_BY_HOP_HEADERS];

/**
 * Never removed because Connection lists them: Content-Length frames the body, and a
 * client that lists it in Connection would make the forwarded body unframed
 * (the "hop-by-hop abuse" class of request-smuggling attacks).
 */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length']);

type Headers = IncomingHttpHeaders | Record<string, string | string[] | number | undefined>;

function remove(headers: Headers, name: string): void {
  Reflect.deleteProperty(headers, name);
}

function strip<T extends Headers>(headers: T, drop: (headers: Headers, name: string) => void): T {
  const connection = headers.connection;
  if (connection !== undefined) {
    const listed = Array.isArray(connection) ? connection.join(',') : String(connection);
    for (const name of listed.split(',')) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed !== '' && !FRAMING_HEADERS.has(trimmed) && headers[trimmed] !== undefined) drop(headers, trimmed);
    }
  }
  // Look before deleting: most messages carry none of these, and a delete turns the
  // object into a slow dictionary for every later reader.
  for (let i = 0; i < HOP_BY_HOP_LIST.length; i += 1) {
    const name = HOP_BY_HOP_LIST[i] as string;
    if (headers[name] !== undefined) drop(headers, name);
  }
  return headers;
}

/**
 * Deletes, in place, the hop-by-hop fields and every name listed in `Connection`
 * (any case, any count; Node joins repeated Connection lines with ", ").
 * Returns the same object for chaining.
 */
export function stripHopByHop<T extends Headers>(headers: T): T {
  return strip(headers, remove);
}

/**
 * A copy without the hop-by-hop fields, the names `Connection` lists and `alsoDrop`
 * (lower-case), built in one pass: deleting from Node's header object would turn it
 * into a slow dictionary, copying keeps the hot path fast.
 */
export function endToEndCopy(
  headers: IncomingHttpHeaders,
  alsoDrop?: ReadonlySet<string>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connection = headers.connection;
  const listed =
    connection === undefined
      ? undefined
      : (Array.isArray(connection) ? connection.join(',') : connection)
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== '' && !FRAMING_HEADERS.has(name));
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || alsoDrop?.has(name) === true) continue;
    if (listed !== undefined && listed.includes(name)) continue;
    out[name] = value;
  }
  return out;
}
