/**
 * HTTP Basic credentials (RFC 7617): `Basic base64(user ":" password)`, UTF-8. Parsed only
 * here; the password never leaves this module but into bcrypt.
 */

export interface BasicCredential {
  readonly user: string;
  readonly password: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** True when the field names the Basic scheme (case-insensitive, RFC 9110 §11.1). */
export function isBasic(value: string): boolean {
  return value.length > 6 && value.slice(0, 6).toLowerCase() === 'basic ';
}

/** The user and password of a Basic field, or undefined when it is malformed. */
export function parseBasic(value: string): BasicCredential | undefined {
  const encoded = value.slice(6).trim();
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The challenge field's value (RFC 7617 §2.1: charset="UTF-8" says how to encode the pair). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}
