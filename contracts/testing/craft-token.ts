/**
 * Builds and takes apart compact JWS tokens with node:crypto alone, so the
 * suites can craft every kind of bad token (alg none, HS256, tampered parts,
 * malformed JSON) and check the proxy's tokens without trusting either
 * server's JWT library (issue #4: the consumer suite signs its own tokens).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { JWT_PROTECTED_HEADER } from '../src/token-contract.js';

/** HMAC hash per JWS algorithm (RFC 7518 §3.2); `none` leaves the signature empty (RFC 7518 §3.6). */
export const CRAFT_ALGORITHMS = { HS512: 'sha512', HS384: 'sha384', HS256: 'sha256', none: undefined } as const;
export type CraftAlgorithm = keyof typeof CRAFT_ALGORITHMS;

export interface CraftTokenOptions {
  /** The JOSE header: an object is serialised with JSON.stringify, a string is used as the raw JSON text. Default `{"alg":"HS512","typ":"JWT"}`. */
  readonly header?: object | string;
  /** The claims: an object is serialised with JSON.stringify, a string is used as the raw JSON text. */
  readonly claims: object | string;
  /** The HMAC key bytes. */
  readonly key: Buffer;
  /** Which HMAC computes the signature; default HS512. Independent of the header, so the two can disagree. */
  readonly algorithm?: CraftAlgorithm;
}

/** base64url without padding (RFC 7515 §2). */
export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function segment(part: object | string): string {
  return base64url(typeof part === 'string' ? part : JSON.stringify(part));
}

/** The base64url HMAC of `signingInput` with `key` under `algorithm` ('' for none). */
export function signatureOf(signingInput: string, key: Buffer, algorithm: CraftAlgorithm = 'HS512'): string {
  const hash = CRAFT_ALGORITHMS[algorithm];
  return hash === undefined ? '' : createHmac(hash, key).update(signingInput).digest('base64url');
}

/** A compact JWS `header.claims.signature`. */
export function craftToken(options: CraftTokenOptions): string {
  const signingInput = `${segment(options.header ?? JWT_PROTECTED_HEADER)}.${segment(options.claims)}`;
  return `${signingInput}.${signatureOf(signingInput, options.key, options.algorithm)}`;
}

export interface DecodedToken {
  readonly header: unknown;
  readonly claims: unknown;
  readonly signature: string;
}

/** Decodes a compact JWS without verifying it; undefined when it is not three base64url JSON parts. */
export function decodeToken(token: string): DecodedToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, claims, signature] = parts as [string, string, string];
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown,
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as unknown,
      signature,
    };
  } catch {
    return undefined;
  }
}

/** True when the token's signature is the HS512 HMAC of its first two parts under `key` (constant-time compare). */
export function hasValidHs512Signature(token: string, key: Buffer): boolean {
  const cut = token.lastIndexOf('.');
  if (cut < 0) return false;
  const expected = Buffer.from(signatureOf(token.slice(0, cut), key, 'HS512'));
  const actual = Buffer.from(token.slice(cut + 1));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
