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

const NONE: readonly string[] = Object.freeze([]);

/**
 * The field names a `Connection` value lists (RFC 9110 §7.6.1), lower-case, without
 * empty elements and without the framing fields, parsed once here for every caller.
 * Any case, any count: Node joins repeated Connection lines with ", ".
 */
export function connectionListed(connection: string | string[] | number | undefined): readonly string[] {
  if (connection === undefined) return NONE;
  const joined = Array.isArray(connection) ? connection.join(',') : String(connection);
  const names: string[] = [];
  for (const name of joined.split(',')) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed !== '' && !FRAMING_HEADERS.has(trimmed)) names.push(trimmed);
  }
  return names;
}

function strip<T extends Headers>(headers: T, drop: (headers: Headers, name: string) => void): T {
  for (const name of connectionListed(headers.connection)) {
    if (headers[name] !== undefined) drop(headers, name);
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
  const listed = connectionListed(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || alsoDrop?.has(name) === true) continue;
    if (listed.length > 0 && listed.includes(name)) continue;
    out[name] = value;
  }
  return out;
}
