/**
 * Predicates on a request head that Node's parser (llhttp) accepts but an intermediary must
 * refuse: two Host lines (RFC 9112 §3.2) and a declared body over MAX_BODY_BYTES.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Node keeps the first Host and drops the rest; rawHeaders still shows every line. */
export function hasDuplicateHost(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

/** True when a declared Content-Length exceeds the limit (undefined limit = none). */
export function declaredBodyTooLarge(headers: IncomingHttpHeaders, maxBodyBytes: number | undefined): boolean {
  if (maxBodyBytes === undefined) return false;
  const length = headers['content-length'];
  return length !== undefined && Number(length) > maxBodyBytes;
}
