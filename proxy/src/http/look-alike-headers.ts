/**
 * Look-alike header names (issue #16, Medium 3). CGI, WSGI and PHP upstreams read
 * `x_my_jwt`, `x.my.jwt` and `Content_Length` as HTTP_X_MY_JWT and
 * HTTP_CONTENT_LENGTH, the same variables as the real fields. A client could so
 * smuggle a token of its choosing, or a second framing, past a proxy that only
 * drops the exact names. As nginx does for underscores by default
 * (`underscores_in_headers off`), any name that, with `_` and `.` read as `-`,
 * equals a protected name is dropped.
 */
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';

/**
 * The fields the proxy owns: framing, hop-by-hop, and everything it adds itself, so a
 * look-alike can neither smuggle a second frame nor forge what the proxy vouches for.
 */
export const PROTECTED_FIELDS: readonly string[] = [
  'content-length',
  'host',
  'via',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  ...HOP_BY_HOP_HEADERS,
];

const SEPARATORS = /[_.]/g;

/** A predicate over lower-case field names: true for a look-alike of a protected name or of `tokenHeader`. */
export function lookAlikeFilter(tokenHeader: string): (name: string) => boolean {
  const protectedNames = new Set([...PROTECTED_FIELDS, tokenHeader.toLowerCase()].map((name) => name.replace(SEPARATORS, '-')));
  return (name: string): boolean => {
    // Most names carry neither character: one indexOf each, no allocation.
    if (name.indexOf('_') === -1 && name.indexOf('.') === -1) return false;
    return protectedNames.has(name.replace(SEPARATORS, '-'));
  };
}

/**
 * `exact` as a set whose `has` also answers true for every look-alike: the header copy
 * (hop-by-hop.ts `endToEndCopy`) drops what its `alsoDrop` set has, so look-alikes go in
 * the same single pass over the fields, with no second loop or delete.
 */
export function withLookAlikes(exact: Iterable<string>, tokenHeader: string): ReadonlySet<string> {
  const isLookAlike = lookAlikeFilter(tokenHeader);
  return new (class extends Set<string> {
    override has(name: string): boolean {
      return super.has(name) || isLookAlike(name);
    }
  })(exact);
}
